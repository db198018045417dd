import { BackupRepositorySecrets, BackupRepositorySecretStore } from '../../application/ports/backup-repository-secrets.port';
import type { Clock } from '../../application/ports/clock.port';
import type { Database } from '../sqlite/database';
import { SecretBox } from './secret-box';

/** backup_repository_secrets (migration 013): one sealed JSON blob per node, bound to the node and repository id. */
export class SqliteBackupRepositorySecretStore extends BackupRepositorySecretStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {
    super();
  }

  put(nodeId: string, repositoryId: string, secrets: BackupRepositorySecrets): void {
    const sealed = this.box.seal(JSON.stringify({ password: secrets.password, sftpKey: secrets.sftpKey }), context(nodeId, repositoryId));
    this.db
      .prepare(
        `INSERT INTO backup_repository_secrets (node_id, repository_id, sealed, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (node_id) DO UPDATE SET repository_id = excluded.repository_id, sealed = excluded.sealed, created_at = excluded.created_at`,
      )
      .run(nodeId, repositoryId, sealed, this.clock.nowIso());
  }

  get(nodeId: string, repositoryId: string): BackupRepositorySecrets | undefined {
    const row = this.db.prepare('SELECT sealed FROM backup_repository_secrets WHERE node_id = ? AND repository_id = ?').get(nodeId, repositoryId) as
      | { sealed: Buffer }
      | undefined;
    if (!row) return undefined;
    return JSON.parse(this.box.open(row.sealed, context(nodeId, repositoryId)).toString('utf8')) as BackupRepositorySecrets;
  }

  remove(nodeId: string): void {
    this.db.prepare('DELETE FROM backup_repository_secrets WHERE node_id = ?').run(nodeId);
  }
}

function context(nodeId: string, repositoryId: string): string {
  return `backup-repository:${nodeId}:${repositoryId}`;
}
