import { randomBytes } from 'node:crypto';
import { JobContext, JobFailure } from '../../application/ports/job-queue.port';
import { FailedTask, RemoteRunner, RemoteRunResult, RunStats } from '../../application/ports/remote-runner.port';
import { NodeAddress, RemoteShell } from '../../application/ports/remote-shell.port';
import { DomainError } from '../../domain/common/domain-error';
import { meaningOfExitCode } from './ansible-exit-codes';
import { buildPlaybookBundle, PlaybookBundle } from './playbook-bundle';
import { singleFileTar } from './single-file-tar';
import { RunEventRow, SqliteRunStore } from './sqlite-run-store';

export interface AnsibleRemoteRunnerOptions {
  /** Local directory with the playbooks, ansible.cfg, callback_plugins/ and bin/pl-run. */
  readonly playbooksDir: string;
  /** Base directory on nodes (bundles/ and runs/ live below it). Default /var/lib/pressluft. */
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
   * 'auto' (default): a non-root SSH user (the management user) runs everything that needs root through
   * `sudo -n` with the exact argv bootstrap.yml's sudoers list allows; 'never': run it all directly.
   */
  readonly sudo?: 'auto' | 'never';
  /** Bytes of events.jsonl fetched per poll (default 1 MiB). */
  readonly maxPollBytes?: number;
}

type RemoteStatus = 'new' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost' | 'unknown';
const FINAL: ReadonlySet<RemoteStatus> = new Set(['succeeded', 'failed', 'cancelled', 'lost']);
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PLAYBOOK = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

interface Progress {
  offset: number;
  seq: number;
  stats: Record<string, RunStats> | null;
  failedTasks: FailedTask[];
}

/**
 * The detached, re-attachable runner of DESIGN §6 (see playbooks/bin/pl-run for the node side).
 * One launch per run id, guaranteed on the node by pl-run; the run id is stored with the job before
 * the launch, so an SSH drop, a worker restart or a second runner instance attaches instead.
 */
export class AnsibleRemoteRunner extends RemoteRunner {
  private bundle: Promise<PlaybookBundle> | null = null;
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

  async run(node: NodeAddress, playbook: string, vars: Record<string, unknown>, ctx: JobContext): Promise<RemoteRunResult> {
    const file = playbook.endsWith('.yml') ? playbook : `${playbook}.yml`;
    if (!PLAYBOOK.test(file)) throw new JobFailure('VALIDATION_FAILED', `bad playbook name "${playbook}"`, false);
    try {
      const bundle = await this.ensureBundle(node);
      const previous = ctx.job.remoteRunId;
      const row = previous && RUN_ID.test(previous) ? this.store.get(previous) : undefined;
      if (previous && RUN_ID.test(previous) && (!row || row.finished_at === null)) {
        // A run of this job was launched (or about to be) and its outcome was never recorded: attach.
        if (!row) this.store.insert({ run_id: previous, job_id: ctx.job.id, node_id: node.nodeId, playbook: file, bundle_hash: bundle.hash, state: 'launched' });
        ctx.log(`attaching to remote run ${previous}`);
        return await this.follow(node, previous, file, vars, bundle, ctx, true);
      }
      const runId = newRunId();
      this.store.insert({ run_id: runId, job_id: ctx.job.id, node_id: node.nodeId, playbook: file, bundle_hash: bundle.hash, state: 'preparing' });
      ctx.setRemoteRunId(runId); // before the launch: a later attempt re-attaches instead of launching again
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

  // ---------------------------------------------------------------------------------------------

  private plRun(bundle: PlaybookBundle, args: string[], node: NodeAddress): string[] {
    return this.asRoot(node, [`${this.root}/bundles/${bundle.hash}/bin/pl-run`, ...args]);
  }

  /** Through `sudo -n` unless the SSH user is root. Every argv given here matches an entry of bootstrap.yml's sudoers list. */
  private asRoot(node: NodeAddress, argv: string[]): string[] {
    return this.viaSudo(node) ? ['sudo', '-n', ...argv] : argv;
  }

  private viaSudo(node: NodeAddress): boolean {
    return (this.options.sudo ?? 'auto') === 'auto' && node.user !== 'root';
  }

  private loadBundle(): Promise<PlaybookBundle> {
    if (!this.bundle) {
      this.bundle = buildPlaybookBundle(this.options.playbooksDir);
      this.bundle.catch(() => (this.bundle = null));
    }
    return this.bundle;
  }

  /** Uploads and unpacks the bundle unless `<root>/bundles/<hash>/.complete` exists. */
  private async ensureBundle(node: NodeAddress): Promise<PlaybookBundle> {
    const bundle = await this.loadBundle();
    const key = `${node.nodeId}|${node.host}:${node.port}|${bundle.hash}`;
    if (this.bundlesOnNodes.has(key)) return bundle;
    const dir = `${this.root}/bundles/${bundle.hash}`;
    if (this.viaSudo(node)) {
      await this.ensureBundleViaSudo(node, bundle, dir);
      this.bundlesOnNodes.add(key);
      return bundle;
    }
    const check = await this.shell.exec(node, [
      'sh',
      '-c',
      // 0700 like bootstrap.yml makes them (a chmod here would make every bootstrap report a change).
      'umask 077; mkdir -p "$1/bundles" "$1/runs" && test -f "$2/.complete"',
      'sh',
      this.root,
      dir,
    ]);
    if (check.code !== 0) {
      const archive = `${this.root}/bundles/.incoming-${bundle.hash}.tar.gz`;
      await this.shell.upload(node, archive, bundle.bytes, 0o600);
      const unpack = await this.shell.exec(node, [
        'sh',
        '-c',
        [
          'set -e; umask 022',
          'tmp="$2.tmp.$$"; rm -rf "$tmp"; mkdir "$tmp"',
          'tar -xzf "$3" -C "$tmp" --no-same-owner',
          'chmod 0755 "$tmp/bin/pl-run"; touch "$tmp/.complete"',
          // Another job may have unpacked the same bundle meanwhile: keep whichever came first.
          'if [ -f "$2/.complete" ]; then rm -rf "$tmp"; else rm -rf "$2"; mv "$tmp" "$2"; fi',
          'rm -f "$3"',
        ].join('\n'),
        'sh',
        this.root,
        dir,
        archive,
      ]);
      if (unpack.code !== 0) {
        throw new DomainError('REMOTE_COMMAND_FAILED', `could not unpack the playbook bundle on ${node.host}: ${unpack.stderr.trim().slice(0, 500)}`);
      }
    }
    this.bundlesOnNodes.add(key);
    return bundle;
  }

  /**
   * The bundle for a non-root SSH user (the management user after bootstrap): `bundles/` is root's
   * (0700), so the check, the directory and the unpack go through fixed sudo commands. The stream is
   * unpacked in place and `.complete` is written last, so a half-unpacked bundle is unpacked again.
   */
  private async ensureBundleViaSudo(node: NodeAddress, bundle: PlaybookBundle, dir: string): Promise<void> {
    const check = await this.shell.exec(node, this.asRoot(node, ['/usr/bin/test', '-f', `${dir}/.complete`]), { timeoutMs: 30_000 });
    if (check.code === 0) return;
    const steps: Array<{ argv: string[]; stdin?: Buffer }> = [
      { argv: ['/usr/bin/mkdir', '-p', '-m', '0700', dir] },
      { argv: ['/usr/bin/tar', '-xzf', '-', '--no-same-owner', '-C', dir], stdin: bundle.bytes },
      { argv: ['/usr/bin/touch', `${dir}/.complete`] },
    ];
    for (const step of steps) {
      const res = await this.shell.exec(node, this.asRoot(node, step.argv), { timeoutMs: 120_000, stdin: step.stdin });
      if (res.code !== 0) {
        throw new DomainError(
          'REMOTE_COMMAND_FAILED',
          `could not unpack the playbook bundle on ${node.host} as ${node.user} (${step.argv.slice(0, 2).join(' ')}, exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`,
        );
      }
    }
  }

  /** Writes vars.json (0600) into the run directory: as root an atomic upload, else a one-file tar through sudo. */
  private async putVars(node: NodeAddress, runDir: string, vars: Record<string, unknown>): Promise<void> {
    const content = Buffer.from(JSON.stringify(vars));
    if (!this.viaSudo(node)) return this.shell.upload(node, `${runDir}/vars.json`, content, 0o600);
    const res = await this.shell.exec(node, this.asRoot(node, ['/usr/bin/tar', '-xf', '-', '--no-same-owner', '-C', runDir]), {
      timeoutMs: 60_000,
      stdin: singleFileTar('vars.json', content, 0o600),
    });
    if (res.code !== 0) throw new DomainError('REMOTE_COMMAND_FAILED', `could not write ${runDir}/vars.json (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`);
  }

  /** Creates the run dir, writes vars.json (0600, never argv) and starts the run (once per id, by pl-run). */
  private async launch(
    node: NodeAddress,
    runId: string,
    playbook: string,
    vars: Record<string, unknown>,
    bundle: PlaybookBundle,
    ctx: JobContext,
  ): Promise<void> {
    const runDir = `${this.root}/runs/${runId}`;
    const mk = await this.shell.exec(node, this.asRoot(node, ['/usr/bin/mkdir', '-p', '-m', '0700', runDir]));
    if (mk.code !== 0) throw new DomainError('REMOTE_COMMAND_FAILED', `could not create ${runDir}: ${mk.stderr.trim()}`);
    await this.putVars(node, runDir, vars);
    const started = await this.shell.exec(node, this.plRun(bundle, ['start', runId, playbook], node), { timeoutMs: 60_000 });
    if (started.code !== 0) {
      this.store.finish(runId, 'failed', null, null);
      throw new JobFailure('REMOTE_RUN_FAILED', `could not launch ${playbook}: ${started.stderr.trim().slice(0, 500)}`, true);
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
        await this.shell.exec(node, this.plRun(bundle, ['cancel', runId], node), { timeoutMs: 30_000 }).catch((err: unknown) => {
          ctx.log(`cancel of run ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
        });
        cancelSentAt = Date.now();
      }
      if (cancelSentAt !== null && Date.now() - cancelSentAt > (this.options.cancelGraceMs ?? 30_000)) {
        this.store.finish(runId, 'cancelled', null, progress.stats);
        throw new JobFailure('JOB_CANCELLED', `run ${runId} was cancelled (it did not confirm its end in time)`, false);
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
        // Attached to a run whose launch never happened (crash between storing the id and starting it).
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
    const res = await this.shell.exec(node, this.plRun(bundle, ['poll', runId, String(progress.offset), String(max)], node), {
      timeoutMs: 30_000,
    });
    if (res.code !== 0) throw new DomainError('REMOTE_COMMAND_FAILED', `pl-run poll failed (${res.code}): ${res.stderr.trim().slice(0, 300)}`);
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

  private parseEvent(line: string, seq: number, progress: Progress, ctx: JobContext): RunEventRow {
    let data: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      data = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      data = { event: 'unparsed', line: line.slice(0, 2000) };
    }
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
        ctx.log(`  ${event === 'runner_on_failed' ? 'failed' : 'unreachable'}${ignored ? ' (ignored)' : ''}: ${host ?? ''}${msg ? ` — ${msg}` : ''}`);
        if (!ignored) progress.failedTasks.push({ task, host, msg });
        break;
      }
      case 'playbook_on_stats': {
        const stats = (data.stats ?? {}) as Record<string, RunStats>;
        progress.stats = stats;
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
    const failedTasks = progress.failedTasks.length ? progress.failedTasks : this.failedTasksFromStore(runId);
    const summary = { runId, rc, changed, failedTasks: failedTasks.slice(0, 10) };
    if (status === 'cancelled') {
      this.store.finish(runId, 'cancelled', rc, stats);
      throw new JobFailure('JOB_CANCELLED', `run ${runId} was cancelled`, false, summary);
    }
    if (status === 'lost') {
      this.store.finish(runId, 'lost', rc, stats);
      throw new JobFailure('REMOTE_RUN_LOST', `run ${runId} ended without recording a result (killed or node rebooted)`, true, summary);
    }
    const meaning = meaningOfExitCode(rc ?? 250);
    this.store.finish(runId, meaning ? 'failed' : 'succeeded', rc, stats);
    if (meaning) {
      const first = failedTasks[0];
      const detail = first ? `: task "${first.task ?? '?'}" failed${first.msg ? ` — ${first.msg.slice(0, 300)}` : ''}` : '';
      ctx.log(`run ${runId} failed with rc=${rc}`);
      throw new JobFailure(meaning.code, `${meaning.message} (rc ${rc})${detail}`, meaning.retryable, summary);
    }
    ctx.log(`run ${runId} succeeded (changed=${changed})`);
    return { runId, rc: 0, stats, changed, failedTasks, reattached };
  }

  private failedTasksFromStore(runId: string): FailedTask[] {
    return this.store
      .events(runId, 0, 100_000)
      .filter((e) => (e.event === 'runner_on_failed' || e.event === 'runner_on_unreachable') && e.data.ignore_errors !== true)
      .map((e) => ({ task: e.task, host: e.host, msg: typeof e.data.msg === 'string' ? e.data.msg : null }));
  }
}

function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
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
