/** Small helpers for the playbook e2e tests: OpenSSH to a test node, bundle upload, playbook runs. */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PLAYBOOKS_DIR = path.resolve(__dirname, '..', '..', 'playbooks');

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command (argument array, no shell), optionally feeding `input` on stdin. Never throws. */
export function runCmd(cmd: string, args: string[], input?: Buffer | string, timeoutMs = 600_000): Promise<CmdResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => err.push(Buffer.from(String(e))));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

export function makeKeyPair(dir: string): Promise<CmdResult> {
  return new Promise((resolve) => {
    execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pl-playbooks-test', '-f', path.join(dir, 'id_ed25519')], (e, so, se) =>
      resolve({ code: e ? 1 : 0, stdout: String(so), stderr: String(se) }),
    );
  });
}

/** Runs a shell command line as root on the node some other way than SSH (e.g. nsenter), with optional stdin. */
export type RootExec = (command: string, input?: Buffer | string, timeoutMs?: number) => Promise<CmdResult>;

export class NodeSsh {
  /** Set once root may no longer log in over SSH (bootstrap.yml's lock_root_login): root commands go here. */
  rootExec: RootExec | null = null;

  constructor(
    readonly ip: string,
    readonly keyFile: string,
  ) {}

  private args(user: string): string[] {
    return [
      '-i', this.keyFile,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'LogLevel=ERROR',
      '-o', 'ConnectTimeout=10',
      `${user}@${this.ip}`,
    ];
  }

  /** Run a remote shell command line as `user` (default root). */
  sh(command: string, opts: { user?: string; input?: Buffer | string; timeoutMs?: number } = {}): Promise<CmdResult> {
    const user = opts.user ?? 'root';
    if (user === 'root' && this.rootExec) return this.rootExec(command, opts.input, opts.timeoutMs);
    return runCmd('ssh', [...this.args(user), command], opts.input, opts.timeoutMs);
  }

  /** Over SSH even when rootExec is set (to check that a login is refused). */
  sshAs(user: string, command: string): Promise<CmdResult> {
    return runCmd('ssh', [...this.args(user), command], undefined, 60_000);
  }

  async shOk(command: string, opts: { user?: string; input?: Buffer | string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.sh(command, opts);
    if (r.code !== 0) throw new Error(`ssh ${this.ip} "${command}" failed (rc=${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r.stdout;
  }

  /** Upload playbooks/ to `dest` on the node (tar over SSH). */
  async uploadBundle(dest: string): Promise<void> {
    const buf = await new Promise<Buffer>((resolve, reject) => {
      execFile('tar', ['-C', PLAYBOOKS_DIR, '--exclude=__pycache__', '-czf', '-', '.'], { encoding: 'buffer', maxBuffer: 64 << 20 }, (e, so) =>
        e ? reject(e) : resolve(so),
      );
    });
    await this.shOk(`rm -rf ${dest} && mkdir -p ${dest} && tar -xzf - -C ${dest}`, { input: buf });
  }

  /**
   * Run a playbook on the node the way the control plane does (ansible-playbook -c local, the
   * bundle's ansible.cfg, PL_RUN_DIR for events.jsonl) and return rc, wall time and the events.
   */
  async runPlaybook(bundle: string, playbook: string, runDir: string, vars: Record<string, unknown>): Promise<PlaybookRun> {
    await this.shOk(`rm -rf ${runDir} && mkdir -p -m 0700 ${runDir} && umask 077 && cat > ${runDir}/vars.json`, { input: JSON.stringify(vars) });
    const started = Date.now();
    const r = await this.sh(
      `cd ${bundle} && PL_RUN_DIR=${runDir} ANSIBLE_CONFIG=${bundle}/ansible.cfg ` +
        `ansible-playbook -c local -i localhost, ${playbook} -e @${runDir}/vars.json >${runDir}/output.log 2>&1; echo "rc=$?"`,
      { timeoutMs: 20 * 60_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    const m = /rc=(\d+)/.exec(r.stdout);
    const rc = m ? Number(m[1]) : -1;
    const eventsText = await this.shOk(`cat ${runDir}/events.jsonl`);
    const events = eventsText
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as PlaybookEvent);
    const log = rc === 0 ? '' : (await this.sh(`tail -c 6000 ${runDir}/output.log`)).stdout;
    return { rc, seconds, events, log };
  }
}

export interface PlaybookEvent {
  seq: number;
  ts: string;
  event: string;
  task: string | null;
  host: string | null;
  changed: boolean | null;
  msg: string | null;
  stats?: Record<string, { ok: number; changed: number; failures: number; unreachable: number; skipped: number }>;
}

export interface PlaybookRun {
  rc: number;
  seconds: number;
  events: PlaybookEvent[];
  log: string;
}

export function statsOf(run: PlaybookRun, host = 'localhost') {
  const last = run.events.filter((e) => e.event === 'playbook_on_stats').pop();
  if (!last?.stats?.[host]) throw new Error(`no playbook_on_stats for ${host}; rc=${run.rc}\n${run.log}`);
  return last.stats[host];
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join('/tmp', prefix));
}
