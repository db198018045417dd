/**
 * The control plane is killed during a restore and the restore completes after the restart: a real
 * `pressluft serve` process with its own data dir, the real playbooks on a FULL test node it bootstraps,
 * a site with a post that is backed up, deleted and restored. The process is SIGKILLed once the
 * restore's overwrite step (site-restore.yml) has been launched on the node, i.e. after the pre-restore
 * backup and the authorization were recorded; started again on the same data dir, the job re-attaches to
 * that run (one launch, one remote run of the step) and finishes: the post is back, the site ACTIVE, the
 * restore's events in order. Needs root (test nodes); node slot 2 of this worker.
 */
import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, freePort, queryDataDir, runCli, spawnCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';
import { wordPressArchive } from '../../support/wordpress-archive';

jest.setTimeout(30 * 60_000);

describe('control plane killed during a restore (real process, real node, real playbooks)', () => {
  let dataDir: string;
  let node: TestNode;
  let env: Record<string, string>;
  let url: string;
  let token: string;
  const children: ChildProcess[] = [];

  const serve = async (): Promise<ChildProcess> => {
    const child = spawnCli(['serve'], env);
    child.stdout?.resume();
    child.stderr?.resume();
    children.push(child);
    await pollUntil(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, { timeoutMs: 60_000, intervalMs: 100, description: 'serve answers /healthz' });
    return child;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const finished = (jobId: string, timeoutMs = 15 * 60_000) =>
    pollUntil(async () => {
      const job = (await api('GET', `/api/v1/jobs/${jobId}`)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(job.state) ? job : null;
    }, { timeoutMs, intervalMs: 250, description: `job ${jobId} finished` });
  const succeed = async (jobId: string) => {
    const job = await finished(jobId);
    if (job.state !== 'succeeded') throw new Error(`job ${jobId} ${job.state}: ${JSON.stringify(job.error)}`);
    return job;
  };
  const query = <T>(sql: string, ...params: unknown[]) => queryDataDir<T>(dataDir, sql, ...params);
  const sql = async (q: string) => {
    const r = await execOnNode(node, ['mariadb', '--batch', '--skip-column-names', 's_rst', '-e', q]);
    if (r.code !== 0) throw new Error(`SQL failed: ${r.stderr}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    await ensureTemplate();
    dataDir = mkdtempSync(join(tmpdir(), 'pl-restore-restart-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      PRESSLUFT_DATA_DIR: dataDir,
      PRESSLUFT_HTTP_PORT: String(port),
      PRESSLUFT_JOB_LEASE_MS: '3000',
      PRESSLUFT_RUN_POLL_MS: '250',
      PRESSLUFT_HEALTH_CHECK_INTERVAL_MS: '0',
      PRESSLUFT_MANAGE_FIREWALL: 'off',
      PRESSLUFT_LOG_LEVEL: 'warn',
    };
    const key = await runCli(['ssh-key'], env);
    expect(key.code).toBe(0);
    writeFileSync(join(dataDir, 'cp.pub'), key.stdout);
    token = (await runCli(['token', 'create', '--name', 'restart', '--scope', 'write'], env)).stdout.trim();
    node = await upNode('full', 2, [join(dataDir, 'cp.pub')]);
    env.PRESSLUFT_WORDPRESS_ARCHIVE = (await wordPressArchive(node)).path;
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (node) await downNode(node);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a restore whose control plane is SIGKILLed during the overwrite step completes after the restart, launched once', async () => {
    const first = await serve();
    const reg = await api('POST', '/api/v1/nodes', { name: 'web-rst', host: node.ip });
    expect(reg.status).toBe(202);
    await succeed(reg.body.job.id);
    const created = await api('POST', '/api/v1/sites', { name: 'Restore Restart', slug: 'rst', nodeId: reg.body.node.id, domain: 'rst.test', adminEmail: 'owner@example.com' });
    expect(created.status).toBe(202);
    const siteId = created.body.site.id as string;
    await succeed(created.body.job.id);

    await sql(
      "INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type) " +
        "VALUES (1, NOW(), UTC_TIMESTAMP(), 'Body', 'Survives a restart', '', 'publish', 'survives-a-restart', '', '', NOW(), UTC_TIMESTAMP(), '', 'post')",
    );
    const env0 = `/api/v1/sites/${siteId}/environments/production`;
    const backup = await api('POST', `${env0}/backups`, { scope: 'db' });
    await succeed(backup.body.job.id);
    await sql("DELETE FROM wp_posts WHERE post_name = 'survives-a-restart'");

    const restore = await api('POST', `${env0}/restore`, { backupId: backup.body.backupId });
    expect(restore.status).toBe(202);
    const jobId = restore.body.job.id as string;
    const run = await pollUntil(() => query<{ run_id: string }>(`SELECT run_id FROM remote_runs WHERE job_id = ? AND step = 'restore' AND state = 'launched'`, jobId), {
      timeoutMs: 10 * 60_000,
      intervalMs: 50,
      description: "the restore's overwrite step launched",
    });
    first.kill('SIGKILL');
    expect(await exited(first)).toMatchObject({ signal: 'SIGKILL' });
    expect(query<{ state: string }>('SELECT state FROM jobs WHERE id = ?', jobId)).toEqual({ state: 'running' });
    expect(query<{ state: string }>('SELECT state FROM rm_sites WHERE id = ?', siteId)).toEqual({ state: 'RESTORING' });

    const second = await serve();
    const done = await succeed(jobId);
    expect(done.attempt).toBe(2);
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM remote_runs WHERE job_id = ? AND step = 'restore'`, jobId)).toEqual({ n: 1 });
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM remote_runs WHERE job_id = ? AND step = 'pre-restore-backup'`, jobId)).toEqual({ n: 1 });
    const launches = (await execOnNode(node, ['cat', `/var/lib/pressluft/runs/${run.run_id}/launches`])).stdout.trim().split('\n');
    expect(launches).toHaveLength(1);
    expect(await sql("SELECT post_title FROM wp_posts WHERE post_name = 'survives-a-restart'")).toBe('Survives a restart');
    expect((await api('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
    const types = ((await api('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string }[]).map((e) => e.type);
    const order = ['RestoreRequested', 'BackupCompleted', 'RestoreOverwriteAuthorized', 'RestoreCompleted'].map((type) => types.lastIndexOf(type));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(types.filter((t) => t === 'RestoreOverwriteAuthorized' || t === 'RestoreCompleted')).toEqual(['RestoreOverwriteAuthorized', 'RestoreCompleted']);

    second.kill('SIGTERM');
    expect(await exited(second)).toMatchObject({ code: 0 });
  });
});
