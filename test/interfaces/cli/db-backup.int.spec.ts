import { mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { appendFiller } from '../../support/event-chain';
import { startTestApp, TestApp } from '../../support/test-app';

/** Issue 13.14: `pressluft db backup FILE` copies the live database consistently while the service writes; the copy restores. */
describe('pressluft db backup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
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
});
