import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory holds the database (every event, password hashes, session and token digests) and
 * the keys: nobody but the service user may read it. Creates it 0700 and tightens what is already
 * there (directories 0700, files 0600), whether Pressluft runs from a checkout, the CLI or install.sh.
 * Entries owned by someone else are left alone, and so is everything below them: on a server whose
 * data directory is also the local node's management home, bootstrap.yml puts root's own 0700
 * directories there (bundles/, runs/, uploads/ of the node entry point), which the service user may
 * neither change nor read.
 */
export function securePrivateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0);
}

function tighten(path: string, depth: number): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return;
  const wanted = stat.isDirectory() ? 0o700 : 0o600;
  if ((stat.mode & 0o777) !== wanted) chmodSync(path, wanted);
  if (stat.isDirectory() && depth < 8) for (const entry of readdirSync(path)) tighten(join(path, entry), depth + 1);
}
