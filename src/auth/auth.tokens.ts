/** The host's TypeORM data source, whichever name it has. */
export const AUTH_DATA_SOURCE = Symbol('AUTH_DATA_SOURCE');
