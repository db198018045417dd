import { Injectable } from '@nestjs/common';
import { parseBackupRepositoryUrl } from '../../../domain/node/node-backup-repository';
import { BackupRepositorySecretStore } from '../../ports/backup-repository-secrets.port';
import { JobContext, JobFailure } from '../../ports/job-queue.port';
import { SqlReader } from '../../ports/sql-reader.port';
import type { BackupRepositoryRow } from './backup-repository.view';

/** The node's repository as a job uses it: which one, and the playbook variables that reach it. */
export interface ResticTarget {
  readonly repositoryId: string;
  readonly url: string;
  /** restic_repository (no secret), restic_password and restic_sftp_key: the secrets are registered with the job. */
  readonly vars: Record<string, unknown>;
}

/** Every playbook that may touch restic gets restic_repository: null when the node has none. */
export const NO_RESTIC: Record<string, unknown> = { restic_repository: null };

/**
 * Opens the node's repository for a job: its url from rm_backup_repositories and its sealed secrets,
 * which are registered with the job (ctx.addSecret) before anything can print them; they reach the
 * node only in the run's 0600 vars file.
 */
@Injectable()
export class ResticAccess {
  constructor(
    private readonly sql: SqlReader,
    private readonly secrets: BackupRepositorySecretStore,
  ) {}

  /** The node's repository, or null when it has none. */
  forNode(nodeId: string, ctx: JobContext): ResticTarget | null {
    const row = this.sql.get<BackupRepositoryRow>('SELECT * FROM rm_backup_repositories WHERE node_id = ?', [nodeId]);
    if (!row) return null;
    const secrets = this.secrets.get(nodeId, row.repository_id);
    if (!secrets) {
      throw new JobFailure('BACKUP_REPOSITORY_UNAVAILABLE', `the secrets of node ${nodeId}'s backup repository are missing; set the repository again`, false);
    }
    ctx.addSecret(secrets.password);
    if (secrets.sftpKey) ctx.addSecret(secrets.sftpKey);
    const location = parseBackupRepositoryUrl(row.url);
    return {
      repositoryId: row.repository_id,
      url: row.url,
      vars: {
        restic_repository: {
          kind: location.kind,
          url: location.url,
          ...(location.sftp ? { sftp_user: location.sftp.user, sftp_host: location.sftp.host, sftp_port: location.sftp.port } : {}),
        },
        restic_password: secrets.password,
        ...(secrets.sftpKey ? { restic_sftp_key: secrets.sftpKey } : {}),
      },
    };
  }
}
