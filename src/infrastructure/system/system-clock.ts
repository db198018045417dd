import { Clock } from '../../application/ports/clock.port';

export class SystemClock extends Clock {
  nowMs(): number {
    return Date.now();
  }
}
