import type { ApiTokenCreatedData, UserCreatedData, UserLoggedInData } from '../../domain/user/user.events';
import type { RowProjection } from '../projections/row-projection';
import type { ApiTokenRow, UserRow } from './auth.views';

/** rm_users: who may sign in (the password hash is not here: it is in user_credentials, never in an event). */
export const userListProjection: RowProjection<UserRow> = {
  name: 'user-list',
  table: 'rm_users',
  primaryKey: ['id'],
  columns: ['id', 'email', 'role', 'created_at', 'last_login_at', 'version'],
  handles: (type) => type === 'UserCreated' || type === 'UserLoggedIn',
  keys: (event) => [[(event.data as { userId: string }).userId]],
  evolve: (row, event) => {
    if (event.type === 'UserCreated') {
      const d = event.data as UserCreatedData;
      return { id: d.userId, email: d.email, role: d.role, created_at: event.recordedAt, last_login_at: null, version: event.streamVersion };
    }
    if (!row) return null;
    void (event.data as UserLoggedInData);
    return { ...row, last_login_at: event.recordedAt, version: event.streamVersion };
  },
};

/** rm_api_tokens: name, scope, who created and revoked it (last use is operational: api_token_usage). */
export const apiTokenListProjection: RowProjection<ApiTokenRow> = {
  name: 'api-token-list',
  table: 'rm_api_tokens',
  primaryKey: ['id'],
  columns: ['id', 'name', 'scope', 'created_by', 'created_at', 'revoked_at', 'revoked_by', 'version', 'expires_at'],
  handles: (type) => type === 'ApiTokenCreated' || type === 'ApiTokenRevoked',
  keys: (event) => [[(event.data as { tokenId: string }).tokenId]],
  evolve: (row, event) => {
    if (event.type === 'ApiTokenCreated') {
      const d = event.data as ApiTokenCreatedData;
      return {
        id: d.tokenId,
        name: d.name,
        scope: d.scope,
        created_by: event.metadata.actor,
        created_at: event.recordedAt,
        revoked_at: null,
        revoked_by: null,
        version: event.streamVersion,
        expires_at: d.expiresAt ?? null,
      };
    }
    if (!row) return null;
    return { ...row, revoked_at: event.recordedAt, revoked_by: event.metadata.actor, version: event.streamVersion };
  },
};
