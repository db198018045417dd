/**
 * Secrets never reach a table (issues 9.7, 13.7): a job registers its secret, logs it, runs a playbook
 * (real Ansible over a real sshd) that records it in its pl_result and echoes it on stderr in a failing
 * task, and fails with it in its message and summary. Afterwards no row of any table of the database —
 * events, job log, run events, remote runs, jobs, read models — holds the secret or its URL/base64/hex
 * forms; the remote output is there, redacted, in run_events; the permanent JobFailed event has a short
 * message. Needs root, /usr/sbin/sshd and ansible-playbook (like the runner's integration test).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnqueueJob } from '../../../src/application/jobs/enqueue-job/enqueue-job.service';
import { JobFailure, type JobContext, type JobHandler } from '../../../src/application/ports/job-queue.port';
import { AnsibleRemoteRunner } from '../../../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../../../src/infrastructure/remote-runner/sqlite-run-store';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';
import { LocalSshd, scratchDirForTestUser, startLocalSshd, TEST_SSH_USER } from '../../support/local-sshd';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';

const REPO = resolve(__dirname, '..', '..', '..');
const ready = existsSync('/usr/sbin/sshd') && process.getuid?.() === 0 && existsSync('/usr/bin/ansible-playbook');
const d = ready ? describe : describe.skip;

jest.setTimeout(180_000);

d('secrets registered by a job are in no table', () => {
  let t: TestApp;
  let sshd: LocalSshd;
  let shell: Ssh2RemoteShell;
  let keyDir: string;
  let bundleDir: string;
  let remoteRoot: string;
  const secret = `Pw-${Math.random().toString(36).slice(2)}+/=&x`;
  let runner: AnsibleRemoteRunner;

  const leak: JobHandler = {
    kind: 'test.leak',
    async handle(ctx: JobContext) {
      ctx.addSecret(secret);
      ctx.log(`connecting with password ${secret} (url ${encodeURIComponent(secret)})`);
      const node = { nodeId: 'local', host: '127.0.0.1', port: sshd.port, user: TEST_SSH_USER, hostKeyFingerprint: sshd.fingerprint };
      try {
        await runner.run(node, 'report-and-fail', { secret }, ctx);
      } catch (err) {
        const f = err as JobFailure;
        throw new JobFailure(f.code, `${f.message}; the password was ${secret} ${'and a long tail '.repeat(80)}`, false, { ...f.summary, password: secret });
      }
    },
  };

  beforeAll(async () => {
    keyDir = mkdtempSync(join(tmpdir(), 'pl-leak-key-'));
    const key = FileControlPlaneKey.loadOrCreate(keyDir, SecretBox.openOrCreate(keyDir), 'pressluft@test');
    sshd = await startLocalSshd([key.publicKey()]);
    shell = new Ssh2RemoteShell(key);
    remoteRoot = scratchDirForTestUser('pl-leak-root-');
    bundleDir = mkdtempSync(join(tmpdir(), 'pl-leak-bundle-'));
    cpSync(join(REPO, 'playbooks'), bundleDir, { recursive: true });
    for (const f of readdirSync(join(REPO, 'test', 'fixtures', 'playbooks'))) cpSync(join(REPO, 'test', 'fixtures', 'playbooks', f), join(bundleDir, f));
    t = await startTestApp({ jobHandlers: [leak] });
    runner = new AnsibleRemoteRunner(shell, new SqliteRunStore(t.db), { playbooksDir: bundleDir, remoteRoot, pollIntervalMs: 100, sudo: 'never' });
  });
  afterAll(async () => {
    await shell?.close();
    await t?.close();
    await sshd?.stop();
    for (const dir of [keyDir, bundleDir, remoteRoot]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a failing task that echoes the secret: redacted in run_events, absent from every table', async () => {
    const job = t.app.get(EnqueueJob).run({ kind: 'test.leak', payload: {}, maxAttempts: 1 }, { actor: 'system:test', commandId: 'leak-1', correlationId: 'leak' });
    const done = await pollUntil(async () => {
      const j = (await t.request('GET', `/api/v1/jobs/${job.id}`)).body;
      return j.state === 'failed' ? j : null;
    }, { timeoutMs: 150_000, intervalMs: 200, description: 'leak job failed' });
    expect(done.error.code).toBe('REMOTE_RUN_FAILED');
    expect(done.error.message).toContain('[redacted]');
    expect(done.error.message.length).toBeLessThanOrEqual(500);

    const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), JSON.stringify(secret).slice(1, -1)];
    const tables = (t.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]).filter((n) => !n.startsWith('sqlite_'));
    let redacted = 0;
    for (const table of tables) {
      const dump = JSON.stringify(t.db.prepare(`SELECT * FROM "${table}"`).all());
      for (const form of forms) if (dump.includes(form)) throw new Error(`table ${table} holds the secret (as ${form})`);
      redacted += dump.split('[redacted]').length - 1;
    }
    const runEvents = JSON.stringify(t.db.prepare('SELECT data FROM run_events').all());
    expect(runEvents).toContain('the password is [redacted]'); // the remote output is kept, scrubbed
    expect(runEvents).toContain('the secret was [redacted]');
    expect(JSON.stringify(t.db.prepare('SELECT text FROM job_log WHERE job_id = ?').all(job.id))).toContain('connecting with password [redacted]');
    expect(redacted).toBeGreaterThan(4);
    // The permanent event keeps only the short message: no Ansible message, no stderr.
    const failed = t.db.prepare(`SELECT data FROM events WHERE type = 'JobFailed' AND stream_id = ?`).pluck().get(`job-${job.id}`) as string;
    expect(JSON.parse(failed).error.message.length).toBeLessThanOrEqual(500);
    expect(failed).not.toContain('the password is');
  });
});
