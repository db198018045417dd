import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { JobContext, JobFailure } from '../../application/ports/job-queue.port';
import {
  FailedTask,
  NodeReport,
  RemoteRunner,
  RemoteRunResult,
  RunOptions,
  RunStats,
  UploadResult,
} from '../../application/ports/remote-runner.port';
import { ExecOptions, ExecResult, NodeAddress, RemoteShell } from '../../application/ports/remote-shell.port';
import { DomainError } from '../../domain/common/domain-error';
import { meaningOfExitCode } from './ansible-exit-codes';
import { buildPlaybookBundle, PlaybookBundle } from './playbook-bundle';
import { RunEventRow, SqliteRunStore } from './sqlite-run-store';

export interface AnsibleRemoteRunnerOptions {
  /** Local directory with the playbooks, ansible.cfg, callback_plugins/, bin/pl-run and bin/pressluft-node. */
  readonly playbooksDir: string;
  /** Base directory on nodes (bundles/, runs/, uploads/ live below it). Default /var/lib/pressluft. */
  readonly remoteRoot?: string;
  /** Pause between polls of a running run (default 500 ms). */
  readonly pollIntervalMs?: number;
  /** How long polling keeps retrying through SSH failures before the attempt fails (default 5 min). */
  readonly unreachableBudgetMs?: number;
  /** A launched run that never writes its pid within this time is lost (default 60 s). */
  readonly startTimeoutMs?: number;
  /** After a cancel, how long to wait for the run to record its end (default 30 s). */
  readonly cancelGraceMs?: number;
  /**
   * How the entry point is reached. 'auto' (default): as root, the control plane's own copy of
   * bin/pressluft-node (`sh -c`); as the management user, `sudo -n /usr/local/sbin/pressluft-node`
   * (installed by bootstrap.yml, the user's only sudo command); as any other user (an operator's sudo
   * user before bootstrap), `sudo -n` + the own copy. 'never': the own copy without sudo (tests).
   */
  readonly sudo?: 'auto' | 'never';
  /** The user bootstrap.yml creates with the installed entry point as its one sudo command (default pressluft). */
  readonly managementUser?: string;
  /** Bytes of events.jsonl fetched per poll (default 1 MiB). */
  readonly maxPollBytes?: number;
}

/** Where bootstrap.yml installs playbooks/bin/pressluft-node. */
export const NODE_ENTRY_POINT = '/usr/local/sbin/pressluft-node';

type RemoteStatus = 'new' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost' | 'unknown';
const FINAL: ReadonlySet<RemoteStatus> = new Set(['succeeded', 'failed', 'cancelled', 'lost']);
const PLAYBOOK = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}\.yml$/;
const STEP = /^[A-Za-z0-9_.:-]{1,100}$/;
const MSG_LIMIT = 300;

interface Progress {
  offset: number;
  seq: number;
  stats: Record<string, RunStats> | null;
  custom: Record<string, unknown> | null;
  failedTasks: FailedTask[];
}

/** What remote_runs.result holds once a run has ended: enough to answer a later attempt without the node. */
interface RecordedResult {
  readonly rc: number | null;
  readonly stats: Record<string, RunStats>;
  readonly changed: number;
  readonly failedTasks: FailedTask[];
  readonly outputs: Record<string, unknown> | null;
  readonly failure?: { code: string; message: string; retryable: boolean; summary?: Record<string, unknown> };
}

/**
 * The detached, re-attachable runner of docs/architecture.md §6 (node side: playbooks/bin/pressluft-node and pl-run).
 * One launch per operation step of a job run: the step's run is recorded before the launch and its result
 * when it ends, so an SSH drop, a worker restart or a lost lease re-attaches or reads the result instead.
 */
export class AnsibleRemoteRunner extends RemoteRunner {
  private bundle: Promise<PlaybookBundle> | null = null;
  private entryScript: Promise<string> | null = null;
  private readonly bundlesOnNodes = new Set<string>();
  private readonly root: string;

  constructor(
    private readonly shell: RemoteShell,
    private readonly store: SqliteRunStore,
    private readonly options: AnsibleRemoteRunnerOptions,
  ) {
    super();
    this.root = (options.remoteRoot ?? '/var/lib/pressluft').replace(/\/+$/, '');
  }

  async run(node: NodeAddress, playbook: string, vars: Record<string, unknown>, ctx: JobContext, options: RunOptions = {}): Promise<RemoteRunResult> {
    const file = playbook.endsWith('.yml') ? playbook : `${playbook}.yml`;
    if (!PLAYBOOK.test(file)) throw new JobFailure('VALIDATION_FAILED', `bad playbook name "${playbook}"`, false);
    const step = options.step ?? file.slice(0, -'.yml'.length);
    if (!STEP.test(step)) throw new JobFailure('VALIDATION_FAILED', `bad step name "${step}"`, false);
    const jobRun = ctx.job.run ?? 1;
    try {
      const previous = this.store.latestOfStep(ctx.job.id, jobRun, step); // migration 005 gave older runs their playbook as step
      if (previous?.finished_at != null && previous.result) {
        const recorded = JSON.parse(previous.result) as RecordedResult;
        if (!recorded.failure || !recorded.failure.retryable) {
          ctx.log(`step ${step}: run ${previous.run_id} already finished; using its recorded result`);
          return this.replay(previous.run_id, recorded);
        }
        ctx.log(`step ${step}: run ${previous.run_id} ended with a retryable failure (${recorded.failure.code}); launching a new run`);
      }
      const bundle = await this.ensureBundle(node);
      if (previous && previous.finished_at === null) {
        // Launched (or about to be) in an earlier attempt and its outcome never recorded: attach.
        ctx.log(`attaching to remote run ${previous.run_id} (step ${step})`);
        return await this.follow(node, previous.run_id, previous.playbook, vars, bundle, ctx, true);
      }
      const runId = newRunId();
      this.store.insert({ run_id: runId, job_id: ctx.job.id, node_id: node.nodeId, playbook: file, bundle_hash: bundle.hash, state: 'preparing', job_run: jobRun, step });
      try {
        await this.launch(node, runId, file, vars, bundle, ctx);
      } catch (err) {
        // The connection may have dropped around the start call: polling finds out whether it ran
        // (pl-run launches at most once per id), and launches it if not.
        if (!(err instanceof DomainError && err.code === 'NODE_UNREACHABLE')) throw err;
        ctx.log(`launch of run ${runId} was interrupted (${err.message}); checking its state`);
      }
      return await this.follow(node, runId, file, vars, bundle, ctx, false);
    } catch (err) {
      throw toJobFailure(err);
    }
  }

  async upload(node: NodeAddress, localPath: string, ctx?: Pick<JobContext, 'signal' | 'log'>): Promise<UploadResult> {
    try {
      const { size } = await stat(localPath);
      const sha256 = await sha256OfFile(localPath);
      const path = `${this.root}/uploads/${sha256}`;
      const has = await this.entry(node, ['has-upload', sha256], { timeoutMs: 30_000, signal: ctx?.signal });
      if (has.code === 0) {
        ctx?.log(`upload ${sha256.slice(0, 12)}… (${size} bytes) is on the node already`);
        return { path, sha256, size, uploaded: false };
      }
      if (has.code !== 1) throw entryFailed(node, 'has-upload', has);
      const t0 = Date.now();
      const put = await this.entry(node, ['put-upload', sha256], { stdin: createReadStream(localPath), signal: ctx?.signal });
      if (put.code !== 0) throw entryFailed(node, 'put-upload', put);
      ctx?.log(`uploaded ${sha256.slice(0, 12)}… (${size} bytes) to ${path} in ${Date.now() - t0} ms`);
      return { path, sha256, size, uploaded: true };
    } catch (err) {
      throw toJobFailure(err);
    }
  }

  async readReport(node: NodeAddress, report: NodeReport): Promise<Record<string, unknown> | null> {
    const res = await this.entry(node, ['read', report], { timeoutMs: 30_000 });
    if (res.code !== 0) return null;
    try {
      const parsed: unknown = JSON.parse(res.stdout);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  async ensureAnsible(node: NodeAddress, ctx?: Pick<JobContext, 'signal'>): Promise<'present' | 'installed'> {
    const res = await this.entry(node, ['ensure-ansible'], { timeoutMs: 20 * 60_000, signal: ctx?.signal });
    if (res.code !== 0) {
      throw new JobFailure('REMOTE_COMMAND_FAILED', `installing python3 and ansible-core failed (exit ${res.code}): ${res.stderr.trim().slice(-MSG_LIMIT)}`, true);
    }
    return res.stdout.trim() === 'present' ? 'present' : 'installed';
  }

  /** The argv that runs the entry point with `args` on this node (see AnsibleRemoteRunnerOptions.sudo). */
  async entryArgv(node: NodeAddress, args: readonly string[]): Promise<string[]> {
    const mode = this.options.sudo ?? 'auto';
    if (mode === 'auto' && node.user === (this.options.managementUser ?? 'pressluft')) return ['sudo', '-n', NODE_ENTRY_POINT, ...args];
    const inline = ['env', `PL_NODE_ROOT=${this.root}`, 'sh', '-c', await this.loadEntryScript(), 'pressluft-node', ...args];
    return mode === 'auto' && node.user !== 'root' ? ['sudo', '-n', ...inline] : inline;
  }

  // ---------------------------------------------------------------------------------------------

  private async entry(node: NodeAddress, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.shell.exec(node, await this.entryArgv(node, args), options);
  }

  private replay(runId: string, recorded: RecordedResult): RemoteRunResult {
    if (recorded.failure) {
      const f = recorded.failure;
      throw new JobFailure(f.code, f.message, f.retryable, f.summary);
    }
    return {
      runId,
      rc: 0,
      stats: recorded.stats,
      changed: recorded.changed,
      failedTasks: recorded.failedTasks,
      reattached: true,
      outputs: recorded.outputs,
      recorded: true,
    };
  }

  private loadBundle(): Promise<PlaybookBundle> {
    if (!this.bundle) {
      this.bundle = buildPlaybookBundle(this.options.playbooksDir);
      this.bundle.catch(() => (this.bundle = null));
    }
    return this.bundle;
  }

  private loadEntryScript(): Promise<string> {
    if (!this.entryScript) {
      this.entryScript = readFile(join(this.options.playbooksDir, 'bin', 'pressluft-node'), 'utf8');
      this.entryScript.catch(() => (this.entryScript = null));
    }
    return this.entryScript;
  }

  /** Sends the bundle through the entry point (which verifies its sha256) unless the node has it complete. */
  private async ensureBundle(node: NodeAddress): Promise<PlaybookBundle> {
    const bundle = await this.loadBundle();
    const key = `${node.nodeId}|${node.user}@${node.host}:${node.port}|${bundle.hash}`;
    if (this.bundlesOnNodes.has(key)) return bundle;
    const has = await this.entry(node, ['has-bundle', bundle.hash], { timeoutMs: 30_000 });
    if (has.code !== 0 && has.code !== 1) throw entryFailed(node, 'has-bundle', has);
    if (has.code === 1) {
      const put = await this.entry(node, ['put-bundle', bundle.hash], { timeoutMs: 300_000, stdin: bundle.bytes });
      if (put.code !== 0) throw entryFailed(node, 'put-bundle', put);
    }
    this.bundlesOnNodes.add(key);
    return bundle;
  }

  /** Writes vars.json (0600, through stdin, never argv) and starts the run (once per id, by pl-run). */
  private async launch(
    node: NodeAddress,
    runId: string,
    playbook: string,
    vars: Record<string, unknown>,
    bundle: PlaybookBundle,
    ctx: JobContext,
  ): Promise<void> {
    ctx.setRemoteRunId(runId); // lease guard: a worker that lost the job launches nothing
    const put = await this.entry(node, ['put-vars', runId], { timeoutMs: 60_000, stdin: Buffer.from(JSON.stringify(vars)) });
    if (put.code !== 0) throw entryFailed(node, 'put-vars', put);
    const started = await this.entry(node, ['run', bundle.hash, 'start', runId, playbook], { timeoutMs: 60_000 });
    if (started.code !== 0) {
      const failure = new JobFailure('REMOTE_RUN_FAILED', `could not launch ${playbook} (exit ${started.code})`, true);
      ctx.log(`launch of ${playbook} failed: ${ctx.scrub(started.stderr.trim().slice(0, MSG_LIMIT))}`);
      this.store.finish(runId, 'failed', null, null, this.recordFailure(failure, null, {}, [], null));
      throw failure;
    }
    this.store.markLaunched(runId);
    ctx.log(`launched ${playbook} as run ${runId} (${started.stdout.trim()})`);
  }

  private async follow(
    node: NodeAddress,
    runId: string,
    playbook: string,
    vars: Record<string, unknown>,
    bundle: PlaybookBundle,
    ctx: JobContext,
    reattached: boolean,
  ): Promise<RemoteRunResult> {
    const row = this.store.get(runId);
    const progress: Progress = {
      offset: row?.event_offset ?? 0,
      seq: row?.event_seq ?? 0,
      stats: row?.stats ? (JSON.parse(row.stats) as Record<string, RunStats>) : null,
      custom: null,
      failedTasks: [],
    };
    const interval = this.options.pollIntervalMs ?? 500;
    const budget = this.options.unreachableBudgetMs ?? 300_000;
    const startTimeout = this.options.startTimeoutMs ?? 60_000;
    let cancelSentAt: number | null = null;
    let unreachableSince: number | null = null;
    let startingSince: number | null = null;
    let failures = 0;

    for (;;) {
      // Cancellation: only an operator's cancel stops the remote run; shutdown/lease loss leave it running.
      if (ctx.signal.aborted && cancelSentAt === null) {
        if (ctx.signal.reason !== 'cancelled') {
          throw new JobFailure('JOB_CANCELLED', `stopped following run ${runId} (${String(ctx.signal.reason)}); it keeps running and is re-attached later`, true);
        }
        ctx.log(`cancelling remote run ${runId}`);
        await this.entry(node, ['run', bundle.hash, 'cancel', runId], { timeoutMs: 30_000 }).catch((err: unknown) => {
          ctx.log(`cancel of run ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
        });
        cancelSentAt = Date.now();
      }
      if (cancelSentAt !== null && Date.now() - cancelSentAt > (this.options.cancelGraceMs ?? 30_000)) {
        const failure = new JobFailure('JOB_CANCELLED', `run ${runId} was cancelled (it did not confirm its end in time)`, false);
        this.store.finish(runId, 'cancelled', null, progress.stats, this.recordFailure(failure, null, progress.stats ?? {}, [], null));
        throw failure;
      }

      let poll: { status: RemoteStatus; rc: number | null; drained: boolean };
      try {
        poll = await this.pollOnce(node, runId, bundle, progress, ctx);
        unreachableSince = null;
        failures = 0;
      } catch (err) {
        if (err instanceof DomainError && (err.code === 'NODE_UNREACHABLE' || err.code === 'REMOTE_COMMAND_TIMEOUT')) {
          unreachableSince ??= Date.now();
          if (Date.now() - unreachableSince > budget) {
            throw new JobFailure('NODE_UNREACHABLE', `lost contact with ${node.host} while run ${runId} was going: ${err.message}`, true);
          }
          failures++;
          if (failures === 1 || failures % 10 === 0) ctx.log(`poll of run ${runId} failed (${err.message}); retrying`);
          await sleep(Math.min(5000, interval * 2 ** Math.min(failures, 4)), cancelSentAt === null ? ctx.signal : undefined);
          continue;
        }
        throw err;
      }

      if (poll.status === 'new' || poll.status === 'unknown') {
        // Attached to a run whose launch never happened (crash between recording the run and starting it).
        ctx.log(`run ${runId} was never started; launching it now`);
        await this.launch(node, runId, playbook, vars, bundle, ctx);
        continue;
      }
      if (poll.status === 'starting') {
        startingSince ??= Date.now();
        if (Date.now() - startingSince > startTimeout) poll = { ...poll, status: 'lost' };
      }
      if (FINAL.has(poll.status) && poll.drained) return this.conclude(runId, poll.status, poll.rc, progress, reattached, ctx);
      if (!poll.drained) continue; // more events waiting: fetch at once
      await sleep(interval, cancelSentAt === null ? ctx.signal : undefined);
    }
  }

  private async pollOnce(
    node: NodeAddress,
    runId: string,
    bundle: PlaybookBundle,
    progress: Progress,
    ctx: JobContext,
  ): Promise<{ status: RemoteStatus; rc: number | null; drained: boolean }> {
    const max = this.options.maxPollBytes ?? 1024 * 1024;
    const res = await this.entry(node, ['run', bundle.hash, 'poll', runId, String(progress.offset), String(max)], { timeoutMs: 30_000 });
    if (res.code !== 0) throw new DomainError('REMOTE_COMMAND_FAILED', `pl-run poll failed (${res.code}): ${res.stderr.trim().slice(0, MSG_LIMIT)}`);
    const nl = res.stdout.indexOf('\n');
    const [statusWord, rcWord, sizeWord] = (nl < 0 ? res.stdout : res.stdout.slice(0, nl)).trim().split(' ');
    const body = nl < 0 ? '' : res.stdout.slice(nl + 1);
    const lastNl = body.lastIndexOf('\n');
    const complete = lastNl < 0 ? '' : body.slice(0, lastNl + 1);
    const events: RunEventRow[] = [];
    for (const line of complete.split('\n')) {
      if (line === '') continue;
      events.push(this.parseEvent(line, ++progress.seq, progress, ctx));
    }
    progress.offset += Buffer.byteLength(complete, 'utf8');
    if (events.length) this.store.appendEvents(runId, events, progress.offset);
    const size = Number(sizeWord);
    return {
      status: (statusWord as RemoteStatus) || 'unknown',
      rc: rcWord === undefined || rcWord === '-' ? null : Number(rcWord),
      drained: !Number.isFinite(size) || progress.offset >= size,
    };
  }

  /** One events.jsonl line → a run_events row, scrubbed of the job's secrets before anything is stored or logged. */
  private parseEvent(line: string, seq: number, progress: Progress, ctx: JobContext): RunEventRow {
    let data: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      data = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      data = { event: 'unparsed', line: line.slice(0, 2000) };
    }
    data = ctx.scrub(data);
    const event = typeof data.event === 'string' ? data.event : 'unknown';
    const task = typeof data.task === 'string' ? data.task : null;
    const host = typeof data.host === 'string' ? data.host : null;
    const changed = typeof data.changed === 'boolean' ? data.changed : null;
    const msg = typeof data.msg === 'string' ? data.msg : null;
    switch (event) {
      case 'task_start':
      case 'handler_task_start':
        ctx.log(`TASK ${task ?? '?'}`);
        break;
      case 'runner_on_ok':
        ctx.log(`  ${changed ? 'changed' : 'ok'}: ${host ?? ''}`);
        break;
      case 'runner_on_skipped':
        ctx.log(`  skipped: ${host ?? ''}`);
        break;
      case 'runner_on_failed':
      case 'runner_on_unreachable': {
        const ignored = data.ignore_errors === true;
        ctx.log(`  ${event === 'runner_on_failed' ? 'failed' : 'unreachable'}${ignored ? ' (ignored)' : ''}: ${host ?? ''}${msg ? ` — ${msg.slice(0, MSG_LIMIT)}` : ''}`);
        if (!ignored) progress.failedTasks.push({ task, host, msg: msg && msg.slice(0, MSG_LIMIT) });
        break;
      }
      case 'playbook_on_stats': {
        const stats = (data.stats ?? {}) as Record<string, RunStats>;
        progress.stats = stats;
        progress.custom = isObject(data.custom) ? data.custom : null;
        for (const [h, s] of Object.entries(stats)) {
          ctx.log(`RECAP ${h} ok=${s.ok} changed=${s.changed} failed=${s.failures} unreachable=${s.unreachable} skipped=${s.skipped}`);
        }
        break;
      }
      default:
        if (event === 'unparsed') ctx.log(`(unparsed event line)`);
    }
    return { seq, event, task, host, changed, data, ts: typeof data.ts === 'string' ? data.ts : null };
  }

  /** Records the run's end with its result (one UPDATE), then returns it or throws its failure. */
  private conclude(
    runId: string,
    status: RemoteStatus,
    rc: number | null,
    progress: Progress,
    reattached: boolean,
    ctx: JobContext,
  ): RemoteRunResult {
    const stats = progress.stats ?? {};
    const changed = Object.values(stats).reduce((n, s) => n + (s.changed ?? 0), 0);
    const failedTasks = (progress.failedTasks.length ? progress.failedTasks : this.failedTasksFromStore(runId)).slice(0, 10);
    const custom = progress.custom ?? this.customFromStore(runId);
    const outputs = custom === null ? null : isObject(custom.pl_result) ? custom.pl_result : Object.keys(custom).length ? custom : null;
    const summary = { runId, rc, changed, failedTasks, outputs };
    let failure: JobFailure | null = null;
    let state: 'succeeded' | 'failed' | 'cancelled' | 'lost' = 'succeeded';
    if (status === 'cancelled') {
      state = 'cancelled';
      failure = new JobFailure('JOB_CANCELLED', `run ${runId} was cancelled`, false, summary);
    } else if (status === 'lost') {
      state = 'lost';
      failure = new JobFailure('REMOTE_RUN_LOST', `run ${runId} ended without recording a result (killed or node rebooted)`, true, summary);
    } else {
      const meaning = meaningOfExitCode(rc ?? 250);
      if (meaning) {
        state = 'failed';
        // The task's own message stays in run_events (prunable); the failure names only the task.
        const first = failedTasks[0];
        const detail = first ? `: task "${(first.task ?? '?').slice(0, 120)}" failed` : '';
        failure = new JobFailure(meaning.code, `${meaning.message} (rc ${rc})${detail}`, meaning.retryable, summary);
      }
    }
    this.store.finish(runId, state, rc, stats, this.recordFailure(failure, rc, stats, failedTasks, outputs, changed));
    if (failure) {
      ctx.log(`run ${runId} ${state === 'failed' ? `failed with rc=${rc}` : state}`);
      throw failure;
    }
    ctx.log(`run ${runId} succeeded (changed=${changed})`);
    return { runId, rc: 0, stats, changed, failedTasks, reattached, outputs, recorded: false };
  }

  private recordFailure(
    failure: JobFailure | null,
    rc: number | null,
    stats: Record<string, RunStats>,
    failedTasks: FailedTask[],
    outputs: Record<string, unknown> | null,
    changed = 0,
  ): RecordedResult {
    return {
      rc,
      stats,
      changed,
      failedTasks,
      outputs,
      ...(failure ? { failure: { code: String(failure.code), message: failure.message, retryable: failure.retryable, summary: failure.summary } } : {}),
    };
  }

  private failedTasksFromStore(runId: string): FailedTask[] {
    return this.store
      .events(runId, 0, 100_000)
      .filter((e) => (e.event === 'runner_on_failed' || e.event === 'runner_on_unreachable') && e.data.ignore_errors !== true)
      .map((e) => ({ task: e.task, host: e.host, msg: typeof e.data.msg === 'string' ? e.data.msg.slice(0, MSG_LIMIT) : null }));
  }

  /** The custom stats of a run whose stats event was parsed by an earlier attempt. */
  private customFromStore(runId: string): Record<string, unknown> | null {
    const stats = this.store.events(runId, 0, 100_000).filter((e) => e.event === 'playbook_on_stats').pop();
    return stats && isObject(stats.data.custom) ? stats.data.custom : null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function entryFailed(node: NodeAddress, what: string, res: ExecResult): DomainError {
  const reason = res.code === 3 ? 'the bytes did not match their hash' : res.code === 2 ? 'refused its arguments' : `exit ${res.code}`;
  return new DomainError('REMOTE_COMMAND_FAILED', `pressluft-node ${what} on ${node.host} as ${node.user} failed (${reason}): ${res.stderr.trim().slice(0, MSG_LIMIT)}`, {
    nodeId: node.nodeId,
    exitCode: res.code,
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function toJobFailure(err: unknown): JobFailure {
  if (err instanceof JobFailure) return err;
  if (err instanceof DomainError) {
    if (err.code === 'HOST_KEY_MISMATCH') {
      // Final (an operator must re-pin); the presented key goes to the outcome that flags the node.
      const actual = err.details.actual;
      return new JobFailure(err.code, err.message, false, { presentedFingerprint: typeof actual === 'string' ? actual : null });
    }
    return new JobFailure(err.code, err.message, true);
  }
  if (err instanceof Error && err.name === 'AbortError') return new JobFailure('JOB_CANCELLED', err.message, true);
  return new JobFailure('INTERNAL', err instanceof Error ? err.message : String(err), true);
}
