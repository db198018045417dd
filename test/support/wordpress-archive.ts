/**
 * A WordPress core archive in the wordpress.org layout (one top-level `wordpress/` folder) for tests,
 * built from Debian's /usr/share/wordpress inside a running FULL test node (the test machine has no
 * wordpress package, and no test may reach wordpress.org):
 *   - `cp -rL`: Debian's tree has relative and absolute symlinks into other packages (getid3,
 *     underscore, ca-bundle.crt …); following them gives a self-contained tree;
 *   - Debian's wp-config.php shim (it looks for /etc/wordpress/config-<host>.php) and .htaccess are dropped;
 *   - the tar is reproducible (sorted names, fixed mtime/owner, gzip -n): the same package version gives
 *     the same sha256.
 * The result is cached on the test machine in PL_WORDPRESS_ARCHIVE_CACHE (default
 * /var/tmp/pressluft-test-wordpress), keyed by the node's wordpress package version, so only the first
 * suite that needs it pays the ~3 s. Set PRESSLUFT_WORDPRESS_ARCHIVE to the returned path for a control
 * plane under test.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execOnNode, TestNode } from './test-nodes';

export interface WordPressArchive {
  /** absolute path of the .tar.gz on the test machine */
  path: string;
  sha256: string;
  size: number;
  /** $wp_version of wp-includes/version.php, e.g. "6.1.9" */
  version: string;
}

export function archiveCacheDir(): string {
  return process.env.PL_WORDPRESS_ARCHIVE_CACHE || '/var/tmp/pressluft-test-wordpress';
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function nodeSh(node: TestNode, script: string, timeoutMs = 120_000): Promise<string> {
  const r = await execOnNode(node, ['/bin/sh', '-c', script], timeoutMs);
  if (r.code !== 0) throw new Error(`on node ${node.n}: ${script}\n(rc=${r.code}) ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Build (or take from the cache) the core archive from the wordpress package of `node`'s template. */
export async function wordPressArchive(node: TestNode): Promise<WordPressArchive> {
  const pkg = (await nodeSh(node, "dpkg-query -W -f='${Version}' wordpress")).trim();
  if (!pkg) throw new Error(`node ${node.n} has no wordpress package (use a FULL node)`);
  const dir = archiveCacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `wordpress-${pkg.replace(/[^0-9A-Za-z.+~-]/g, '_')}.tar.gz`);
  if (!fs.existsSync(file)) {
    const b64 = await nodeSh(
      node,
      'set -e; t=$(mktemp -d); cp -rL /usr/share/wordpress "$t/wordpress"; ' +
        'rm -f "$t/wordpress/wp-config.php" "$t/wordpress/.htaccess"; rm -rf "$t/wordpress/wp-content/uploads"; ' +
        'tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$t" -cf - wordpress | gzip -n -6 | base64 -w0; ' +
        'rm -rf "$t"',
    );
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(b64, 'base64'));
    fs.renameSync(tmp, file); // atomic: parallel suites never see half a file
  }
  const version = /\$wp_version = '([^']+)'/.exec(
    await nodeSh(node, 'cat /usr/share/wordpress/wp-includes/version.php'),
  )?.[1];
  if (!version) throw new Error('cannot read $wp_version');
  return { path: file, sha256: sha256File(file), size: fs.statSync(file).size, version };
}

/**
 * A release archive (a docroot: WordPress core + wp-content, no uploads) made on the test machine from
 * the core archive plus `files` (relative path → content), as a deploy of type "archive" takes it.
 * Entries are at the top level (no `wordpress/` folder). Written to `outFile`; returns its sha256.
 */
export async function buildReleaseArchive(core: WordPressArchive, files: Record<string, string>, outFile: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(path.dirname(outFile), '.release-'));
  try {
    execFileSync('tar', ['-xzf', core.path, '-C', dir]);
    const root = path.join(dir, 'wordpress');
    for (const [rel, content] of Object.entries(files)) {
      if (rel.startsWith('/') || rel.split('/').includes('..')) throw new Error(`bad path ${rel}`);
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    }
    execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-czf', outFile, '-C', root, '.']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return sha256File(outFile);
}

/**
 * A "newer" WordPress core archive (the wordpress.org layout, a top-level `wordpress/` folder) made from
 * `core`: wp-includes/version.php says `version` and a database version one above the real one, so a
 * core update to it runs the database upgrade. `versionPhpTail` is appended to version.php (PHP that
 * every request and every CLI load of WordPress runs). Written to `outFile`.
 */
export async function buildCoreArchive(core: WordPressArchive, version: string, outFile: string, versionPhpTail = ''): Promise<WordPressArchive> {
  const { execFileSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(path.dirname(outFile), '.core-'));
  try {
    execFileSync('tar', ['-xzf', core.path, '-C', dir]);
    const file = path.join(dir, 'wordpress', 'wp-includes', 'version.php');
    let php = fs.readFileSync(file, 'utf8');
    php = php.replace(/\$wp_version = '[^']+';/, `$wp_version = '${version}';`);
    php = php.replace(/\$wp_db_version = (\d+);/, (_, n: string) => `$wp_db_version = ${Number(n) + 1};`);
    fs.writeFileSync(file, php + versionPhpTail);
    execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-czf', outFile, '-C', dir, 'wordpress']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { path: outFile, sha256: sha256File(outFile), size: fs.statSync(outFile).size, version };
}
