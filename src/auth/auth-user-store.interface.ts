/** What the module needs to know of a user: that it exists and whether it may sign in. */
export interface AuthUser {
  id: string;
  disabled: boolean;
}

/**
 * The host's user-status port. The module does not own users: it asks the host
 * whether the user behind a token still exists and is enabled.
 */
export interface AuthUserStore {
  /** The user, or `null` when there is no such user (deleted, never existed). */
  findUser(userId: string): Promise<AuthUser | null>;
  /**
   * Optional: the users among these ids, in one call; an id left out is a user that does not exist. With it, the
   * guard's user checks of requests that arrive together share one call (`batchReads`); without it, one `findUser`
   * per request.
   */
  findUsers?(userIds: string[]): Promise<AuthUser[]>;
}

/** Injection token of the user store the module uses. */
export const AuthUserStore = Symbol('AuthUserStore');

/** Used when the host gives no store: every user exists and is enabled. */
export const allowAllUserStore: AuthUserStore = {
  findUser: async (userId) => ({ id: userId, disabled: false }),
};
