import { Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/common/domain-error';
import { Clock } from '../ports/clock.port';

/** Failures allowed per window before further attempts are refused with RATE_LIMITED. */
export const LOGIN_LIMITS = { perIp: 20, perAccount: 5, windowMs: 15 * 60_000 } as const;

/**
 * Login rate limiting per client IP and per account (email), sliding window over failures, in memory
 * (one `serve` process answers logins; a restart clears the counters, which only helps an attacker by
 * one window). A success clears the account's failures.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  check(ip: string, email: string): void {
    for (const [key, limit] of [[`ip:${ip}`, LOGIN_LIMITS.perIp], [`account:${email}`, LOGIN_LIMITS.perAccount]] as const) {
      const recent = this.recent(key);
      if (recent.length >= limit) {
        const retryAfterSeconds = Math.ceil((recent[0] + LOGIN_LIMITS.windowMs - this.clock.nowMs()) / 1000);
        throw new DomainError('RATE_LIMITED', 'Too many failed sign-in attempts; try again later.', {
          limit: key.startsWith('ip:') ? 'ip' : 'account',
          retryAfterSeconds,
        });
      }
    }
  }

  fail(ip: string, email: string): void {
    const now = this.clock.nowMs();
    for (const key of [`ip:${ip}`, `account:${email}`]) this.failures.set(key, [...this.recent(key), now]);
    if (this.failures.size > 10_000) this.sweep();
  }

  succeed(email: string): void {
    this.failures.delete(`account:${email}`);
  }

  private recent(key: string): number[] {
    const since = this.clock.nowMs() - LOGIN_LIMITS.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private sweep(): void {
    for (const key of [...this.failures.keys()]) if (this.recent(key).length === 0) this.failures.delete(key);
  }
}
