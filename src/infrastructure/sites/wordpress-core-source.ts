import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { list } from 'tar';
import { WordPressCoreArchive, WordPressCoreSource } from '../../application/ports/wordpress-core.port';
import { DomainError } from '../../domain/common/domain-error';

export interface WordPressCoreSourceOptions {
  /** PRESSLUFT_WORDPRESS_ARCHIVE: a release archive on the control plane; unset = download. */
  readonly archive?: string;
  /** Where downloads are cached (`<dataDir>/wordpress`). */
  readonly cacheDir: string;
  /** Base of the release downloads and the version API (https://wordpress.org, https://api.wordpress.org). */
  readonly downloadBase?: string;
  readonly apiBase?: string;
}

const VERSION = /^\$wp_version\s*=\s*'([0-9]+\.[0-9]+(?:\.[0-9]+)?[A-Za-z0-9.-]*)'\s*;/m;

/**
 * WordPress core for new sites and core updates. A configured archive is checked once per change of
 * its size or mtime: every entry under `wordpress/`, and $wp_version read from wp-includes/version.php.
 * Without one, the latest release is looked up at api.wordpress.org, downloaded with its published
 * SHA-1 checksum (wordpress.org publishes `<archive>.sha1`), verified and cached in the data directory.
 */
export class ArchiveWordPressCoreSource extends WordPressCoreSource {
  private cached: { key: string; archive: WordPressCoreArchive } | null = null;

  constructor(private readonly options: WordPressCoreSourceOptions) {
    super();
  }

  async archive(signal?: AbortSignal): Promise<WordPressCoreArchive> {
    const path = this.options.archive ? this.options.archive : await this.download(signal);
    if (!existsSync(path)) {
      throw new DomainError('WORDPRESS_ARCHIVE_UNAVAILABLE', `PRESSLUFT_WORDPRESS_ARCHIVE names ${path}, which does not exist`, { path });
    }
    const st = statSync(path);
    const key = `${path}|${st.size}|${st.mtimeMs}`;
    if (this.cached?.key === key) return this.cached.archive;
    const archive = await inspectArchive(path, st.size);
    this.cached = { key, archive };
    return archive;
  }

  private async download(signal?: AbortSignal): Promise<string> {
    const api = this.options.apiBase ?? 'https://api.wordpress.org';
    const base = this.options.downloadBase ?? 'https://wordpress.org';
    const unavailable = (what: string, err: unknown) =>
      new DomainError(
        'WORDPRESS_ARCHIVE_UNAVAILABLE',
        `could not ${what} (${err instanceof Error ? err.message : String(err)}); set PRESSLUFT_WORDPRESS_ARCHIVE to a WordPress release archive on this machine`,
      );
    let version: string;
    try {
      const res = await fetch(`${api}/core/version-check/1.7/`, { signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { offers?: Array<{ response?: string; current?: string }> };
      const offer = body.offers?.find((o) => o.response === 'upgrade' || o.response === 'latest') ?? body.offers?.[0];
      if (!offer?.current || !/^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(offer.current)) throw new Error('no current version in the answer');
      version = offer.current;
    } catch (err) {
      throw unavailable('look up the latest WordPress release', err);
    }
    mkdirSync(this.options.cacheDir, { recursive: true, mode: 0o700 });
    const file = join(this.options.cacheDir, `wordpress-${version}.tar.gz`);
    if (existsSync(file)) return file;
    const url = `${base}/wordpress-${version}.tar.gz`;
    let bytes: Buffer;
    let expected: string;
    try {
      const [archive, sum] = await Promise.all([fetch(url, { signal }), fetch(`${url}.sha1`, { signal })]);
      if (!archive.ok || !sum.ok) throw new Error(`HTTP ${archive.status}/${sum.status}`);
      bytes = Buffer.from(await archive.arrayBuffer());
      expected = (await sum.text()).trim().split(/\s+/)[0].toLowerCase();
    } catch (err) {
      throw unavailable(`download ${url}`, err);
    }
    const actual = createHash('sha1').update(bytes).digest('hex');
    if (!/^[0-9a-f]{40}$/.test(expected) || actual !== expected) {
      throw new DomainError('WORDPRESS_ARCHIVE_INVALID', `${url} does not match its published SHA-1 (expected ${expected}, got ${actual})`, { url });
    }
    const partial = `${file}.partial`;
    writeFileSync(partial, bytes, { mode: 0o600 });
    renameSync(partial, file);
    return file;
  }
}

/** Reads the archive once: its sha256, its layout (all under wordpress/) and its version. */
export async function inspectArchive(path: string, size: number): Promise<WordPressCoreArchive> {
  const invalid = (message: string) => new DomainError('WORDPRESS_ARCHIVE_INVALID', `${path}: ${message}`, { path });
  const hash = createHash('sha256');
  let version: string | null = null;
  let outside: string | null = null;
  let entries = 0;
  const hashing = createReadStream(path);
  hashing.on('data', (chunk) => hash.update(chunk));
  const hashed = new Promise<void>((resolve, reject) => hashing.on('end', resolve).on('error', reject));
  try {
    await list({
      file: path,
      onReadEntry: (entry) => {
        entries++;
        const name = entry.path.replace(/^\.\//, '');
        if (!(name === 'wordpress/' || name.startsWith('wordpress/'))) outside ??= name;
        if (name === 'wordpress/wp-includes/version.php') {
          const chunks: Buffer[] = [];
          entry.on('data', (c: Buffer) => chunks.push(c));
          entry.on('end', () => (version = VERSION.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? null));
        } else entry.resume();
      },
    });
    await hashed;
  } catch (err) {
    hashing.destroy();
    throw invalid(`not a readable .tar.gz (${err instanceof Error ? err.message : String(err)})`);
  }
  if (entries === 0) throw invalid('not a readable .tar.gz (no entries)');
  if (outside) throw invalid(`"${outside}" is outside the top-level wordpress/ folder (expected the wordpress.org layout)`);
  if (!version) throw invalid('wordpress/wp-includes/version.php with $wp_version is missing');
  return { path, sha256: hash.digest('hex'), size, version };
}
