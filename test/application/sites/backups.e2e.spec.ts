/**
 * Backups and verified restores for real, through the API with the real job handlers, on one FULL
 * test node bootstrapped by the control plane (slot 0): a post and an upload are created, a full
 * backup is taken (parts with size and sha256 listed, root-only files on the node, no temp dir left),
 * both are deleted, the restore brings both back (HTTP and SQL) and lists its pre-restore backup; the
 * same restore again leaves the same state; a part with one flipped byte is refused before anything is
 * overwritten (the site keeps serving what it served, ACTIVE); a backup whose SSH connection is cut while
 * its dump waits on the node completes by re-attaching to the same run; one that fills its disk (a small
 * tmpfs over the backups) fails with BACKUP_FAILED and leaves nothing behind; bad requests change nothing; the site's
 * DB password appears in no API answer, job log or event. Then the deletion: a final backup that
 * cannot be written removes nothing (ACTIVE, serving); a backup run prunes an expired final backup and
 * keeps a fresh one; the deletion takes a final backup into deleted-site-backups/ whose manifest's
 * sha256s verify, removes the site's folder and its ordinary backups, lists the final backup with
 * where it lives, refuses to restore it (BACKUP_NOT_RESTORABLE), and the manual restore recipe of
 * docs/backups.md brings the post and the upload back by hand. Before the deletion, with a restic
 * repository over sftp on the test machine's side of the node's link (an sshd restricted to sftp,
 * started and stopped by this suite): the check initializes it, a backup becomes one snapshot
 * tagged with its id (checked with restic from the test machine), a second backup after a small
 * change adds little, a backup whose local copy is gone is restored from restic (post and upload
 * back, HTTP and SQL), deleting a backup forgets its snapshot, restic check's results (a failed one
 * on the dashboard) are shown, and the password and key appear nowhere. Needs root (test nodes).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { startTestApp, TestApp, TestResponse } from '../../support/test-app';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';
import { wordPressArchive } from '../../support/wordpress-archive';
import { jobWaiter } from '../../support/job-wait';
import { pollUntil } from '../../support/poll-until';
import { LocalSshd, scratchDirForTestUser, startLocalSshd, TEST_SSH_USER } from '../../support/local-sshd';

jest.setTimeout(45 * 60_000);

const DOMAIN = 'bkp.test';
const BASE = '/var/www/sites/bkp';
const UPLOAD = 'shared/uploads/2026/12/pl-proof.txt';
const DELETED = '/var/lib/pressluft/deleted-site-backups';

describe('site backups and restores on a real node through the API', () => {
  let t: TestApp;
  let dataDir: string;
  let node: TestNode;
  let siteId: string;
  let nodeId: string;
  let shell: Ssh2RemoteShell;
  let backupId: string;
  let postId: number;
  const responses: string[] = [];

  const api = async (method: string, path: string, body?: unknown): Promise<TestResponse> => {
    const res = await t.request(method, path, body);
    responses.push(JSON.stringify(res.body));
    return res;
  };
  const env = () => `/api/v1/sites/${siteId}/environments/production`;
  const { finished, jobLog, succeed } = jobWaiter(api);
  const http = (path = '/') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: node.ip, port: 80, path, headers: { host: DOMAIN }, timeout: 20_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  const sql = async (query: string) => {
    const r = await execOnNode(node, ['mariadb', '--batch', '--skip-column-names', 's_bkp', '-e', query]);
    if (r.code !== 0) throw new Error(`SQL failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const onNode = async (script: string) => {
    const r = await execOnNode(node, ['sh', '-c', script]);
    if (r.code !== 0) throw new Error(`on node failed (${r.code}): ${script}\n${r.stderr}`);
    return r.stdout.trim();
  };
  const backups = async () => (await api('GET', `${env()}/backups`)).body.items as Record<string, any>[];
  const siteState = async () => (await api('GET', `/api/v1/sites/${siteId}`)).body.state as string;
  const events = async () => (await api('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; data: Record<string, any> }[];
  /** What a restore must bring back exactly: the post rows, and every file of shared/ and the live release. */
  const fingerprint = () =>
    onNode(
      `mariadb -N -e 'CHECKSUM TABLE s_bkp.wp_posts, s_bkp.wp_postmeta' && readlink ${BASE}/current && ` +
        `cd ${BASE} && find shared current/ -type f -print0 | sort -z | xargs -0 sha256sum && stat -c '%n %U %a' shared shared/uploads shared/wp-config.php`,
    );

  beforeAll(async () => {
    await ensureTemplate();
    dataDir = mkdtempSync(join(tmpdir(), 'pl-backups-data-'));
    const key = FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir));
    writeFileSync(join(dataDir, 'cp.pub'), key.publicKey() + '\n');
    node = await upNode('full', 0, [join(dataDir, 'cp.pub')]);
    const core = await wordPressArchive(node);
    t = await startTestApp({
      jobHandlers: 'real',
      env: { PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_RUN_POLL_MS: '250', PRESSLUFT_MANAGE_FIREWALL: 'off', PRESSLUFT_WORDPRESS_ARCHIVE: core.path },
    });
    shell = t.app.get(Ssh2RemoteShell);
    const reg = await api('POST', '/api/v1/nodes', { name: 'web-bk', host: node.ip });
    nodeId = reg.body.node.id;
    await succeed(reg.body.job.id);
    const created = await api('POST', '/api/v1/sites', { name: 'Backup Proof', slug: 'bkp', nodeId: reg.body.node.id, domain: DOMAIN, adminEmail: 'owner@example.com' });
    responses.pop(); // the one answer that carries the generated admin password, by design
    if (created.status !== 202) throw new Error(`site creation refused: ${JSON.stringify(created.body)}`);
    siteId = created.body.site.id;
    await succeed(created.body.job.id);
    expect(await siteState()).toBe('ACTIVE');
  });

  afterAll(async () => {
    await t?.close();
    if (node) await downNode(node);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses bad requests with a clear error and appends nothing', async () => {
    const before = (await api('GET', `/api/v1/sites/${siteId}`)).body.version;
    const scope = await api('POST', `${env()}/backups`, { scope: 'uploads' });
    expect(scope.status).toBe(400);
    expect(scope.body.code).toBe('VALIDATION_FAILED');
    const missing = await api('POST', `${env()}/restore`, { backupId: 'no-such-backup' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'BACKUP_NOT_FOUND', details: { backupId: 'no-such-backup' } });
    expect((await api('POST', `/api/v1/sites/${siteId}/environments/staging/backups`, { scope: 'db' })).status).toBe(404);
    expect((await api('GET', `/api/v1/sites/${siteId}`)).body.version).toBe(before);
    expect(await backups()).toEqual([]);
  });

  it('backs up a post and an upload: parts with size and sha256, root-only on the node, completed only when whole', async () => {
    await sql(
      "INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type) " +
        "VALUES (1, NOW(), UTC_TIMESTAMP(), 'Proof body', 'Proof of backup', '', 'publish', 'proof-of-backup', '', '', NOW(), UTC_TIMESTAMP(), '', 'post')",
    );
    postId = Number(await sql("SELECT ID FROM wp_posts WHERE post_name = 'proof-of-backup'"));
    await onNode(`install -d -o s-bkp -g w-bkp ${BASE}/shared/uploads/2026 ${BASE}/shared/uploads/2026/12 && echo upload-proof > ${BASE}/${UPLOAD} && chown s-bkp:w-bkp ${BASE}/${UPLOAD}`);
    expect((await http(`/?p=${postId}`)).body).toContain('Proof of backup');
    expect((await http('/wp-content/uploads/2026/12/pl-proof.txt')).body).toBe('upload-proof\n');

    const res = await api('POST', `${env()}/backups`, { scope: 'full' });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ kind: 'site.backup' });
    backupId = res.body.backupId;
    expect(await siteState()).toBe('ACTIVE'); // a backup changes no lifecycle state
    const second = await api('POST', `${env()}/backups`, { scope: 'db' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('BACKUP_RUNNING');
    await succeed(res.body.job.id);

    const [listed] = await backups();
    expect(listed).toMatchObject({ id: backupId, state: 'completed', scope: 'full', purpose: 'operator', restoreId: null, wordpressVersion: expect.any(String) });
    expect(listed.parts.map((p: { name: string }) => p.name)).toEqual(['db', 'files', 'code']);
    for (const p of listed.parts) expect(p).toEqual({ name: p.name, file: expect.any(String), size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(listed.size).toBe(listed.parts.reduce((s: number, p: { size: number }) => s + p.size, 0));
    expect(listed.tableCount).toBeGreaterThanOrEqual(12);
    const dir = `/var/lib/pressluft/backups/bkp/${backupId}`;
    expect(listed.locations).toEqual([{ kind: 'node', nodeId: expect.any(String), path: dir }]);
    // On the node: root 0700 dirs, 0600 files whose sha256 is the recorded one, no temp dir left behind.
    expect(await onNode(`stat -c '%U %a' /var/lib/pressluft/backups /var/lib/pressluft/backups/bkp ${dir}`)).toBe('root 700\nroot 700\nroot 700');
    expect(await onNode(`cd ${dir} && stat -c '%n %U %a' * | sort`)).toBe(
      ['code.tar.gz root 600', 'db.sql.gz root 600', 'files.tar.gz root 600', 'manifest.json root 600'].join('\n'),
    );
    for (const p of listed.parts) expect(await onNode(`sha256sum ${dir}/${p.file} | cut -d' ' -f1`)).toBe(p.sha256);
    expect(await onNode(`ls -A /var/lib/pressluft/backups/bkp`)).toBe(backupId);
    expect(await onNode(`zcat ${dir}/db.sql.gz | grep -c 'Proof of backup'`)).toBe('1');
    expect(await onNode(`tar -tzf ${dir}/files.tar.gz | grep -c pl-proof.txt`)).toBe('1');
    expect(await onNode(`ls -A ${BASE}/.pl | grep -c cnf || true`)).toBe('0'); // the DB client option file is gone
  });

  it('restores the post and the upload after both were deleted, via RESTORING, and lists the pre-restore backup', async () => {
    await sql(`DELETE FROM wp_posts WHERE ID = ${postId}`);
    await onNode(`rm ${BASE}/${UPLOAD}`);
    expect((await http(`/?p=${postId}`)).status).toBe(404);
    // A missing upload falls through to WordPress (404 or a canonical redirect), never the file.
    const gone = await http('/wp-content/uploads/2026/12/pl-proof.txt');
    expect([gone.status === 200, gone.body.includes('upload-proof')]).toEqual([false, false]);

    const res = await api('POST', `${env()}/restore`, { backupId });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ restoreId: expect.any(String), preRestoreBackupId: expect.any(String), job: { kind: 'site.restore' } });
    expect(await siteState()).toBe('RESTORING');
    const busy = await api('POST', `${env()}/backups`, { scope: 'db' });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('SITE_BUSY');
    await succeed(res.body.job.id);
    expect(await siteState()).toBe('ACTIVE');

    expect(await sql(`SELECT post_title FROM wp_posts WHERE ID = ${postId}`)).toBe('Proof of backup');
    expect((await http(`/?p=${postId}`)).body).toContain('Proof of backup');
    expect((await http('/wp-content/uploads/2026/12/pl-proof.txt')).body).toBe('upload-proof\n');
    expect(await onNode(`stat -c '%U:%G' ${BASE}/${UPLOAD}`)).toBe('s-bkp:w-bkp');

    const pre = (await backups()).find((b) => b.id === res.body.preRestoreBackupId);
    expect(pre).toMatchObject({ state: 'completed', purpose: 'pre-restore', restoreId: res.body.restoreId, scope: 'full' });
    // The pre-restore backup holds the state the restore overwrote: the deleted post is not in it.
    expect(await onNode(`zcat /var/lib/pressluft/backups/bkp/${pre!.id}/db.sql.gz | grep -c 'Proof of backup' || true`)).toBe('0');
    const types = (await events()).map((e) => e.type);
    const order = ['RestoreRequested', 'BackupCompleted', 'RestoreOverwriteAuthorized', 'RestoreCompleted'].map((type) => types.lastIndexOf(type));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('restoring the same backup again leaves the same state', async () => {
    const before = await fingerprint();
    const res = await api('POST', `${env()}/restore`, { backupId });
    await succeed(res.body.job.id);
    expect(await fingerprint()).toBe(before);
    expect(await siteState()).toBe('ACTIVE');
  });

  it('refuses a backup with a flipped byte before overwriting anything: the site serves what it served, ACTIVE', async () => {
    await sql("UPDATE wp_posts SET post_title = 'Changed after the backup' WHERE post_name = 'proof-of-backup'");
    const dir = `/var/lib/pressluft/backups/bkp/${backupId}`;
    await onNode(`printf 'import sys\\np=sys.argv[1]\\nb=bytearray(open(p,"rb").read())\\nb[len(b)//2]^=1\\nopen(p,"wb").write(b)\\n' > /tmp/flip.py && python3 /tmp/flip.py ${dir}/files.tar.gz`);
    const before = await fingerprint();

    const res = await api('POST', `${env()}/restore`, { backupId });
    expect(res.status).toBe(202);
    const job = await finished(res.body.job.id);
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('BACKUP_CORRUPT');
    expect(job.error.message).toContain('files.tar.gz');
    expect(await siteState()).toBe('ACTIVE');
    const failed = (await events()).filter((e) => e.type === 'RestoreFailed').pop()!;
    expect(failed.data).toMatchObject({ phase: 'pre-overwrite', rolledBack: false, error: { code: 'BACKUP_CORRUPT' } });
    expect(await fingerprint()).toBe(before);
    expect((await http(`/?p=${postId}`)).body).toContain('Changed after the backup');
  });

  it('a backup whose SSH connection is cut mid-dump completes by re-attaching, launched once', async () => {
    // The dump is held on the node: a session with a write lock on wp_posts makes mysqldump wait for it.
    await onNode(`nohup mariadb -e 'LOCK TABLES s_bkp.wp_posts WRITE; SELECT SLEEP(600)' > /dev/null 2>&1 &`);
    const res = await api('POST', `${env()}/backups`, { scope: 'db' });
    expect(res.status).toBe(202);
    let runId = '';
    try {
      await pollUntil(
        async () => (await sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'Waiting for table metadata lock'")) === '1',
        { timeoutMs: 120_000, intervalMs: 250, description: "the backup's dump waiting for the lock" },
      );
      runId = (await api('GET', `/api/v1/jobs/${res.body.job.id}/run-log`)).body.runs[0].runId;
      const opened = shell.connectionsOpened;
      shell.destroySockets(nodeId); // the TCP link under the pooled connection dies without a goodbye
      await pollUntil(() => shell.connectionsOpened > opened, { timeoutMs: 60_000, intervalMs: 100, description: 'reconnected' });
      expect(await onNode(`cat /var/lib/pressluft/runs/${runId}/status`)).toBe('running');
    } finally {
      await sql("SELECT CONCAT('KILL ', ID, ';') FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(600)%'").then((kills) => kills && sql(kills));
    }
    await succeed(res.body.job.id);
    expect((await onNode(`cat /var/lib/pressluft/runs/${runId}/launches`)).split('\n')).toHaveLength(1);
    const taken = (await backups()).find((b) => b.id === res.body.backupId)!;
    expect(taken).toMatchObject({ state: 'completed', scope: 'db' });
    for (const p of taken.parts) expect(await onNode(`sha256sum /var/lib/pressluft/backups/bkp/${res.body.backupId}/${p.file} | cut -d' ' -f1`)).toBe(p.sha256);
    expect(await siteState()).toBe('ACTIVE');
  });

  it('a backup that fills its disk fails with a clear error: nothing partial listed or left behind, the site serves', async () => {
    const dir = '/var/lib/pressluft/backups/bkp';
    const before = await onNode(`ls -A ${dir}`);
    // A 2 MiB filesystem over the environment's backups, mounted from the test machine (inside the
    // node, nspawn leaves no right to mount): the WordPress code part alone does not fit.
    await onNode(`mount -t tmpfs -o size=2m,mode=0700 pl-full-disk ${dir}`);
    let res: TestResponse;
    try {
      res = await api('POST', `${env()}/backups`, { scope: 'full' });
      expect(res.status).toBe(202);
      const job = await finished(res.body.job.id);
      expect(job).toMatchObject({ state: 'failed', error: { code: 'BACKUP_FAILED' } });
      expect(job.error.message).toMatch(/No space left on device/);
      expect(await onNode(`ls -A ${dir}`)).toBe(''); // no part and no temp dir left on the full disk
    } finally {
      await onNode(`umount ${dir}`);
    }
    expect((await backups()).find((b) => b.id === res!.body.backupId)).toMatchObject({ state: 'failed', parts: [] });
    expect(await onNode(`ls -A ${dir}`)).toBe(before); // the backups beneath are untouched
    expect(await siteState()).toBe('ACTIVE');
    expect((await http(`/?p=${postId}`)).status).toBe(200);
  });

  it('shows the DB password nowhere: API answers, job logs, events', async () => {
    const password = await onNode(`sed -n "s/.*DB_PASSWORD', '\\([^']*\\)'.*/\\1/p" ${BASE}/shared/wp-config.php`);
    expect(password.length).toBeGreaterThanOrEqual(16);
    const jobs = (await api('GET', `/api/v1/jobs?siteId=${siteId}&limit=100`)).body.items as { id: string }[];
    const logs = await Promise.all(jobs.map((j) => jobLog(j.id)));
    const all = [...responses, ...logs, JSON.stringify((await api('GET', '/api/v1/events?limit=500')).body)].join('\n');
    expect(all).toContain('site.restore');
    expect(all).not.toContain(password);
  });

  describe('with a restic repository over sftp on the test machine', () => {
    const password = `restic-e2e-${randomBytes(12).toString('hex')}`;
    let sftpd: LocalSshd;
    let keyDir: string;
    let repoDir: string;
    let sftpKey: string;
    let first: Record<string, any>;
    let second: Record<string, any>;
    const repository = () => `/api/v1/nodes/${nodeId}/backup-repository`;
    /** restic on the test machine, straight on the repository directory the sftp server writes. */
    const restic = (args: string[]) =>
      execFileSync('restic', ['-r', repoDir, '--no-cache', ...args], { env: { ...process.env, RESTIC_PASSWORD_FILE: join(keyDir, 'password') }, encoding: 'utf8' });
    const snapshotsTagged = (backup: string) => JSON.parse(restic(['snapshots', '--json', '--tag', `pl-backup=${backup}`])) as { id: string; tags: string[] }[];
    const repoBytes = () => Number(execFileSync('du', ['-sb', repoDir], { encoding: 'utf8' }).split('\t')[0]);
    const resticOf = (b: Record<string, any>) => b.locations.find((l: { kind: string }) => l.kind === 'restic');

    beforeAll(async () => {
      keyDir = mkdtempSync(join(tmpdir(), 'pl-restic-key-'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pl-restic-e2e', '-f', join(keyDir, 'id')]);
      sftpKey = readFileSync(join(keyDir, 'id'), 'utf8');
      writeFileSync(join(keyDir, 'password'), `${password}\n`, { mode: 0o600 });
      repoDir = scratchDirForTestUser('pl-restic-repo-');
      sftpd = await startLocalSshd([readFileSync(join(keyDir, 'id.pub'), 'utf8').trim()], {
        listen: `10.254.${node.n}.1`,
        extraConfig: [`Match User ${TEST_SSH_USER}`, '  ForceCommand internal-sftp', '  AllowTcpForwarding no'],
      });
    });

    afterAll(async () => {
      await sftpd?.stop();
      for (const dir of [keyDir, repoDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('sets the repository: its check initializes it over sftp; GET shows the url and status, never the password', async () => {
      const url = `sftp://${TEST_SSH_USER}@10.254.${node.n}.1:${sftpd.port}/${repoDir}`;
      const set = await api('PUT', repository(), { url, password, sftpKey });
      expect(set.status).toBe(202);
      expect(set.body).toMatchObject({ repository: { url, kind: 'sftp', sftpKey: true, status: 'pending' }, job: { kind: 'node.backup-repository-check' } });
      await succeed(set.body.job.id);
      expect((await api('GET', repository())).body).toMatchObject({ url, status: 'ok', checkPending: false, lastError: null });
      expect(JSON.parse(restic(['cat', 'config', '--json']))).toMatchObject({ version: expect.any(Number), id: expect.any(String) });
    });

    it('a backup goes to restic as one snapshot tagged with its id and is listed with it; a second after a small change adds little', async () => {
      await sql(
        "INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type) " +
          "VALUES (1, NOW(), UTC_TIMESTAMP(), 'Restic body', 'Proof through restic', '', 'publish', 'proof-through-restic', '', '', NOW(), UTC_TIMESTAMP(), '', 'post')",
      );
      await onNode(`echo restic-proof > ${BASE}/shared/uploads/2026/12/pl-restic.txt && chown s-bkp:w-bkp ${BASE}/shared/uploads/2026/12/pl-restic.txt`);
      const res = await api('POST', `${env()}/backups`, { scope: 'full' });
      await succeed(res.body.job.id);
      first = (await backups()).find((b) => b.id === res.body.backupId)!;
      const copy = resticOf(first);
      expect(copy).toMatchObject({ kind: 'restic', nodeId, snapshotId: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(copy.parts.map((p: { file: string }) => p.file)).toEqual(['db.sql', 'files.tar', 'code.tar']);
      expect(first.locations[0]).toMatchObject({ kind: 'node', path: `/var/lib/pressluft/backups/bkp/${first.id}` });
      const [snapshot] = snapshotsTagged(first.id);
      expect(snapshot.id).toBe(copy.snapshotId);
      expect(snapshot.tags).toEqual(expect.arrayContaining([`pl-backup=${first.id}`, `pl-site=${siteId}`, 'pl-env=bkp', 'pl-purpose=operator']));
      // restic holds the uncompressed dump and tar streams, each the size and sha256 recorded
      const dump = restic(['dump', snapshot.id, '/db.sql']);
      expect(dump).toContain('Proof through restic');
      const dbPart = copy.parts.find((p: { name: string }) => p.name === 'db');
      expect(Buffer.byteLength(dump)).toBe(dbPart.size);
      expect(execFileSync('sha256sum', { input: dump, encoding: 'utf8' }).split(' ')[0]).toBe(dbPart.sha256);
      expect(restic(['dump', snapshot.id, '/files.tar'])).toContain('restic-proof');
      expect(await onNode('ls -A /var/lib/pressluft/restic')).not.toMatch(/stage-/);

      const afterFirst = repoBytes();
      await sql("UPDATE wp_posts SET post_content = 'Restic body, edited' WHERE post_name = 'proof-through-restic'");
      const again = await api('POST', `${env()}/backups`, { scope: 'full' });
      await succeed(again.body.job.id);
      second = (await backups()).find((b) => b.id === again.body.backupId)!;
      expect(snapshotsTagged(second.id).map((s) => s.id)).toEqual([resticOf(second).snapshotId]);
      const added = repoBytes() - afterFirst;
      // everything unchanged (WordPress core, uploads, most rows) deduplicates: a small fraction is new
      expect(added).toBeGreaterThan(0);
      expect(added).toBeLessThan(afterFirst / 10);
      expect(await jobLog(again.body.job.id)).toMatch(/sent to restic .* as snapshot [0-9a-f]{64}/);
    });

    it('restores a backup whose local copy is gone from restic: post and upload back (HTTP and SQL)', async () => {
      const postOf = () => sql("SELECT post_title FROM wp_posts WHERE post_name = 'proof-through-restic'");
      await sql("DELETE FROM wp_posts WHERE post_name = 'proof-through-restic'");
      await onNode(`rm ${BASE}/shared/uploads/2026/12/pl-restic.txt && rm -rf /var/lib/pressluft/backups/bkp/${first.id}`);
      expect(await postOf()).toBe('');
      const res = await api('POST', `${env()}/restore`, { backupId: first.id });
      expect(res.status).toBe(202);
      await succeed(res.body.job.id);
      expect(await siteState()).toBe('ACTIVE');
      expect(await jobLog(res.body.job.id)).toContain(`the local copy of ${first.id} was gone: restored from restic`);
      expect(await postOf()).toBe('Proof through restic');
      const postId2 = Number(await sql("SELECT ID FROM wp_posts WHERE post_name = 'proof-through-restic'"));
      expect((await http(`/?p=${postId2}`)).body).toContain('Proof through restic');
      expect((await http('/wp-content/uploads/2026/12/pl-restic.txt')).body).toBe('restic-proof\n');
      expect(await onNode(`stat -c '%U:%G' ${BASE}/shared/uploads/2026/12/pl-restic.txt`)).toBe('s-bkp:w-bkp');
      // nothing fetched or secret is left on the node
      expect(await onNode('ls -A /var/lib/pressluft/backups/bkp')).not.toContain('.restic-fetch');
      expect(await onNode('ls -d /tmp/pl-restic-* 2>/dev/null || true')).toBe('');
    });

    it('deleting a backup forgets its snapshot in restic and keeps the others', async () => {
      const res = await api('DELETE', `/api/v1/sites/${siteId}/backups/${second.id}`);
      expect(res.status).toBe(202);
      await succeed(res.body.job.id);
      expect(snapshotsTagged(second.id)).toEqual([]);
      expect(snapshotsTagged(first.id)).toHaveLength(1);
      expect((await backups()).some((b) => b.id === second.id)).toBe(false);
    });

    it('restic check runs on request and its result is shown; a failing one is on the dashboard until a check passes', async () => {
      const checked = await api('POST', `${repository()}/check`);
      expect(checked.status).toBe(202);
      await succeed(checked.body.job.id);
      const ok = (await api('GET', repository())).body;
      expect(ok).toMatchObject({ status: 'ok', lastError: null });
      const types = (await api('GET', `/api/v1/nodes/${nodeId}/events`)).body.events.map((e: { type: string }) => e.type);
      expect(types.filter((x: string) => x === 'BackupRepositoryChecked').length).toBeGreaterThanOrEqual(2);

      const url = ok.url as string;
      const wrong = await api('PUT', repository(), { url, password: `${password}-wrong`, sftpKey });
      const failedJob = await finished(wrong.body.job.id);
      expect(failedJob.state).toBe('failed');
      expect((await api('GET', repository())).body).toMatchObject({ status: 'failed', lastError: { code: 'BACKUP_REPOSITORY_UNAVAILABLE' } });
      const session = await t.login();
      const dashboard = async () => (await fetch(`${t.url}/`, { headers: { cookie: session.cookie } })).text();
      expect(await dashboard()).toContain('restic check failed');
      const right = await api('PUT', repository(), { url, password, sftpKey });
      await succeed(right.body.job.id);
      expect((await api('GET', repository())).body.status).toBe('ok');
      expect(await dashboard()).not.toContain('restic check failed');
    });

    it('shows the restic password and the sftp key nowhere: API answers, job logs, events; then the repository is removed', async () => {
      const jobs = [
        ...((await api('GET', `/api/v1/jobs?siteId=${siteId}&limit=100`)).body.items as { id: string }[]),
        ...((await api('GET', `/api/v1/jobs?nodeId=${nodeId}&limit=100`)).body.items as { id: string }[]),
      ];
      const logs = await Promise.all(jobs.map((j) => jobLog(j.id)));
      const all = [...responses, ...logs, JSON.stringify((await api('GET', '/api/v1/events?limit=1000')).body)].join('\n');
      expect(all).toContain('node.backup-repository-check');
      const keyLine = sftpKey.split('\n')[1];
      for (const secret of [password, keyLine]) expect(all).not.toContain(secret);
      const removed = await api('DELETE', repository());
      expect(removed.status).toBe(200);
      expect((await api('GET', repository())).status).toBe(404);
    });
  });

  it('a final backup that cannot be taken removes nothing: the deletion is refused, the site serves, ACTIVE', async () => {
    // No tmpfs in a test node (no CAP_SYS_ADMIN): a file where the final backups' directory must be
    // makes the final backup fail the way a full disk does, before any part is complete.
    await onNode(`rm -rf ${DELETED} && touch ${DELETED}`);
    const before = await fingerprint();
    const res = await api('DELETE', `/api/v1/sites/${siteId}`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      version: expect.any(Number),
      job: { id: expect.any(String), kind: 'site.delete' },
      deletionId: expect.any(String),
      finalBackups: [{ environment: 'production', backupId: expect.any(String) }],
    });
    expect(await siteState()).toBe('DELETING');
    const job = await finished(res.body.job.id);
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('FINAL_BACKUP_FAILED');
    expect(await siteState()).toBe('ACTIVE');
    const history = await events();
    expect(history.filter((e) => e.type === 'SiteDeletionFailed').pop()!.data).toMatchObject({ phase: 'pre-removal', error: { code: 'FINAL_BACKUP_FAILED' } });
    expect(history.map((e) => e.type)).not.toContain('SiteDeletionAuthorized');
    expect(await fingerprint()).toBe(before);
    expect((await http(`/?p=${postId}`)).status).toBe(200);
    expect(await onNode(`ls -A /var/lib/pressluft/backups/bkp`)).toContain(backupId);
    expect(await sql('SELECT COUNT(*) FROM wp_posts WHERE ID = ' + postId)).toBe('1');
    await onNode(`rm -f ${DELETED}`);
  });

  it('every backup run prunes the final backups older than the retention and keeps the fresh ones', async () => {
    await onNode(`install -d -m 0700 ${DELETED} ${DELETED}/old-expired ${DELETED}/old-fresh && touch -d '40 days ago' ${DELETED}/old-expired && touch -d '2 days ago' ${DELETED}/old-fresh`);
    const res = await api('POST', `${env()}/backups`, { scope: 'db' });
    await succeed(res.body.job.id);
    expect(await onNode(`ls -A ${DELETED}`)).toBe('old-fresh');
    await onNode(`rm -rf ${DELETED}/old-fresh`);
  });

  it('deletes the site only after a final backup kept outside its folder, whose sha256s verify; it is listed, not restorable, and restores by hand', async () => {
    const res = await api('DELETE', `/api/v1/sites/${siteId}`);
    expect(res.status).toBe(202);
    const [planned] = res.body.finalBackups as { environment: string; backupId: string }[];
    await succeed(res.body.job.id);
    expect(await siteState()).toBe('DELETED');

    const dir = `${DELETED}/bkp-${planned!.backupId}`;
    const manifest = JSON.parse(await onNode(`cat ${dir}/manifest.json`)) as { parts: { name: string; file: string; sha256: string }[] } & Record<string, unknown>;
    expect(manifest).toMatchObject({ backupId: planned!.backupId, envSlug: 'bkp', scope: 'full', purpose: 'final' });
    expect(manifest.parts.map((p) => p.name)).toEqual(['db', 'files', 'code']);
    for (const p of manifest.parts) expect(await onNode(`sha256sum ${dir}/${p.file} | cut -d' ' -f1`)).toBe(p.sha256);
    expect(await onNode(`stat -c '%U %a' ${DELETED} ${dir}`)).toBe('root 700\nroot 700');
    // The site's folder, its ordinary backups and its database are gone; the final backup is not.
    expect(await onNode(`ls -d ${BASE} /var/lib/pressluft/backups/bkp 2>/dev/null || true`)).toBe('');
    expect(await onNode(`mariadb -N -e "SHOW DATABASES LIKE 's_bkp'"`)).toBe('');

    const listed = await backups();
    expect(listed).toEqual([
      expect.objectContaining({ id: planned!.backupId, state: 'completed', purpose: 'final', scope: 'full', locations: [{ kind: 'node', nodeId: expect.any(String), path: dir }] }),
    ]);
    expect(listed[0]!.parts.map((p: { sha256: string }) => p.sha256)).toEqual(manifest.parts.map((p) => p.sha256));
    const types = (await events()).map((e) => e.type);
    const order = ['SiteDeletionRequested', 'BackupCompleted', 'SiteDeletionAuthorized', 'SiteDeleted'].map((type) => types.lastIndexOf(type));
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const restore = await api('POST', `${env()}/restore`, { backupId: planned!.backupId });
    expect(restore.status).toBe(422);
    expect(restore.body.code).toBe('BACKUP_NOT_RESTORABLE');

    // The manual restore recipe of docs/backups.md ("Restoring a final backup by hand"), step by step.
    await onNode(`python3 /usr/local/lib/pressluft/pl-backup.py verify --dir ${dir}`);
    await onNode(`mariadb -e 'CREATE DATABASE bkp_restored' && zcat ${dir}/db.sql.gz | mariadb bkp_restored`);
    expect(await onNode(`mariadb -N -e "SELECT COUNT(*) FROM bkp_restored.wp_posts WHERE post_name = 'proof-of-backup'"`)).toBe('1');
    await onNode(`install -d -m 0700 /root/bkp-restored && tar --numeric-owner -xzpf ${dir}/files.tar.gz -C /root/bkp-restored && tar --numeric-owner -xzpf ${dir}/code.tar.gz -C /root/bkp-restored`);
    expect(await onNode(`cat /root/bkp-restored/${UPLOAD}`)).toBe('upload-proof');
    expect(await onNode(`test -f /root/bkp-restored/${String(manifest.releaseId)}/wp-includes/version.php && echo ok`)).toBe('ok');
    await onNode(`mariadb -e 'DROP DATABASE bkp_restored' && rm -rf /root/bkp-restored`);
  });
});
