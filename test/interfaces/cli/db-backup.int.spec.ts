import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { appendFiller } from '../../support/event-chain';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/** Issue 13.14: `pressluft db backup FILE` copies the live database consistently while the service writes; the copy restores. */
describe('pressluft db backup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision')] });
    appendFiller(t.db, 20_000); // enough pages that the copy takes several backup steps
  });
  afterAll(() => t.close());

  it('a backup taken during a stream of writes is one consistent snapshot whose chain verifies, 0600; restoring it is copying it in', async () => {
    const env = { PRESSLUFT_DATA_DIR: t.dataDir, PRESSLUFT_LOG_LEVEL: 'error' };
    const file = join(t.dataDir, 'backups', 'pressluft-backup.db');
    mkdirSync(join(t.dataDir, 'backups'));
    const before = t.eventCount();
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await t.request('POST', '/api/v1/nodes', { name: `backup-node-${written}`, host: `10.40.${Math.floor(written / 250)}.${(written % 250) + 1}` });
        expect(res.status).toBe(202);
        written++;
      }
    })();
    const backup = await runCli(['db', 'backup', file], env);
    writing = false;
    await writer;
    expect([backup.code, backup.stderr]).toEqual([0, '']);
    const report = JSON.parse(backup.stdout);
    expect(report).toMatchObject({ file, events: expect.any(Number), headPosition: expect.any(Number), bytes: expect.any(Number) });
    expect(written).toBeGreaterThan(0);
    expect(report.events).toBeGreaterThanOrEqual(before);
    expect(report.events).toBeLessThanOrEqual(t.eventCount());
    expect(report.headPosition).toBe(report.events);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The documented restore: the copy becomes pressluft.db of a (stopped) data directory; the chain verifies.
    const restored = join(t.dataDir, 'restored');
    mkdirSync(restored);
    renameSync(file, join(restored, 'pressluft.db'));
    const verify = await runCli(['--json', 'events', 'verify'], { ...env, PRESSLUFT_DATA_DIR: restored });
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toEqual({ ok: true, checked: report.events });
    // A backup never overwrites.
    const again = await runCli(['db', 'backup', join(restored, 'pressluft.db')], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists; a backup never overwrites/);
  }, 120_000);

  it('onto a new server: without the secret.key saved with it, or with another one, nothing starts and no key is made; with it, the same SSH key and site secrets', async () => {
    const env = { PRESSLUFT_DATA_DIR: t.dataDir, PRESSLUFT_LOG_LEVEL: 'error' };
    const node = (await t.request('POST', '/api/v1/nodes', { name: 'new-server-node', host: '10.41.0.1' })).body.node;
    const site = (await t.request('POST', '/api/v1/sites', { name: 'Moved', nodeId: node.id, domain: 'moved.example.com', adminEmail: 'a@example.com' })).body.site;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${site.id}`)).body.state === 'ACTIVE', { timeoutMs: 20_000 });
    const publicKey = (await runCli(['ssh-key'], env)).stdout.trim();
    expect(publicKey).toMatch(/^ssh-ed25519 /);
    const fresh = join(t.dataDir, 'new-server');
    mkdirSync(fresh);
    expect((await runCli(['db', 'backup', join(fresh, 'pressluft.db')], env)).code).toBe(0);
    const onFresh = (args: string[]) => runCli(args, { ...env, PRESSLUFT_DATA_DIR: fresh });
    const lastLine = (text: string) => text.trim().split('\n').pop();

    // The database alone (the ssh/ folder and secret.key forgotten): refused, and no new key is made.
    const bare = await onFresh(['ssh-key']);
    expect([bare.code, lastLine(bare.stderr)]).toEqual([1, expect.stringMatching(/secret\.key is missing, but this data directory holds secrets sealed with it \(sites' secrets in the database\): put back the secret\.key/)]);
    expect(existsSync(join(fresh, 'secret.key'))).toBe(false);
    expect(existsSync(join(fresh, 'ssh'))).toBe(false);
    // Another server's key: refused by name.
    writeFileSync(join(fresh, 'secret.key'), randomBytes(32), { mode: 0o600 });
    const wrong = await onFresh(['ssh-key']);
    expect([wrong.code, lastLine(wrong.stderr)]).toEqual([1, expect.stringMatching(/secret\.key does not open the sites' secrets in this database/)]);
    // The documented restore: the database, secret.key and ssh/ of the same backup.
    cpSync(join(t.dataDir, 'secret.key'), join(fresh, 'secret.key'));
    cpSync(join(t.dataDir, 'ssh'), join(fresh, 'ssh'), { recursive: true });
    const restored = await onFresh(['ssh-key']);
    expect([restored.code, restored.stdout.trim()]).toEqual([0, publicKey]);
    expect(JSON.parse((await onFresh(['--json', 'events', 'verify'])).stdout)).toMatchObject({ ok: true });
    // The ssh/ folder with another data directory's key: the sealed SSH key names what to put back.
    const other = join(t.dataDir, 'other-server');
    mkdirSync(other);
    cpSync(join(t.dataDir, 'ssh'), join(other, 'ssh'), { recursive: true });
    writeFileSync(join(other, 'secret.key'), randomBytes(32), { mode: 0o600 });
    const foreign = await runCli(['ssh-key'], { ...env, PRESSLUFT_DATA_DIR: other });
    expect([foreign.code, lastLine(foreign.stderr)]).toEqual([1, expect.stringMatching(/id_ed25519\.enc cannot be opened with this data directory's secret\.key/)]);
  }, 120_000);
});
