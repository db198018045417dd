import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../sqlite/database';
import { SecretBox } from './secret-box';
import { siteSecretContext } from './sqlite-site-secret-store';

const RESTORE_DOC = 'docs/control-plane-backup.md';

/**
 * The data directory's SecretBox, refusing a `secret.key` that cannot open what the directory already
 * holds. A database restored onto a new server without its key would otherwise get a fresh key: every
 * site's sealed passwords and the SSH key would be unreadable, and the control plane would fail later,
 * job by job. Checked on the secrets themselves (one site's blob, the sealed SSH key), so it needs no
 * record of the key and holds for databases written before this check existed.
 */
export function openDataDirSecretBox(dataDir: string, db: Database): SecretBox {
  const keyFile = join(dataDir, 'secret.key');
  const sample = db.prepare('SELECT site_id, environment, sealed FROM site_secrets LIMIT 1').get() as
    | { site_id: string; environment: string; sealed: Buffer }
    | undefined;
  const sealedSshKey = existsSync(join(dataDir, 'ssh', 'id_ed25519.enc'));
  if (!existsSync(keyFile) && (sample || sealedSshKey)) {
    const what = [sample ? "sites' secrets in the database" : '', sealedSshKey ? 'the SSH key in ssh/' : ''].filter(Boolean).join(' and ');
    throw new Error(`${keyFile} is missing, but this data directory holds secrets sealed with it (${what}): put back the secret.key saved with this backup (${RESTORE_DOC})`);
  }
  const box = SecretBox.openOrCreate(dataDir);
  if (sample) {
    try {
      box.open(sample.sealed, siteSecretContext(sample.site_id, sample.environment));
    } catch {
      throw new Error(`${keyFile} does not open the sites' secrets in this database (it belongs to another data directory): put back the secret.key saved with this backup (${RESTORE_DOC})`);
    }
  }
  return box;
}
