import {
  type JobContext,
  type JobError,
  JobFailure,
  type JobHandler,
  type JobHandlerResult,
  type JobRecord,
} from '../../application/ports/job-queue.port';
import { SecretScrubber } from '../../application/common/secret-scrubber';
import type { FailOutcome, SqliteJobQueue } from './sqlite-job-queue';

/** A failure message kept in the jobs table and the permanent JobFailed event: short; long output stays in run_events. */
export const MAX_FAILURE_MESSAGE = 500;

/** The queue ops the worker uses: the lead may pass a wrapper that appends job events in the same transaction. */
export type WorkerQueue = Pick<
  SqliteJobQueue,
  'claim' | 'nextRunAfter' | 'heartbeat' | 'isCancelRequested' | 'release' | 'markCancelled' | 'setRemoteRunId' | 'sweepExpiredLeases'
> & {
  /** `summary` is the handler's result summary, for whoever records the outcome. */
  complete(jobId: string, workerId: string, summary?: Record<string, unknown>): boolean;
  fail(jobId: string, workerId: string, error: JobError, opts: { retryable: boolean; summary?: Record<string, unknown> }): FailOutcome | false;
};

export interface JobWorkerHooks {
  onStarted?(job: JobRecord): void;
  onSucceeded?(job: JobRecord, result: JobHandlerResult | void): void;
  onFailed?(job: JobRecord, error: JobError, outcome: FailOutcome): void;
  onCancelled?(job: JobRecord): void;
  /** Graceful shutdown handed the job back to the queue. */
  onReleased?(job: JobRecord): void;
  onSwept?(jobs: JobRecord[]): void;
  onLog?(job: JobRecord, line: string): void;
  /** A hook or queue op threw; the worker keeps going. */
  onError?(error: unknown, job?: JobRecord): void;
}

export interface JobWorkerOptions {
  readonly queue: WorkerQueue;
  readonly handlers: readonly JobHandler[];
  readonly workerId: string;
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  readonly sweepEveryMs?: number;
  /** Fallback poll when idle: jobs enqueued by other processes (no wake() reaches us). */
  readonly idlePollMs?: number;
  readonly concurrency?: number;
  readonly hooks?: JobWorkerHooks;
  readonly clock?: { nowMs(): number };
}

type AbortReason = 'cancelled' | 'lease_lost' | 'shutdown';

/** Claims and runs jobs; wake() on enqueue makes it claim at once instead of waiting for a poll. */
export class JobWorker {
  private readonly handlers: Map<string, JobHandler>;
  private readonly kinds: string[];
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly sweepEveryMs: number;
  private readonly idlePollMs: number;
  private readonly concurrency: number;
  private readonly hooks: JobWorkerHooks;
  private readonly clock: { nowMs(): number };
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private loop?: Promise<void>;
  private sweepTimer?: NodeJS.Timeout;
  private stopping = false;
  /** Set by wake(); checked before sleeping so a wake between claim and sleep is not lost. */
  private woken = false;
  private wakeSleeper?: () => void;

  constructor(private readonly opts: JobWorkerOptions) {
    this.handlers = new Map(opts.handlers.map((h) => [h.kind, h]));
    this.kinds = [...this.handlers.keys()];
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.heartbeatMs = opts.heartbeatMs ?? Math.floor(this.leaseMs / 3);
    this.sweepEveryMs = opts.sweepEveryMs ?? this.leaseMs;
    this.idlePollMs = opts.idlePollMs ?? 1_000;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.hooks = opts.hooks ?? {};
    this.clock = opts.clock ?? { nowMs: () => Date.now() };
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepEveryMs);
    this.loop = this.run();
  }

  /** Stops claiming, aborts running handlers (their jobs are released back to the queue) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    this.wake();
    for (const r of this.running.values()) r.controller.abort('shutdown' satisfies AbortReason);
    await this.loop;
    await Promise.all([...this.running.values()].map((r) => r.done));
    this.loop = undefined;
  }

  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** A cancel of `jobId` was committed: abort its handler now if it runs here (else the heartbeat sees the flag). */
  checkCancel(jobId: string): void {
    const running = this.running.get(jobId);
    if (!running || running.controller.signal.aborted) return;
    if (this.safe(() => this.opts.queue.isCancelRequested(jobId))) running.controller.abort('cancelled' satisfies AbortReason);
  }

  get runningCount(): number {
    return this.running.size;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let lastClaimAt = this.clock.nowMs();
      while (!this.stopping && this.running.size < this.concurrency) {
        lastClaimAt = this.clock.nowMs();
        const job = this.safe(() => this.opts.queue.claim(this.opts.workerId, this.kinds, this.leaseMs));
        if (!job) break;
        this.launch(job);
      }
      if (this.stopping) break;
      // Full: a finishing job wakes us. Idle: sleep until the next retry is due, at most idlePollMs.
      let delay: number | undefined;
      if (this.running.size < this.concurrency) {
        const next = this.safe(() => this.opts.queue.nextRunAfter(this.kinds, lastClaimAt));
        delay = Math.min(this.idlePollMs, next === undefined ? Infinity : Math.max(0, next - this.clock.nowMs()));
      }
      await this.sleep(delay);
    }
  }

  private sleep(ms: number | undefined): Promise<void> {
    if (this.woken || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeSleeper = undefined;
        resolve();
      }
      this.wakeSleeper = done;
    });
  }

  private launch(job: JobRecord): void {
    const controller = new AbortController();
    const done = this.execute(job, controller).finally(() => {
      this.running.delete(job.id);
      this.wake(); // a slot (and maybe a concurrency key) is free: claim the next job at once
    });
    this.running.set(job.id, { controller, done });
  }

  private async execute(job: JobRecord, controller: AbortController): Promise<void> {
    const { queue, workerId } = this.opts;
    const abort = (reason: AbortReason): void => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const beat = setInterval(() => {
      const alive = this.safe(() => queue.heartbeat(job.id, workerId, this.leaseMs), job);
      if (alive !== false) return;
      // Cancel requested: keep beating (the lease is still ours) while the handler winds down.
      if (this.safe(() => queue.isCancelRequested(job.id), job)) return abort('cancelled');
      clearInterval(beat);
      abort('lease_lost');
    }, this.heartbeatMs);
    this.safe(() => this.hooks.onStarted?.(job), job);
    const secrets = new SecretScrubber();
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      log: (line) => this.safe(() => this.hooks.onLog?.(job, secrets.text(line)), job),
      setRemoteRunId: (runId) => {
        // Never launch a remote run for a job we no longer own.
        if (!queue.setRemoteRunId(job.id, workerId, runId)) throw new JobFailure('INTERNAL', 'job lease lost');
      },
      addSecret: (value) => secrets.add(value),
      scrub: (value) => secrets.value(value),
    };
    let result: JobHandlerResult | void = undefined;
    let error: unknown;
    let ok = false;
    try {
      const handler = this.handlers.get(job.kind);
      if (!handler) throw new JobFailure('NO_JOB_HANDLER', `no handler for ${job.kind}`, false);
      result = await handler.handle(ctx);
      ok = true;
    } catch (e) {
      error = e;
    } finally {
      clearInterval(beat);
    }
    const reason = controller.signal.aborted ? (controller.signal.reason as AbortReason) : undefined;
    this.safe(() => this.settle(job, ok, result, error, secrets, reason), job);
  }

  /**
   * Records the outcome. Every op is guarded by the lease: a worker that lost its job changes nothing.
   * Summaries and failure messages are scrubbed of the job's secrets; a failure message is capped.
   */
  private settle(job: JobRecord, ok: boolean, result: JobHandlerResult | void, error: unknown, secrets: SecretScrubber, reason?: AbortReason): void {
    const { queue, workerId } = this.opts;
    // A handler that finished its work despite an abort still succeeded.
    if (ok) {
      const scrubbed: JobHandlerResult | void = result?.summary ? { ...result, summary: secrets.value(result.summary) } : result;
      if (queue.complete(job.id, workerId, scrubbed?.summary)) this.hooks.onSucceeded?.(job, scrubbed);
      return;
    }
    if (reason === 'cancelled' || (reason === 'shutdown' && queue.isCancelRequested(job.id))) {
      if (queue.markCancelled(job.id, workerId)) this.hooks.onCancelled?.(job);
      return;
    }
    if (reason === 'shutdown') {
      if (queue.release(job.id, workerId)) this.hooks.onReleased?.(job);
      return;
    }
    const message = secrets.text(error instanceof Error ? error.message : String(error));
    const jobError: JobError = {
      code: error instanceof JobFailure ? error.code : 'INTERNAL',
      message: message.length > MAX_FAILURE_MESSAGE ? `${message.slice(0, MAX_FAILURE_MESSAGE - 1)}…` : message,
    };
    const retryable = error instanceof JobFailure ? error.retryable : true;
    const summary = error instanceof JobFailure && error.summary ? secrets.value(error.summary) : undefined;
    const outcome = queue.fail(job.id, workerId, jobError, { retryable, summary });
    if (outcome) this.hooks.onFailed?.(job, jobError, outcome);
  }

  private sweep(): void {
    const swept = this.safe(() => this.opts.queue.sweepExpiredLeases());
    if (swept && swept.length > 0) {
      this.safe(() => this.hooks.onSwept?.(swept));
      this.wake();
    }
  }

  private safe<T>(fn: () => T, job?: JobRecord): T | undefined {
    try {
      return fn();
    } catch (e) {
      try {
        this.hooks.onError?.(e, job);
      } catch {
        /* a broken error hook must not stop the worker */
      }
      return undefined;
    }
  }
}
