/**
 * Backup schedules and retention for real, through the API with the real job handlers and
 * playbooks, on one FULL test node bootstrapped by the control plane (slot 0): a schedule with
 * keepLast 1 produces scheduled backups when the scheduler's clock passes its due times (the test
 * moves it with tick(now)), and after the second one the site.backup-prune job removes the older
 * backup's folder from the node (site-backup-prune.yml, pl-backup.py delete) and the list; a
 * backup taken by hand is never deleted by retention, and `DELETE /api/v1/sites/{id}/backups/{backupId}` removes it.
 * Needs root (test nodes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupScheduler } from '../../../src/infrastructure/scheduler/backup.scheduler';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp, TestResponse } from '../../support/test-app';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';
import { wordPressArchive } from '../../support/wordpress-archive';
import { jobWaiter } from '../../support/job-wait';

jest.setTimeout(45 * 60_000);

const DOMAIN = 'bks.test';
const BACKUPS = '/var/lib/pressluft/backups/bks';
const HOUR = 3_600_000;
const hourAfter = (iso: string, n: number, plusMs = 60_000) => new Date((Math.floor(Date.parse(iso) / HOUR) + n) * HOUR + plusMs).toISOString();

describe('backup schedules and retention on a real node through the API', () => {
  let t: TestApp;
  let dataDir: string;
  let node: TestNode;
  let siteId: string;

  const api = (method: string, path: string, body?: unknown): Promise<TestResponse> => t.request(method, path, body);
  const env = () => `/api/v1/sites/${siteId}/environments/production`;
  const { jobLog, succeed } = jobWaiter(api);
  const onNode = async (script: string) => {
    const r = await execOnNode(node, ['sh', '-c', script]);
    if (r.code !== 0) throw new Error(`on node failed (${r.code}): ${script}\n${r.stderr}`);
    return r.stdout.trim();
  };
  const backups = async () => (await api('GET', `${env()}/backups`)).body.items as Record<string, any>[];
  const events = async () => (await api('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; data: Record<string, any>; metadata: Record<string, any> }[];
  const pruneJobs = async () => ((await api('GET', '/api/v1/jobs?kind=site.backup-prune')).body.items as { id: string; state: string }[]);
  /** A scheduler round at `now`; waits for the backup it requested and for the prune jobs there should be by then. */
  async function round(now: string, prunes: number): Promise<string> {
    const result = await t.app.get(BackupScheduler).tick(now);
    expect(result.requested).toHaveLength(1);
    await succeed(result.requested[0].jobIds[0]);
    const jobs = await pollUntil(async () => ((await pruneJobs()).length >= prunes ? pruneJobs() : null), { timeoutMs: 60_000, description: `${prunes} prune job(s)` });
    for (const job of jobs) await succeed(job.id);
    return result.requested[0].backupId;
  }

  beforeAll(async () => {
    await ensureTemplate();
    dataDir = mkdtempSync(join(tmpdir(), 'pl-bk-schedules-data-'));
    const key = FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir));
    writeFileSync(join(dataDir, 'cp.pub'), key.publicKey() + '\n');
    node = await upNode('full', 0, [join(dataDir, 'cp.pub')]);
    const core = await wordPressArchive(node);
    t = await startTestApp({
      jobHandlers: 'real',
      env: { PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_RUN_POLL_MS: '250', PRESSLUFT_MANAGE_FIREWALL: 'off', PRESSLUFT_WORDPRESS_ARCHIVE: core.path },
    });
    const reg = await api('POST', '/api/v1/nodes', { name: 'web-bks', host: node.ip });
    await succeed(reg.body.job.id);
    const created = await api('POST', '/api/v1/sites', { name: 'Schedule Proof', slug: 'bks', nodeId: reg.body.node.id, domain: DOMAIN, adminEmail: 'owner@example.com' });
    if (created.status !== 202) throw new Error(`site creation refused: ${JSON.stringify(created.body)}`);
    siteId = created.body.site.id;
    await succeed(created.body.job.id);
  });

  afterAll(async () => {
    await t?.close();
    if (node) await downNode(node);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keepLast 1: two due times give two scheduled backups, and prune removes the older one’s folder from the node; a manual backup stays', async () => {
    const manual = await api('POST', `${env()}/backups`, { scope: 'db' });
    await succeed(manual.body.job.id);
    const set = await api('PUT', `${env()}/backup-schedule`, { cron: '0 * * * *', scope: 'db', retention: { keepLast: 1 } });
    expect(set.status).toBe(200);
    const from = set.body.schedule.effectiveFrom as string;

    const first = await round(hourAfter(from, 1), 0);
    expect(await onNode(`ls -A ${BACKUPS} | sort`)).toBe([manual.body.backupId, first].sort().join('\n'));
    expect(await onNode(`test -s ${BACKUPS}/${first}/db.sql.gz && stat -c '%U %a' ${BACKUPS}/${first}`)).toBe('root 700');

    const second = await round(hourAfter(from, 2), 1);
    expect(await onNode(`ls -A ${BACKUPS} | sort`)).toBe([manual.body.backupId, second].sort().join('\n'));
    const listed = await backups();
    expect(listed.map((b) => [b.id, b.purpose, b.state])).toEqual([
      [second, 'scheduled', 'completed'],
      [manual.body.backupId, 'operator', 'completed'],
    ]);
    const history = await events();
    expect(history.filter((e) => e.type === 'BackupRequested' && e.data.purpose === 'scheduled').map((e) => e.metadata.actor)).toEqual(['system:backup-scheduler', 'system:backup-scheduler']);
    expect(history.filter((e) => e.type === 'BackupDeleted').map((e) => [e.data.backupId, e.data.reason])).toEqual([[first, 'retention']]);
    const [prune] = await pruneJobs();
    expect(await jobLog(prune.id)).toContain(`deleting 1 backup(s) of production (retention): ${first}`);

    // the helper again for the same id: already gone, nothing changes (what a re-attached prune run sees)
    const again = JSON.parse(await onNode(`/usr/bin/python3 /usr/local/lib/pressluft/pl-backup.py delete --backups ${BACKUPS} ${first}`));
    expect(again).toEqual({ ok: true, changed: false, deleted: [], absent: [first] });
  });

  it('deletes a backup by hand: its folder goes from the node and it leaves the list', async () => {
    const manual = (await backups()).find((b) => b.purpose === 'operator')!;
    const res = await api('DELETE', `/api/v1/sites/${siteId}/backups/${manual.id}`);
    expect(res.status).toBe(202);
    await succeed(res.body.job.id);
    expect(await onNode(`ls -A ${BACKUPS}`)).not.toContain(manual.id);
    expect((await backups()).map((b) => b.id)).not.toContain(manual.id);
    expect((await events()).filter((e) => e.type === 'BackupDeleted').pop()).toMatchObject({ data: { backupId: manual.id, reason: 'operator' }, metadata: { actor: 'system:worker' } });
  });
});
