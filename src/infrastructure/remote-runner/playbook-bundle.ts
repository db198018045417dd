import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PlaybookBundle {
  /** sha256 (hex) of `bytes`: the bundle's name on nodes. */
  readonly hash: string;
  readonly bytes: Buffer;
}

/**
 * The playbooks/ directory as a reproducible tar.gz (sorted names, fixed mtime/owner, no gzip
 * timestamp), so identical content always has the same hash and is uploaded to a node only once.
 */
export async function buildPlaybookBundle(dir: string): Promise<PlaybookBundle> {
  if (!existsSync(join(dir, 'bin', 'pl-run'))) throw new Error(`${dir} is not a playbook bundle (bin/pl-run missing)`);
  const tar = await new Promise<Buffer>((resolve, reject) => {
    execFile(
      'tar',
      [
        '--create',
        '--format=gnu',
        '--sort=name',
        '--mtime=@0',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--mode=u+rw,go+r,go-w',
        '--exclude=__pycache__',
        '--exclude=*.pyc',
        '--exclude=*.retry',
        '--file=-',
        '--directory',
        dir,
        '.',
      ],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`tar failed: ${err.message} ${stderr.toString()}`)) : resolve(stdout)),
    );
  });
  const bytes = gzipSync(tar, { level: 9 });
  return { hash: createHash('sha256').update(bytes).digest('hex'), bytes };
}
