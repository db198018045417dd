/**
 * The argv the control plane sends through `sudo -n` as the management user must match an entry of
 * bootstrap.yml's sudoers list (pressluft_sudo_commands) exactly, the way sudo matches them: the command
 * path literally, the arguments as one string where `*` matches anything; an entry without arguments
 * allows any. Drives the runner's non-root path (bundle check/unpack, run dir, vars.json, pl-run start
 * and poll) and the bootstrap handler's root steps with a recording fake shell.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { APT_INSTALL_ANSIBLE_ARGV, APT_UPDATE_ARGV } from '../../../src/application/nodes/bootstrap-node/bootstrap-node.job-handler';
import { JobContext, JobRecord } from '../../../src/application/ports/job-queue.port';
import { ExecOptions, ExecResult, NodeAddress, RemoteShell } from '../../../src/application/ports/remote-shell.port';
import { AnsibleRemoteRunner } from '../../../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../../../src/infrastructure/remote-runner/sqlite-run-store';
import { openDatabase } from '../../../src/infrastructure/sqlite/database';

const REPO = resolve(__dirname, '..', '..', '..');
const HOME = '/var/lib/pressluft';

function sudoersSpecs(): string[] {
  const play = (load(readFileSync(resolve(REPO, 'playbooks', 'bootstrap.yml'), 'utf8')) as Array<{ vars: Record<string, unknown> }>)[0];
  return (play.vars.pressluft_sudo_commands as string[]).map((c) => c.replace(/\{\{ *pressluft_home *\}\}/g, HOME));
}

const glob = (s: string): string => s.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');

/** sudoers semantics for the specs used here (no escapes, no `""`). */
function allowed(argv: readonly string[], specs: string[]): boolean {
  return specs.some((spec) => {
    const [cmd, ...args] = spec.split(' ');
    if (!new RegExp(`^${glob(cmd)}$`).test(argv[0])) return false;
    if (args.length === 0) return true;
    return new RegExp(`^${glob(args.join(' '))}$`).test(argv.slice(1).join(' '));
  });
}

class RecordingShell extends RemoteShell {
  readonly sent: string[][] = [];
  async scanHostKey(): Promise<string> {
    return 'SHA256:x';
  }
  async upload(): Promise<void> {
    throw new Error('a non-root user must not use upload() (root-owned directories)');
  }
  async exec(_node: NodeAddress, argv: readonly string[], _options?: ExecOptions): Promise<ExecResult> {
    this.sent.push([...argv]);
    const cmd = argv[0] === 'sudo' ? argv.slice(2) : argv;
    if (cmd[0] === '/usr/bin/test') return { code: 1, stdout: '', stderr: '' }; // bundle not there yet
    if (cmd[0].endsWith('/bin/pl-run') && cmd[1] === 'start') return { code: 0, stdout: 'launched setsid\n', stderr: '' };
    if (cmd[0].endsWith('/bin/pl-run') && cmd[1] === 'poll') {
      const stats = JSON.stringify({ seq: 1, event: 'playbook_on_stats', stats: { localhost: { ok: 1, changed: 0, failures: 0, unreachable: 0, skipped: 0 } } });
      return { code: 0, stdout: `succeeded 0 ${stats.length + 1}\n${stats}\n`, stderr: '' };
    }
    return { code: 0, stdout: '', stderr: '' };
  }
}

describe('sudo argv of the management user vs the sudoers list', () => {
  const specs = sudoersSpecs();

  it('the list has no shell, no ansible-playbook and no systemctl', () => {
    expect(specs.some((s) => /(^|\/)(sh|bash|ansible-playbook|systemctl|systemd-run|su)( |$)/.test(s))).toBe(false);
  });

  it('every root step of a run as pressluft is allowed, and nothing runs unprivileged in root-owned directories', async () => {
    const shell = new RecordingShell();
    const db = openDatabase({ file: ':memory:' });
    const runner = new AnsibleRemoteRunner(shell, new SqliteRunStore(db), { playbooksDir: resolve(REPO, 'playbooks'), pollIntervalMs: 1 });
    const ctx = {
      job: { id: 'j1', kind: 'test', remoteRunId: null } as unknown as JobRecord,
      signal: new AbortController().signal,
      log: () => undefined,
      setRemoteRunId: () => undefined,
    } as JobContext;
    const node: NodeAddress = { nodeId: 'n1', host: '10.0.0.5', port: 22, user: 'pressluft', hostKeyFingerprint: 'SHA256:x' };
    await expect(runner.run(node, 'ping', { secret: 's3cret' }, ctx)).resolves.toMatchObject({ rc: 0 });
    db.close();
    const kinds = shell.sent.map((a) => (a[0] === 'sudo' ? a.slice(2, 4).join(' ') : a.join(' ')));
    const hash = /bundles\/([0-9a-f]{64})\//.exec(kinds[3])?.[1];
    expect(kinds).toEqual([
      '/usr/bin/test -f',
      '/usr/bin/mkdir -p',
      '/usr/bin/tar -xzf',
      `/usr/bin/touch ${HOME}/bundles/${hash}/.complete`,
      '/usr/bin/mkdir -p',
      '/usr/bin/tar -xf',
      `${HOME}/bundles/${hash}/bin/pl-run start`,
      `${HOME}/bundles/${hash}/bin/pl-run poll`,
    ]);
    for (const argv of shell.sent) {
      expect(argv.slice(0, 2)).toEqual(['sudo', '-n']);
      if (!allowed(argv.slice(2), specs)) throw new Error(`not in the sudoers list: ${argv.slice(2).join(' ')}`);
      expect(argv.join(' ')).not.toContain('s3cret'); // vars travel on stdin
    }
  });

  it('the bootstrap and health-check handlers\' root commands are allowed', () => {
    for (const argv of [APT_UPDATE_ARGV, APT_INSTALL_ANSIBLE_ARGV, ['/usr/bin/cat', `${HOME}/facts.json`], ['/usr/bin/cat', `${HOME}/health.json`]]) {
      if (!allowed(argv, specs)) throw new Error(`not in the sudoers list: ${argv.join(' ')}`);
    }
    expect(allowed(['/usr/bin/cat', '/etc/shadow'], specs)).toBe(false);
    expect(allowed(['/usr/bin/id'], specs)).toBe(false);
  });
});
