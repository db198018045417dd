/**
 * What the control plane sends to a node, by SSH user: as the management user only
 * `sudo -n /usr/local/sbin/pressluft-node …` (the one command its sudoers file allows, rendered here
 * from the real template); as root the control plane's own copy of the entry point (`sh -c`), as an
 * operator's sudo user the same through `sudo -n`. Drives the runner (bundle, vars, start, poll, upload,
 * reports, ansible step) with a recording fake shell; the node side is tested on real nodes
 * (test/application/nodes/node-bootstrap.e2e.spec.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { ExecOptions, ExecResult, NodeAddress, RemoteShell } from '../../../src/application/ports/remote-shell.port';
import { AnsibleRemoteRunner, NODE_ENTRY_POINT } from '../../../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../../../src/infrastructure/remote-runner/sqlite-run-store';
import { openDatabase } from '../../../src/infrastructure/sqlite/database';
import { testJobContext } from '../../support/job-context';

const REPO = resolve(__dirname, '..', '..', '..');
const ENTRY_SCRIPT = readFileSync(resolve(REPO, 'playbooks', 'bin', 'pressluft-node'), 'utf8');

/** The sudoers lines bootstrap.yml installs, rendered with the play's defaults. */
function sudoersRules(): string[] {
  const play = (load(readFileSync(resolve(REPO, 'playbooks', 'bootstrap.yml'), 'utf8')) as Array<{ vars: Record<string, unknown> }>)[0];
  const vars: Record<string, string> = { pressluft_user: String(play.vars.pressluft_user), pressluft_entry_point: String(play.vars.pressluft_entry_point), ansible_managed: 'x' };
  return readFileSync(resolve(REPO, 'playbooks', 'templates', 'sudoers-pressluft.j2'), 'utf8')
    .replace(/\{\{ *(\w+) *\}\}/g, (_, name: string) => vars[name])
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('Defaults'));
}

class RecordingShell extends RemoteShell {
  readonly sent: Array<{ argv: string[]; stdin: ExecOptions['stdin'] }> = [];
  async scanHostKey(): Promise<string> {
    return 'SHA256:x';
  }
  async upload(): Promise<void> {
    throw new Error('the runner must not write files outside the entry point');
  }
  async exec(_node: NodeAddress, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.sent.push({ argv: [...argv], stdin: options.stdin });
    const i = argv.indexOf(NODE_ENTRY_POINT) >= 0 ? argv.indexOf(NODE_ENTRY_POINT) : argv.indexOf('pressluft-node');
    const [cmd, ...rest] = argv.slice(i + 1);
    if (options.stdin && typeof options.stdin === 'object' && 'resume' in options.stdin) options.stdin.resume();
    if (cmd === 'has-bundle' || cmd === 'has-upload') return { code: 1, stdout: '', stderr: '' };
    if (cmd === 'run' && rest[1] === 'start') return { code: 0, stdout: 'launched setsid\n', stderr: '' };
    if (cmd === 'run' && rest[1] === 'poll') {
      const stats = JSON.stringify({ seq: 1, event: 'playbook_on_stats', stats: { localhost: { ok: 1, changed: 0, failures: 0, unreachable: 0, skipped: 0 } }, custom: { pl_result: { ok: true } } });
      return { code: 0, stdout: `succeeded 0 ${stats.length + 1}\n${stats}\n`, stderr: '' };
    }
    if (cmd === 'read') return { code: 0, stdout: '{"os":"Debian"}', stderr: '' };
    return { code: 0, stdout: 'present\n', stderr: '' };
  }
}

async function driveRunner(user: string): Promise<RecordingShell> {
  const shell = new RecordingShell();
  const db = openDatabase({ file: ':memory:' });
  try {
    const runner = new AnsibleRemoteRunner(shell, new SqliteRunStore(db), { playbooksDir: resolve(REPO, 'playbooks'), pollIntervalMs: 1 });
    const node: NodeAddress = { nodeId: 'n1', host: '10.0.0.5', port: 22, user, hostKeyFingerprint: 'SHA256:x' };
    const result = await runner.run(node, 'ping', { secret: 's3cret-value' }, testJobContext());
    expect(result).toMatchObject({ rc: 0, outputs: { ok: true } });
    const file = join(tmpdir(), `pl-upload-${process.pid}.bin`);
    writeFileSync(file, 'archive bytes');
    await expect(runner.upload(node, file)).resolves.toMatchObject({ path: expect.stringMatching(/^\/var\/lib\/pressluft\/uploads\/[0-9a-f]{64}$/), uploaded: true, size: 13 });
    await expect(runner.readReport(node, 'facts')).resolves.toEqual({ os: 'Debian' });
    await expect(runner.ensureAnsible(node)).resolves.toBe('present');
  } finally {
    db.close();
  }
  return shell;
}

/** The entry point commands, in order, without their hashes and ids. */
const commands = (shell: RecordingShell, start: number): string[] => shell.sent.map((s) => s.argv.slice(start).slice(0, s.argv[start] === 'run' ? 3 : 1).filter((a) => !/^[0-9a-f]{64}$/.test(a)).join(' '));

describe('what the control plane runs on a node', () => {
  it('the management user may run exactly the entry point through sudo, nothing else', () => {
    expect(sudoersRules()).toEqual([`pressluft ALL=(root) NOPASSWD: ${NODE_ENTRY_POINT}`]);
  });

  it('as the management user every command is `sudo -n <entry point> …`, data only on stdin', async () => {
    const shell = await driveRunner('pressluft');
    for (const { argv } of shell.sent) {
      expect(argv.slice(0, 3)).toEqual(['sudo', '-n', NODE_ENTRY_POINT]);
      expect(argv.join(' ')).not.toContain('s3cret-value');
    }
    expect(commands(shell, 3)).toEqual(['has-bundle', 'put-bundle', 'put-vars', 'run start', 'run poll', 'has-upload', 'put-upload', 'read', 'ensure-ansible']);
    const vars = shell.sent.find((s) => s.argv[3] === 'put-vars')!;
    expect(JSON.parse(String(vars.stdin))).toEqual({ secret: 's3cret-value' });
  });

  it('as root, the control plane\'s own copy of the entry point (no sudo); as another user, the same through sudo -n', async () => {
    const inline = ['env', 'PL_NODE_ROOT=/var/lib/pressluft', 'sh', '-c', ENTRY_SCRIPT, 'pressluft-node'];
    const root = await driveRunner('root');
    for (const { argv } of root.sent) expect(argv.slice(0, 6)).toEqual(inline);
    expect(commands(root, 6)).toContain('put-bundle');
    const operator = await driveRunner('admin');
    for (const { argv } of operator.sent) expect(argv.slice(0, 8)).toEqual(['sudo', '-n', ...inline]);
  });
});
