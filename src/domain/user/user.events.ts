import { DomainEvent } from '../common/domain-event';

/**
 * Events of the `user-<id>` and `apitoken-<id>` streams. Type strings are stable: never rename one that
 * has shipped. No secret, password, hash or session token ever goes into these events: only ids.
 */

export function userStreamId(userId: string): string {
  return `user-${userId}`;
}

export function apiTokenStreamId(tokenId: string): string {
  return `apitoken-${tokenId}`;
}

export type UserRole = 'admin';
export type ApiTokenScope = 'read' | 'write';
export const API_TOKEN_SCOPES: readonly ApiTokenScope[] = ['read', 'write'];

export interface UserCreatedData {
  readonly userId: string;
  readonly email: string;
  readonly role: UserRole;
}
export interface UserLoggedInData {
  readonly userId: string;
  /** The session's public id (not its secret cookie value). */
  readonly sessionId: string;
  readonly ip: string;
}
export interface UserLoginFailedData {
  readonly userId: string;
  /** `rate-limited` only in events recorded before UserLoginThrottled existed. */
  readonly reason: 'bad-password' | 'rate-limited';
  readonly ip: string;
}
/** A sign-in was refused by the throttle before its password was checked (recorded once per wait). */
export interface UserLoginThrottledData {
  readonly userId: string;
  readonly ip: string;
  /** Which throttle refused it: the client IP's or the account's. */
  readonly limit: 'ip' | 'account';
  readonly retryAfterSeconds: number;
}
export interface UserLoggedOutData {
  readonly userId: string;
  readonly sessionId: string;
}
export interface ApiTokenCreatedData {
  readonly tokenId: string;
  readonly name: string;
  readonly scope: ApiTokenScope;
  /** ISO time from which the token is refused; absent = it does not expire (and in events before expiry existed). */
  readonly expiresAt?: string;
}
export interface ApiTokenRevokedData {
  readonly tokenId: string;
}

export type UserCreated = DomainEvent<'UserCreated', UserCreatedData>;
export type UserLoggedIn = DomainEvent<'UserLoggedIn', UserLoggedInData>;
export type UserLoginFailed = DomainEvent<'UserLoginFailed', UserLoginFailedData>;
export type UserLoggedOut = DomainEvent<'UserLoggedOut', UserLoggedOutData>;
export type UserLoginThrottled = DomainEvent<'UserLoginThrottled', UserLoginThrottledData>;
export type ApiTokenCreated = DomainEvent<'ApiTokenCreated', ApiTokenCreatedData>;
export type ApiTokenRevoked = DomainEvent<'ApiTokenRevoked', ApiTokenRevokedData>;

export type UserEvent = UserCreated | UserLoggedIn | UserLoginFailed | UserLoggedOut | UserLoginThrottled;
export type ApiTokenEvent = ApiTokenCreated | ApiTokenRevoked;

export const USER_EVENT_TYPES = ['UserCreated', 'UserLoggedIn', 'UserLoginFailed', 'UserLoggedOut', 'UserLoginThrottled'] as const satisfies readonly UserEvent['type'][];
export const API_TOKEN_EVENT_TYPES = ['ApiTokenCreated', 'ApiTokenRevoked'] as const satisfies readonly ApiTokenEvent['type'][];
