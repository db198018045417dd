import type { Provider } from '@nestjs/common';
import { AuthPolicy, AuthStore, PasswordHasher, SecretTokens } from '../../application/auth/auth.ports';
import type { Settings } from '../config/settings';
import type { Database } from '../sqlite/database';
import { DATABASE } from '../tokens';
import { NodeSecretTokens } from './node-secret-tokens';
import { ScryptPasswordHasher } from './scrypt-password-hasher';
import { SqliteAuthStore } from './sqlite-auth-store';

/** The adapters behind the auth ports. */
export function authInfrastructureProviders(settings: Settings): Provider[] {
  const policy: AuthPolicy = {
    sessionIdleMs: settings.sessionIdleMinutes * 60_000,
    sessionAbsoluteMs: settings.sessionMaxHours * 3_600_000,
    login: {
      accountAttempts: settings.loginAccountAttempts,
      ipAttempts: settings.loginIpAttempts,
      delayMs: settings.loginDelayMs,
      maxConcurrent: settings.loginMaxConcurrent,
    },
  };
  return [
    { provide: PasswordHasher, useClass: ScryptPasswordHasher },
    { provide: SecretTokens, useClass: NodeSecretTokens },
    { provide: AuthStore, useFactory: (db: Database) => new SqliteAuthStore(db), inject: [DATABASE] },
    { provide: AuthPolicy, useValue: policy },
  ];
}
