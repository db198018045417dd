import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { freePort, runCli, spawnCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';

/** Issue 13.8b: run from a checkout (CLI and serve, default umask 022), the data directory is 0700 and every file in it 0600. */
describe('the data directory is private in every mode', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pl-datadir-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Every entry under dir with a mode other than 0700 (directories) or 0600 (files). */
  function lax(dir: string): string[] {
    const out: string[] = [];
    const walk = (path: string) => {
      const st = statSync(path);
      const wanted = st.isDirectory() ? 0o700 : 0o600;
      if ((st.mode & 0o777) !== wanted) out.push(`${relative(dir, path) || '.'} ${(st.mode & 0o777).toString(8)}`);
      if (st.isDirectory()) readdirSync(path).forEach((e) => walk(join(path, e)));
    };
    walk(dir);
    return out;
  }

  it('a CLI command on a fresh directory, then serve on it: db, WAL, SHM and keys are 0600, directories 0700', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const env = { PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_LOG_LEVEL: 'error', PRESSLUFT_HEALTH_CHECK_INTERVAL_MS: '0' };
    const created = await runCli(['admin', 'create', '--email', 'perm@example.com'], env, 'a long enough password\n');
    expect(created.code).toBe(0);
    expect(lax(dataDir)).toEqual([]);
    const port = await freePort();
    const serve = spawnCli(['serve'], { ...env, PRESSLUFT_HTTP_PORT: String(port) });
    try {
      await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, { timeoutMs: 30_000, description: 'serve up' });
      const names = readdirSync(dataDir);
      expect(names).toEqual(expect.arrayContaining(['pressluft.db', 'pressluft.db-wal', 'pressluft.db-shm', 'secret.key', 'ssh']));
      expect(lax(dataDir)).toEqual([]);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
  }, 90_000);

  it('an existing directory made readable by others is tightened at start', async () => {
    const dataDir = join(root, 'lax', 'data');
    mkdirSync(join(dataDir, 'old'), { recursive: true });
    writeFileSync(join(dataDir, 'old', 'notes.txt'), 'x');
    chmodSync(join(dataDir, 'old', 'notes.txt'), 0o644);
    chmodSync(join(dataDir, 'old'), 0o755);
    chmodSync(dataDir, 0o755);
    const env = { PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_LOG_LEVEL: 'error' };
    expect((await runCli(['events', 'verify'], env)).code).toBe(0);
    expect(lax(dataDir)).toEqual([]);
  }, 60_000);

  // On an installed server the data directory is also the local node's management home, where
  // bootstrap.yml makes root's 0700 bundles/, runs/ and uploads/: the service user can neither chmod
  // nor even list them (readdir failed with EACCES, so every CLI command failed after the local bootstrap).
  it("leaves another user's directory and everything below it alone", async () => {
    if (process.getuid?.() !== 0) throw new Error('needs root (to make a directory of another user)');
    const dataDir = join(root, 'shared-home', 'data');
    const foreign = join(dataDir, 'bundles');
    mkdirSync(join(foreign, 'abc'), { recursive: true });
    writeFileSync(join(foreign, 'abc', 'bundle.yml'), 'x');
    chmodSync(join(foreign, 'abc', 'bundle.yml'), 0o644);
    chmodSync(foreign, 0o755);
    chownSync(foreign, 65534, 65534); // nobody's: not ours (the files below stay ours, so only a walk into it would change them)
    const env = { PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_LOG_LEVEL: 'error' };
    const r = await runCli(['events', 'verify'], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect((statSync(foreign).mode & 0o777).toString(8)).toBe('755');
    expect((statSync(join(foreign, 'abc', 'bundle.yml')).mode & 0o777).toString(8)).toBe('644');
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
  }, 60_000);
});
