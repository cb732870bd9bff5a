import { CreateAuthTables1763700000000 } from './1763700000000-CreateAuthTables.js';

/** The module's migrations, in order: add them to the host's TypeORM `migrations` list. */
export const authMigrations = [CreateAuthTables1763700000000];
