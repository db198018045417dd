import type { JobContext, JobHandler, JobHandlerResult } from '../../src/application/ports/job-queue.port';
import { JobFailure } from '../../src/application/ports/job-queue.port';

type Decision = { ok: true; summary?: Record<string, unknown> } | { ok: false; code: string; message: string; retryable?: boolean; summary?: Record<string, unknown> };

/**
 * A job handler for one kind whose outcome the test decides (the node-side work is not what these
 * tests are about). By default every job succeeds at once; `hold()` makes jobs wait until released.
 */
export class ScriptedHandler implements JobHandler {
  readonly started: string[] = [];
  private gate?: { promise: Promise<void>; open: () => void };
  private decision: Decision = { ok: true, summary: { releaseId: 'release-1' } };

  constructor(readonly kind: string) {}

  succeedWith(summary: Record<string, unknown>): this {
    this.decision = { ok: true, summary };
    return this;
  }

  failWith(code: string, message: string, retryable = false, summary?: Record<string, unknown>): this {
    this.decision = { ok: false, code, message, retryable, summary };
    return this;
  }

  hold(): this {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
    return this;
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    this.started.push(ctx.job.id);
    if (this.gate) {
      const aborted = new Promise<never>((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new JobFailure('JOB_CANCELLED', 'aborted', false)), { once: true }),
      );
      await Promise.race([this.gate.promise, aborted]);
    }
    const d = this.decision;
    if (!d.ok) throw new JobFailure(d.code, d.message, d.retryable ?? false, d.summary);
    return { summary: d.summary };
  }
}
