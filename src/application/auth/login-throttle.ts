import { Injectable } from '@nestjs/common';
import { Clock } from '../ports/clock.port';
import { AuthPolicy, LoginLimits } from './auth.ports';

/** Failures older than this are forgotten. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/**
 * Longest wait per account: a throttle anyone can trigger must never become a lock-out of the admin,
 * so an account never waits longer than this between two attempts. Per IP the wait may grow to the window.
 */
export const LOGIN_MAX_ACCOUNT_DELAY_MS = 60_000;
export const LOGIN_MAX_IP_DELAY_MS = LOGIN_WINDOW_MS;
const MAX_KEYS = 50_000;

export type ThrottleLimit = 'ip' | 'account';

export type Reservation =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly limit: ThrottleLimit;
      readonly retryAfterSeconds: number;
      /** True for the first refusal of this account's current wait (record it once, not per refused request). */
      readonly firstOfWait: boolean;
    };

interface KeyState {
  /** Times of the attempts that were allowed and did not (yet) succeed, newest last. */
  attempts: number[];
  /** No attempt before this time (epoch ms). */
  waitUntil: number;
  /** waitUntil of the wait whose refusal was last reported. */
  reportedWait: number;
  /** Reserved attempts whose password check has not finished. */
  pending: number;
}

/**
 * Sign-in throttling per client IP and per account (email), in memory (one `serve` process answers
 * sign-ins). An attempt is reserved before the password is checked: the reservation counts as a
 * failure at once, so parallel requests cannot all slip past the limit while their hashes run. After
 * the free attempts every further one has to wait delayMs, doubling per failure (capped: per account at
 * LOGIN_MAX_ACCOUNT_DELAY_MS, per IP at LOGIN_MAX_IP_DELAY_MS); a refused attempt costs nothing and
 * does not lengthen the wait. A success refunds its reservation and clears the account.
 */
@Injectable()
export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();
  private readonly limits: LoginLimits;

  constructor(
    private readonly clock: Clock,
    policy: AuthPolicy,
  ) {
    this.limits = policy.login;
  }

  reserve(ip: string, email: string): Reservation {
    const now = this.clock.nowMs();
    const keys = this.keysOf(ip, email);
    for (const k of keys) {
      const state = this.state(k.key, now);
      // Over the free attempts with checks still running: closed until they finish and their wait has passed.
      const busy = state.pending > 0 && state.attempts.length >= k.free;
      if (now < state.waitUntil || busy) {
        const firstOfWait = state.reportedWait !== state.waitUntil;
        state.reportedWait = state.waitUntil;
        const until = Math.max(state.waitUntil, busy ? now + this.delayOf(state, k) : 0);
        return { ok: false, limit: k.limit, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)), firstOfWait };
      }
    }
    for (const k of keys) {
      const state = this.state(k.key, now);
      state.pending++;
      state.attempts.push(now);
      if (state.attempts.length > 64) state.attempts.shift();
      this.extendWait(state, k, now);
    }
    if (this.keys.size > MAX_KEYS) this.sweep(now);
    return { ok: true };
  }

  /** The reserved attempt failed: its wait starts now (the hash took time). */
  fail(ip: string, email: string): void {
    const now = this.clock.nowMs();
    for (const k of this.keysOf(ip, email)) {
      const state = this.state(k.key, now);
      state.pending = Math.max(0, state.pending - 1);
      this.extendWait(state, k, now);
    }
  }

  /** The reserved attempt succeeded: the account starts afresh, the IP gets its reservation back. */
  succeed(ip: string, email: string): void {
    this.keys.delete(`account:${email}`);
    const state = this.keys.get(`ip:${ip}`);
    if (state) {
      state.pending = Math.max(0, state.pending - 1);
      state.attempts.pop();
      if (state.attempts.length < this.limits.ipAttempts) state.waitUntil = 0;
    }
  }

  private keysOf(ip: string, email: string) {
    return [
      { key: `ip:${ip}`, limit: 'ip' as const, free: this.limits.ipAttempts, max: LOGIN_MAX_IP_DELAY_MS },
      { key: `account:${email}`, limit: 'account' as const, free: this.limits.accountAttempts, max: LOGIN_MAX_ACCOUNT_DELAY_MS },
    ];
  }

  private extendWait(state: KeyState, k: { free: number; max: number }, now: number): void {
    if (state.attempts.length < k.free) return;
    state.waitUntil = Math.max(state.waitUntil, now + this.delayOf(state, k));
  }

  /** delayMs for the first attempt over the free ones, doubling per further one, capped. */
  private delayOf(state: KeyState, k: { free: number; max: number }): number {
    const over = Math.max(0, state.attempts.length - k.free);
    return Math.min(k.max, this.limits.delayMs * 2 ** Math.min(over, 30));
  }

  private state(key: string, now: number): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { attempts: [], waitUntil: 0, reportedWait: 0, pending: 0 };
      this.keys.set(key, state);
    }
    while (state.attempts.length > 0 && state.attempts[0] <= now - LOGIN_WINDOW_MS) state.attempts.shift();
    return state;
  }

  private sweep(now: number): void {
    for (const [key, state] of this.keys) {
      if (state.pending === 0 && state.waitUntil <= now && state.attempts.every((t) => t <= now - LOGIN_WINDOW_MS)) this.keys.delete(key);
    }
  }
}
