import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/infrastructure/sqlite/database';
import { freePort, runCli, spawnCli } from '../../support/cli';
import { rechain } from '../../support/event-chain';
import { pollUntil } from '../../support/poll-until';

/** Issue 13.13 + 13.14: signed chain anchors prove a cut tail and a recomputed log; serve refuses a broken chain. */
describe('events anchor / events verify --anchor / serve on a broken chain', () => {
  let root: string;
  let env: Record<string, string>;
  let anchorFile: string;
  let anchor: { position: number; hash: string; keyFingerprint: string; signature: string };
  const keyFile = () => env.PRESSLUFT_ANCHOR_KEY_FILE;

  /** A copy of the data directory to tamper with (the anchor key stays where it is). */
  function copyData(name: string): Record<string, string> {
    const dir = join(root, name);
    require('node:fs').mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(env.PRESSLUFT_DATA_DIR)) if (f.startsWith('pressluft.db')) copyFileSync(join(env.PRESSLUFT_DATA_DIR, f), join(dir, f));
    return { ...env, PRESSLUFT_DATA_DIR: dir };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pl-anchor-'));
    env = {
      PRESSLUFT_DATA_DIR: join(root, 'data'),
      PRESSLUFT_LOG_LEVEL: 'error',
      PRESSLUFT_ANCHOR_KEY_FILE: join(root, 'keys', 'anchor.pem'), // apart from the data directory
      PRESSLUFT_ANCHOR_OFFSITE_DIR: join(root, 'offsite'),
    };
    expect((await runCli(['admin', 'create', '--email', 'anchor@example.com'], env, 'a long enough password\n')).code).toBe(0);
    for (const name of ['one', 'two']) expect((await runCli(['token', 'create', '--name', name, '--scope', 'read'], env)).code).toBe(0);
    const r = await runCli(['events', 'anchor'], env);
    expect(r.code).toBe(0);
    anchor = JSON.parse(r.stdout);
    anchorFile = /anchor written to (\S+)/.exec(r.stderr)![1];
    // More events after the anchor: the log keeps extending it.
    expect((await runCli(['token', 'create', '--name', 'three', '--scope', 'read'], env)).code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('signs the head with an ed25519 key kept in its own 0600 file, and writes the anchor beside the off-site backups', () => {
    expect(anchor).toMatchObject({ format: 'pressluft-chain-anchor-v1', position: 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String) });
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile(), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(anchorFile.startsWith(join(root, 'offsite'))).toBe(true);
    expect(JSON.parse(readFileSync(anchorFile, 'utf8'))).toEqual(anchor);
    expect(statSync(anchorFile).mode & 0o777).toBe(0o600);
    const db = openDatabase({ file: join(env.PRESSLUFT_DATA_DIR, 'pressluft.db'), readonly: true });
    expect(db.prepare('SELECT hash FROM events WHERE global_position = 3').pluck().get()).toBe(anchor.hash);
    db.close();
  });

  it('the untouched log extends the anchor', async () => {
    const r = await runCli(['events', 'verify', '--anchor', anchorFile], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, checked: 4, anchor: { position: 3, hash: anchor.hash } });
  });

  it('a cut tail passes the plain chain check but not the anchor', async () => {
    const cut = copyData('cut');
    const db = openDatabase({ file: join(cut.PRESSLUFT_DATA_DIR, 'pressluft.db') });
    db.prepare('DELETE FROM events WHERE global_position >= 3').run();
    db.close();
    expect((await runCli(['events', 'verify'], cut)).code).toBe(0);
    const r = await runCli(['events', 'verify', '--anchor', anchorFile], cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/log ends at position 2, before the anchored position 3: events were cut off/);
  });

  it('a log rewritten with recomputed hashes passes the plain chain check but not the anchor', async () => {
    const rewritten = copyData('rewritten');
    const db = openDatabase({ file: join(rewritten.PRESSLUFT_DATA_DIR, 'pressluft.db') });
    db.prepare(`UPDATE events SET data = json_set(data, '$.name', 'renamed') WHERE global_position = 2`).run();
    rechain(db, 2);
    db.close();
    expect((await runCli(['events', 'verify'], rewritten)).code).toBe(0);
    const r = await runCli(['events', 'verify', '--anchor', anchorFile], rewritten);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the event at position 3 has another hash than the anchor: the log was rewritten/);
  });

  it('an altered or foreign anchor is refused (ANCHOR_INVALID)', async () => {
    const altered = join(root, 'altered.json');
    writeFileSync(altered, JSON.stringify({ ...anchor, position: 2 }));
    const r = await runCli(['events', 'verify', '--anchor', altered], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not signed by this installation/);
    const foreign = await runCli(['events', 'verify', '--anchor', anchorFile], { ...env, PRESSLUFT_ANCHOR_KEY_FILE: join(root, 'other-key.pem') });
    expect(foreign.code).toBe(1);
    expect(existsSync(join(root, 'other-key.pem'))).toBe(false); // verifying never creates a key
  });

  it('serve refuses to start on a broken chain and names where it broke; --allow-broken-chain starts anyway', async () => {
    const broken = copyData('broken');
    const db = openDatabase({ file: join(broken.PRESSLUFT_DATA_DIR, 'pressluft.db') });
    db.prepare(`UPDATE events SET data = json_set(data, '$.name', 'edited') WHERE global_position = 2`).run();
    db.close();
    const port = String(await freePort());
    const refused = await runCli(['serve'], { ...broken, PRESSLUFT_HTTP_PORT: port });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^pressluft: hash chain broken at position 2 \(event [0-9a-z]+\): hash does not match .*--allow-broken-chain\)\n$/);
    const serve = spawnCli(['serve', '--allow-broken-chain'], { ...broken, PRESSLUFT_HTTP_PORT: port });
    try {
      await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, { timeoutMs: 30_000, description: 'serve up' });
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
  }, 90_000);
});
