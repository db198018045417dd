/**
 * Every playbook in playbooks/ passes `ansible-playbook --syntax-check` (with the bundle's own
 * ansible.cfg, so the pl_jsonl callback must load), and ansible-lint when it is installed.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PLAYBOOKS = path.resolve(__dirname, '..', '..', 'playbooks');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: PLAYBOOKS, env: { ...process.env, ANSIBLE_CONFIG: path.join(PLAYBOOKS, 'ansible.cfg'), ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 127) : 0, stdout: String(stdout), stderr: String(stderr) + (e ? `\n${e.message}` : '') });
      },
    );
  });
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, bin), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const playbooks = fs
  .readdirSync(PLAYBOOKS)
  .filter((f) => f.endsWith('.yml'))
  .sort();

describe('playbooks', () => {
  it('has the playbooks the control plane needs', () => {
    expect(playbooks).toEqual(
      expect.arrayContaining([
        'bootstrap.yml',
        'health-check.yml',
        'ping.yml',
        'site-provision.yml',
        'site-deploy.yml',
        'site-rollback.yml',
        'site-domains.yml',
        'site-delete.yml',
        'site-health.yml',
        'site-backup.yml',
        'site-restore.yml',
      ]),
    );
    expect(fs.existsSync(path.join(PLAYBOOKS, 'ansible.cfg'))).toBe(true);
    expect(fs.existsSync(path.join(PLAYBOOKS, 'callback_plugins', 'pl_jsonl.py'))).toBe(true);
  });

  it.each(playbooks)('%s passes ansible-playbook --syntax-check', async (pb) => {
    const r = await run('ansible-playbook', ['--syntax-check', '-i', 'localhost,', pb]);
    if (r.code !== 0) throw new Error(`syntax check of ${pb} failed (rc=${r.code}):\n${r.stdout}\n${r.stderr}`);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Skipping callback|pl_jsonl.*(error|fail)/i);
  });

  it('passes ansible-lint (production profile) when ansible-lint is installed, else the syntax check only', async () => {
    if (!onPath('ansible-lint')) {
      // ansible-lint is optional (Debian package `ansible-lint`); the syntax checks above still ran.
      expect(playbooks.length).toBeGreaterThan(0);
      return;
    }
    const r = await run('ansible-lint', ['-p', '--nocolor', '--profile', 'production', ...playbooks], { HOME: process.env.HOME ?? '/root' }, 300_000);
    if (r.code !== 0) throw new Error(`ansible-lint failed (rc=${r.code}):\n${r.stdout}\n${r.stderr}`);
    expect(r.code).toBe(0);
  }, 320_000);

  it('pl_jsonl writes JSON lines and censors no_log results (local run, no node)', async () => {
    const dir = fs.mkdtempSync('/tmp/pl-jsonl-');
    try {
      const pb = path.join(dir, 'secret.yml');
      fs.writeFileSync(
        pb,
        [
          '- name: Secret',
          '  hosts: all',
          '  gather_facts: false',
          '  tasks:',
          '    - name: Hidden',
          '      ansible.builtin.command: echo topsecret-value',
          '      no_log: true',
          '      changed_when: false',
          '    - name: Broken',
          '      ansible.builtin.command: sh -c "echo boom-on-stderr >&2; exit 3"',
          '      ignore_errors: true',
          '    - name: Result',
          '      ansible.builtin.set_stats:',
          '        per_host: false',
          '        aggregate: false',
          '        data:',
          '          pl_result: {release_id: r1, switched: true}',
          '',
        ].join('\n'),
      );
      const r = await run('ansible-playbook', ['-c', 'local', '-i', 'localhost,', pb], { PL_RUN_DIR: dir });
      expect(r.code).toBe(0);
      const text = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8');
      expect(text).not.toContain('topsecret-value');
      const events = text.trim().split('\n').map((l) => JSON.parse(l));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events[0].event).toBe('playbook_start');
      const hidden = events.find((e) => e.event === 'runner_on_ok' && e.task === 'Hidden');
      expect(hidden).toMatchObject({ host: 'localhost', changed: false, msg: 'censored' });
      const broken = events.find((e) => e.event === 'runner_on_failed' && e.task === 'Broken');
      expect(broken.msg).toContain('boom-on-stderr');
      expect(broken.ignore_errors).toBe(true);
      const stats = events[events.length - 1];
      expect(stats.event).toBe('playbook_on_stats');
      expect(stats.stats.localhost).toMatchObject({ ok: 3, failures: 0, ignored: 1 });
      // set_stats data of the play (per_host: false) travels as `custom`
      expect(stats.custom).toEqual({ pl_result: { release_id: 'r1', switched: true } });
      for (const e of events) expect(typeof e.ts).toBe('string');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
