import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout/install root (the folder with Pressluft's package.json), found by walking up from this
 * file: the same answer from src/ (ts-jest, ts-node) and from dist/src/ (npm run build), so views and
 * static files are read from src/interfaces/pages/ in both cases.
 */
export function projectRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pressluft') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Pressluft's package.json above ${start}`);
    dir = parent;
  }
}

export const PAGES_DIR = join(projectRoot(), 'src', 'interfaces', 'pages');
