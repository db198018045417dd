import { DomainError, NotFound } from '../../../src/domain/common/domain-error';
import { apiTokenDecider, userDecider } from '../../../src/domain/user/user.decider';
import type { ApiTokenEvent, UserEvent } from '../../../src/domain/user/user.events';
import { given, testContext } from '../../support/decider-spec';

const created: UserEvent = { type: 'UserCreated', data: { userId: 'u1', email: 'a@example.com', role: 'admin' } };

describe('userDecider', () => {
  it('given a user, when a throttled sign-in is recorded, then UserLoginThrottled names the IP, the throttle and the wait', () => {
    given(userDecider, [created])
      .when({ type: 'RecordLoginThrottled', ip: '10.0.0.1', limit: 'account', retryAfterSeconds: 4 })
      .then([{ type: 'UserLoginThrottled', data: { userId: 'u1', ip: '10.0.0.1', limit: 'account', retryAfterSeconds: 4 } }]);
  });

  it('given no user, when a throttled sign-in is recorded, then it is refused', () => {
    given(userDecider).when({ type: 'RecordLoginThrottled', ip: '10.0.0.1', limit: 'ip', retryAfterSeconds: 1 }).thenThrows(NotFound, 'NOT_FOUND');
  });

  it('given a user, when a bad password is recorded, then UserLoginFailed says bad-password', () => {
    given(userDecider, [created])
      .when({ type: 'RecordLoginFailure', reason: 'bad-password', ip: '10.0.0.2' })
      .then([{ type: 'UserLoginFailed', data: { userId: 'u1', reason: 'bad-password', ip: '10.0.0.2' } }]);
  });
});

describe('apiTokenDecider', () => {
  const ctx = testContext('2026-01-01T00:00:00.000Z');
  it('given no token, when one is created with a future expiry, then ApiTokenCreated carries expiresAt', () => {
    given(apiTokenDecider)
      .when({ type: 'CreateApiToken', tokenId: 't1', name: 'ci', scope: 'read', expiresAt: '2026-02-01T00:00:00.000Z' }, ctx)
      .then([{ type: 'ApiTokenCreated', data: { tokenId: 't1', name: 'ci', scope: 'read', expiresAt: '2026-02-01T00:00:00.000Z' } }] as ApiTokenEvent[]);
  });

  it('given no token, when one is created without expiry, then the event has no expiresAt', () => {
    given(apiTokenDecider).when({ type: 'CreateApiToken', tokenId: 't1', name: 'ci', scope: 'write' }, ctx).then([{ type: 'ApiTokenCreated', data: { tokenId: 't1', name: 'ci', scope: 'write' } }]);
  });

  it.each(['2025-12-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'tomorrow'])('given no token, when the expiry is %s (not a future ISO time), then VALIDATION_FAILED', (expiresAt) => {
    given(apiTokenDecider).when({ type: 'CreateApiToken', tokenId: 't1', name: 'ci', scope: 'read', expiresAt }, ctx).thenThrows(DomainError, 'VALIDATION_FAILED');
  });
});
