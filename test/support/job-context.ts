import { SecretScrubber } from '../../src/application/common/secret-scrubber';
import type { JobContext, JobRecord } from '../../src/application/ports/job-queue.port';

export interface TestJobContext extends JobContext {
  readonly lines: string[];
  readonly controller: AbortController;
  /** The last id given to setRemoteRunId. */
  runId: string | null;
}

/**
 * A JobContext as the worker builds it (log lines scrubbed of registered secrets), for tests that drive
 * a runner or handler without the worker. `job` fields default to a fresh test job in run 1.
 */
export function testJobContext(job: Partial<JobRecord> = {}): TestJobContext {
  const controller = new AbortController();
  const secrets = new SecretScrubber();
  const record = { id: `job-${Math.random().toString(36).slice(2)}`, kind: 'test', remoteRunId: null, run: 1, attempt: 1, ...job } as JobRecord;
  const ctx: TestJobContext = {
    job: record,
    signal: controller.signal,
    controller,
    lines: [],
    runId: record.remoteRunId,
    log: (line) => ctx.lines.push(secrets.text(line)),
    setRemoteRunId: (id) => (ctx.runId = id),
    addSecret: (value) => secrets.add(value),
    scrub: (value) => secrets.value(value),
  };
  return ctx;
}
