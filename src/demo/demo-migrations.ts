import { authMigrations } from '../auth/index.js';
import { CreateDemoUsers1763700000001 } from '../../migrations/demo/1763700000001-CreateDemoUsers.js';

/** The module's migrations followed by the demo's own. */
export const demoMigrations = [...authMigrations, CreateDemoUsers1763700000001];
