/**
 * WordPress core for sites: a configured archive is checked for real (layout, version.php, sha256);
 * without one the latest release is looked up and downloaded with its published checksum — here from a
 * loopback server standing in for wordpress.org (no test reaches the internet), and from nothing at all
 * (a closed port) to see the clear error code.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveWordPressCoreSource } from '../../../src/infrastructure/sites/wordpress-core-source';

describe('WordPress core source', () => {
  let dir: string;
  const build = (name: string, root: string, version: string | null, extra: string[] = []) => {
    const tree = join(dir, `${name}-tree`);
    mkdirSync(join(tree, root, 'wp-includes'), { recursive: true });
    writeFileSync(join(tree, root, 'index.php'), '<?php\n');
    if (version) writeFileSync(join(tree, root, 'wp-includes', 'version.php'), `<?php\n$wp_db_version = 53496;\n$wp_version = '${version}';\n`);
    for (const f of extra) writeFileSync(join(tree, f), 'x');
    const file = join(dir, `${name}.tar.gz`);
    execFileSync('tar', ['-czf', file, '-C', tree, root, ...extra]);
    return file;
  };

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pl-wp-core-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a configured archive: version from wp-includes/version.php, sha256 and size of the file', async () => {
    const file = build('good', 'wordpress', '6.4.2');
    const archive = await new ArchiveWordPressCoreSource({ archive: file, cacheDir: join(dir, 'cache') }).archive();
    expect(archive).toEqual({
      path: file,
      version: '6.4.2',
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      size: readFileSync(file).length,
    });
  });

  it.each([
    ['an archive without the top-level wordpress/ folder', () => build('flat', 'site', '6.4.2'), /outside the top-level wordpress\//],
    ['an archive without version.php', () => build('nover', 'wordpress', null), /version\.php/],
    ['an archive with files beside wordpress/', () => build('extra', 'wordpress', '6.4.2', ['evil.php']), /"evil\.php" is outside/],
    ['a file that is not a .tar.gz', () => (writeFileSync(join(dir, 'junk.tar.gz'), 'junk'), join(dir, 'junk.tar.gz')), /not a readable/],
  ])('refuses %s: WORDPRESS_ARCHIVE_INVALID', async (_label, make, message) => {
    await expect(new ArchiveWordPressCoreSource({ archive: make(), cacheDir: join(dir, 'cache') }).archive()).rejects.toMatchObject({
      code: 'WORDPRESS_ARCHIVE_INVALID',
      message: expect.stringMatching(message),
    });
  });

  it('a configured archive that does not exist: WORDPRESS_ARCHIVE_UNAVAILABLE', async () => {
    await expect(new ArchiveWordPressCoreSource({ archive: join(dir, 'missing.tar.gz'), cacheDir: dir }).archive()).rejects.toMatchObject({
      code: 'WORDPRESS_ARCHIVE_UNAVAILABLE',
    });
  });

  describe('download (loopback stand-in for wordpress.org)', () => {
    let server: Server;
    let base: string;
    let release: Buffer;
    let sha1: string;
    beforeAll(async () => {
      release = readFileSync(build('release', 'wordpress', '6.5.1'));
      sha1 = createHash('sha1').update(release).digest('hex');
      server = createServer((req, res) => {
        if (req.url === '/core/version-check/1.7/') return res.end(JSON.stringify({ offers: [{ response: 'upgrade', current: '6.5.1' }] }));
        if (req.url === '/wordpress-6.5.1.tar.gz') return res.end(release);
        if (req.url === '/wordpress-6.5.1.tar.gz.sha1') return res.end(sha1);
        res.statusCode = 404;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('downloads the latest release, verifies its published SHA-1 and caches it in the data directory', async () => {
      const cacheDir = join(dir, 'dl-cache');
      const archive = await new ArchiveWordPressCoreSource({ cacheDir, apiBase: base, downloadBase: base }).archive();
      expect(archive).toMatchObject({ path: join(cacheDir, 'wordpress-6.5.1.tar.gz'), version: '6.5.1' });
      expect(readFileSync(archive.path).equals(release)).toBe(true);
    });

    it('a checksum mismatch is WORDPRESS_ARCHIVE_INVALID and caches nothing', async () => {
      sha1 = '0'.repeat(40);
      const cacheDir = join(dir, 'bad-cache');
      await expect(new ArchiveWordPressCoreSource({ cacheDir, apiBase: base, downloadBase: base }).archive()).rejects.toMatchObject({ code: 'WORDPRESS_ARCHIVE_INVALID' });
      expect(() => readFileSync(join(cacheDir, 'wordpress-6.5.1.tar.gz'))).toThrow();
    });

    it('nothing reachable is WORDPRESS_ARCHIVE_UNAVAILABLE, naming PRESSLUFT_WORDPRESS_ARCHIVE', async () => {
      const closed = 'http://127.0.0.1:9';
      await expect(new ArchiveWordPressCoreSource({ cacheDir: join(dir, 'x'), apiBase: closed, downloadBase: closed }).archive()).rejects.toMatchObject({
        code: 'WORDPRESS_ARCHIVE_UNAVAILABLE',
        message: expect.stringContaining('PRESSLUFT_WORDPRESS_ARCHIVE'),
      });
    });
  });
});
