import { AuthPolicy } from '../../../src/application/auth/auth.ports';
import { LOGIN_MAX_ACCOUNT_DELAY_MS, LoginThrottle } from '../../../src/application/auth/login-throttle';
import { Clock } from '../../../src/application/ports/clock.port';

class ManualClock extends Clock {
  now = 1_000_000;
  nowMs(): number {
    return this.now;
  }
}

const policy: AuthPolicy = { sessionIdleMs: 1, sessionAbsoluteMs: 1, login: { accountAttempts: 5, ipAttempts: 20, delayMs: 1000, maxConcurrent: 2 } };

describe('LoginThrottle', () => {
  let clock: ManualClock;
  let throttle: LoginThrottle;
  beforeEach(() => {
    clock = new ManualClock();
    throttle = new LoginThrottle(clock, policy);
  });

  it('given 5 attempts reserved at once (none finished yet), when a 6th arrives, then it is refused before any check', () => {
    for (let i = 0; i < 5; i++) expect(throttle.reserve('10.0.0.1', 'a@x.test').ok).toBe(true);
    expect(throttle.reserve('10.0.0.1', 'a@x.test')).toEqual({ ok: false, limit: 'account', retryAfterSeconds: 1, firstOfWait: true });
    // Only the first refusal of a wait is to be recorded.
    expect(throttle.reserve('10.0.0.2', 'a@x.test')).toMatchObject({ ok: false, firstOfWait: false });
  });

  it('given the account is waiting, when the wait is over, then one attempt is allowed and the next wait is twice as long', () => {
    for (let i = 0; i < 5; i++) (throttle.reserve('10.0.0.1', 'a@x.test'), throttle.fail('10.0.0.1', 'a@x.test'));
    clock.now += 999;
    expect(throttle.reserve('10.0.0.1', 'a@x.test').ok).toBe(false);
    clock.now += 1;
    expect(throttle.reserve('10.0.0.1', 'a@x.test').ok).toBe(true);
    throttle.fail('10.0.0.1', 'a@x.test');
    expect(throttle.reserve('10.0.0.1', 'a@x.test')).toMatchObject({ ok: false, retryAfterSeconds: 2 });
  });

  it('given an attacker keeps failing, then the account never waits longer than the cap (no lock-out of the admin)', () => {
    for (let i = 0; i < 40; i++) {
      const ip = `10.1.${i}.1`; // spread over IPs so only the account throttle applies
      const r = throttle.reserve(ip, 'admin@x.test');
      if (!r.ok) {
        expect(r.retryAfterSeconds * 1000).toBeLessThanOrEqual(LOGIN_MAX_ACCOUNT_DELAY_MS);
        clock.now += r.retryAfterSeconds * 1000;
        continue;
      }
      throttle.fail(ip, 'admin@x.test');
    }
    // The admin, from their own address, gets in after at most one capped wait.
    const wait = throttle.reserve('10.9.9.9', 'admin@x.test');
    if (!wait.ok) {
      expect(wait.retryAfterSeconds * 1000).toBeLessThanOrEqual(LOGIN_MAX_ACCOUNT_DELAY_MS);
      clock.now += wait.retryAfterSeconds * 1000;
      expect(throttle.reserve('10.9.9.9', 'admin@x.test').ok).toBe(true);
    }
    throttle.succeed('10.9.9.9', 'admin@x.test');
    expect(throttle.reserve('10.9.9.9', 'admin@x.test').ok).toBe(true);
  });

  it('given 20 failures from one IP over many accounts, then that IP waits and other IPs do not', () => {
    for (let i = 0; i < 20; i++) (throttle.reserve('10.0.0.1', `u${i}@x.test`), throttle.fail('10.0.0.1', `u${i}@x.test`));
    expect(throttle.reserve('10.0.0.1', 'new@x.test')).toMatchObject({ ok: false, limit: 'ip' });
    expect(throttle.reserve('10.0.0.2', 'new@x.test').ok).toBe(true);
  });

  it('given failures older than the window, then they are forgotten', () => {
    for (let i = 0; i < 5; i++) (throttle.reserve('10.0.0.1', 'a@x.test'), throttle.fail('10.0.0.1', 'a@x.test'));
    clock.now += 15 * 60_000 + 1;
    for (let i = 0; i < 5; i++) expect(throttle.reserve('10.0.0.1', 'a@x.test').ok).toBe(true);
  });
});
