import { Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/common/domain-error';
import { AuthPolicy } from './auth.ports';

/** Checks that may wait for a free slot, per slot; beyond that a sign-in is refused at once. */
const QUEUE_PER_SLOT = 8;

/**
 * Bounds the password checks that run at once. One scrypt check holds 32 MiB and a thread-pool thread
 * for tens to hundreds of milliseconds, so unbounded parallel sign-ins would exhaust memory and starve
 * every other use of the pool (file I/O, DNS). A check waits for one of `maxConcurrent` slots in a
 * short FIFO queue; when the queue is full the attempt is refused with 429 before any hashing.
 */
@Injectable()
export class PasswordCheckGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly max: number;

  constructor(policy: AuthPolicy) {
    this.max = policy.login.maxConcurrent;
  }

  async run<T>(check: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.max * QUEUE_PER_SLOT) {
        throw new DomainError('RATE_LIMITED', 'Too many sign-ins at once; try again in a moment.', { limit: 'concurrency', retryAfterSeconds: 1 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await check();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter (running stays the same), else it is freed.
      if (next) next();
      else this.running--;
    }
  }
}
