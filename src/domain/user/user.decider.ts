import { DomainError, NotFound } from '../common/domain-error';
import { Decider } from '../common/domain-event';
import { parseEmail } from '../common/value-objects';
import {
  API_TOKEN_SCOPES,
  ApiTokenEvent,
  ApiTokenScope,
  UserEvent,
  UserRole,
} from './user.events';

export type UserCommand =
  | { type: 'CreateUser'; userId: string; email: string; role: UserRole }
  | { type: 'RecordLogin'; sessionId: string; ip: string }
  | { type: 'RecordLoginFailure'; reason: 'bad-password'; ip: string }
  | { type: 'RecordLoginThrottled'; ip: string; limit: 'ip' | 'account'; retryAfterSeconds: number }
  | { type: 'RecordLogout'; sessionId: string };

export interface UserState {
  readonly exists: boolean;
  readonly id: string | null;
  readonly email: string | null;
}

export const initialUserState: UserState = { exists: false, id: null, email: null };

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: initialUserState,
  decide(cmd, user) {
    if (cmd.type === 'CreateUser') {
      if (user.exists) throw new DomainError('DUPLICATE', `user ${cmd.userId} already exists`, { userId: cmd.userId });
      return [{ type: 'UserCreated', data: { userId: cmd.userId, email: parseEmail(cmd.email), role: cmd.role } }];
    }
    if (!user.exists) throw new NotFound('user', '?');
    const userId = user.id as string;
    switch (cmd.type) {
      case 'RecordLogin':
        return [{ type: 'UserLoggedIn', data: { userId, sessionId: cmd.sessionId, ip: cmd.ip } }];
      case 'RecordLoginFailure':
        return [{ type: 'UserLoginFailed', data: { userId, reason: cmd.reason, ip: cmd.ip } }];
      case 'RecordLoginThrottled':
        return [{ type: 'UserLoginThrottled', data: { userId, ip: cmd.ip, limit: cmd.limit, retryAfterSeconds: cmd.retryAfterSeconds } }];
      case 'RecordLogout':
        return [{ type: 'UserLoggedOut', data: { userId, sessionId: cmd.sessionId } }];
    }
  },
  evolve(user, event) {
    if (event.type === 'UserCreated') return { exists: true, id: event.data.userId, email: event.data.email };
    return user;
  },
};

export type ApiTokenCommand =
  | { type: 'CreateApiToken'; tokenId: string; name: string; scope: ApiTokenScope; expiresAt?: string }
  | { type: 'RevokeApiToken'; tokenId: string };

export interface ApiTokenState {
  readonly exists: boolean;
  readonly revoked: boolean;
}

const TOKEN_NAME = /^[\p{L}\p{N} ._:@()/-]{1,64}$/u;

export const apiTokenDecider: Decider<ApiTokenState, ApiTokenCommand, ApiTokenEvent> = {
  initialState: { exists: false, revoked: false },
  decide(cmd, token, ctx) {
    if (cmd.type === 'CreateApiToken') {
      if (token.exists) throw new DomainError('DUPLICATE', `token ${cmd.tokenId} already exists`, { tokenId: cmd.tokenId });
      const name = cmd.name.trim();
      if (!TOKEN_NAME.test(name)) {
        throw new DomainError('VALIDATION_FAILED', 'name: 1-64 letters, digits, spaces or ._:@()/-', { fields: { name: ['1-64 letters, digits, spaces or ._:@()/-'] } });
      }
      if (!API_TOKEN_SCOPES.includes(cmd.scope)) {
        throw new DomainError('VALIDATION_FAILED', 'scope must be read or write', { fields: { scope: ['must be read or write'] } });
      }
      if (cmd.expiresAt !== undefined && !(cmd.expiresAt > ctx.now && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(cmd.expiresAt))) {
        throw new DomainError('VALIDATION_FAILED', 'expiresAt must be a time in the future', { fields: { expiresAt: ['must be a time in the future'] } });
      }
      return [{ type: 'ApiTokenCreated', data: { tokenId: cmd.tokenId, name, scope: cmd.scope, ...(cmd.expiresAt ? { expiresAt: cmd.expiresAt } : {}) } }];
    }
    if (!token.exists) throw new NotFound('token', cmd.tokenId);
    if (token.revoked) return [];
    return [{ type: 'ApiTokenRevoked', data: { tokenId: cmd.tokenId } }];
  },
  evolve(token, event) {
    if (event.type === 'ApiTokenCreated') return { exists: true, revoked: false };
    return { ...token, revoked: true };
  },
};
