import { DomainError, RuleViolation } from '../common/domain-error';
import type {
  RecordBackupRepositoryCheck,
  RemoveBackupRepository,
  RequestBackupRepositoryCheck,
  SetBackupRepository,
} from './node.commands';
import type { BackupRepositoryCheckReason, NodeEvent } from './node.events';

/*
 * A node's restic repository (docs/backups.md, "restic"): where every backup of the node's sites is
 * sent besides its local copy. Its password and sftp key are secrets: they are validated here and
 * never appear in an event (the handler seals them, the events only say that a key exists).
 */

export const BACKUP_REPOSITORY_RULES = {
  /** url is an absolute path on the node or sftp:user@host:/path (INVALID_BACKUP_REPOSITORY). */
  urlMustBeLocalPathOrSftp: 'backup-repository-url-must-be-local-path-or-sftp',
  /** 8 to 1024 characters on one line: restic reads the first line of its password file (INVALID_BACKUP_REPOSITORY). */
  passwordMustBeOneLine: 'backup-repository-password-must-be-one-line',
  /** An sftp repository needs the private key the node logs in with; a local one takes none (INVALID_BACKUP_REPOSITORY). */
  sftpNeedsKey: 'backup-repository-sftp-needs-a-key',
  /** Nothing to remove or check (BACKUP_REPOSITORY_NOT_FOUND). */
  mustExist: 'backup-repository-must-exist',
  /** A decommissioned node takes no repository (INVALID_STATE_TRANSITION). */
  notOnDecommissionedNode: 'backup-repository-not-on-decommissioned-node',
} as const;

export type BackupRepositoryKind = 'local' | 'sftp';

/** What a repository url says, for the playbooks (restic's -r and the ssh command of an sftp one). */
export interface BackupRepositoryLocation {
  readonly kind: BackupRepositoryKind;
  /** As restic takes it: the path, or sftp:user@host:/path. */
  readonly url: string;
  readonly path: string;
  readonly sftp: { readonly user: string; readonly host: string; readonly port: number } | null;
}

export interface NodeBackupRepository {
  readonly repositoryId: string;
  readonly url: string;
  readonly kind: BackupRepositoryKind;
  /** A check is queued or running (a second request records nothing). */
  readonly checkPending: boolean;
}

const PATH = /^(\/[A-Za-z0-9._@+-]+)+\/?$/;
const SFTP = /^sftp:([a-z_][a-z0-9_.-]{0,31})@([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\]):(\/.*)$/;
const SFTP_URL = /^sftp:\/\/([a-z_][a-z0-9_.-]{0,31})@([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?\/(\/.*)$/;

function repositoryError(field: string, message: string, rule: string): DomainError {
  return new DomainError('INVALID_BACKUP_REPOSITORY', message, { field, rule }, rule);
}

function checkedPath(path: string): string {
  if (!PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..') || path.replace(/\/+$/, '') === '') {
    throw repositoryError('url', 'the repository path must be absolute, without . or .. segments, of letters, digits and . _ @ + -', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp);
  }
  return path.replace(/\/+$/, '');
}

/** `/srv/restic`, `sftp:user@host:/srv/restic` or `sftp://user@host:2222//srv/restic`. */
export function parseBackupRepositoryUrl(value: unknown): BackupRepositoryLocation {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw repositoryError('url', 'url must be a string of 1 to 512 characters', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp);
  }
  const url = value.trim();
  if (url.startsWith('/')) {
    const path = checkedPath(url);
    return { kind: 'local', url: path, path, sftp: null };
  }
  const scp = SFTP.exec(url);
  const full = scp ? null : SFTP_URL.exec(url);
  if (!scp && !full) {
    throw repositoryError('url', 'url must be an absolute path on the node or sftp:user@host:/path (sftp://user@host:port//path for another port)', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp);
  }
  const [, user, host, portText, rawPath] = scp ? [scp[0], scp[1], scp[2], undefined, scp[3]] : (full as RegExpExecArray);
  const port = portText === undefined ? 22 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw repositoryError('url', 'the sftp port must be from 1 to 65535', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp);
  }
  const path = checkedPath(rawPath);
  const normalized = port === 22 ? `sftp:${user}@${host}:${path}` : `sftp://${user}@${host}:${port}/${path}`;
  return { kind: 'sftp', url: normalized, path, sftp: { user, host, port } };
}

export function checkBackupRepositoryPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < 8 || value.length > 1024 || /[\r\n\0]/.test(value)) {
    throw repositoryError('password', 'password must be 8 to 1024 characters on one line', BACKUP_REPOSITORY_RULES.passwordMustBeOneLine);
  }
  return value;
}

export function checkSftpKey(kind: BackupRepositoryKind, value: unknown): string | null {
  if (kind === 'local') {
    if (value !== undefined && value !== null && value !== '') {
      throw repositoryError('sftpKey', 'a local repository takes no sftpKey', BACKUP_REPOSITORY_RULES.sftpNeedsKey);
    }
    return null;
  }
  if (typeof value !== 'string' || value.length > 16384 || !/^-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*$/.test(value.trim() + '\n')) {
    throw repositoryError('sftpKey', 'an sftp repository needs sftpKey: the PEM/OpenSSH private key the node logs in with (unencrypted, up to 16 KiB)', BACKUP_REPOSITORY_RULES.sftpNeedsKey);
  }
  return value;
}

export function setBackupRepository(cmd: SetBackupRepository, nodeId: string, decommissioned: boolean): NodeEvent[] {
  if (decommissioned) {
    throw new RuleViolation(BACKUP_REPOSITORY_RULES.notOnDecommissionedNode, 'INVALID_STATE_TRANSITION', `Node ${nodeId} is decommissioned; it takes no backup repository`, { nodeId });
  }
  const location = parseBackupRepositoryUrl(cmd.url);
  checkBackupRepositoryPassword(cmd.password);
  const key = checkSftpKey(location.kind, cmd.sftpKey);
  // Always recorded (a new password cannot be compared, it is never in the state): the check opens or initializes it.
  return [
    { type: 'NodeBackupRepositorySet', data: { nodeId, repositoryId: cmd.repositoryId, url: location.url, kind: location.kind, sftpKey: key !== null } },
    { type: 'BackupRepositoryCheckRequested', data: { nodeId, repositoryId: cmd.repositoryId, reason: 'set' } },
  ];
}

function notFound(nodeId: string): RuleViolation {
  return new RuleViolation(BACKUP_REPOSITORY_RULES.mustExist, 'BACKUP_REPOSITORY_NOT_FOUND', `Node ${nodeId} has no backup repository`, { nodeId });
}

export function removeBackupRepository(_cmd: RemoveBackupRepository, nodeId: string, repo: NodeBackupRepository | null): NodeEvent[] {
  if (!repo) throw notFound(nodeId);
  return [{ type: 'NodeBackupRepositoryRemoved', data: { nodeId, repositoryId: repo.repositoryId } }];
}

export function requestBackupRepositoryCheck(cmd: RequestBackupRepositoryCheck, nodeId: string, repo: NodeBackupRepository | null): NodeEvent[] {
  if (!repo) throw notFound(nodeId);
  if (repo.checkPending) return [];
  const reason: BackupRepositoryCheckReason = cmd.reason;
  return [{ type: 'BackupRepositoryCheckRequested', data: { nodeId, repositoryId: repo.repositoryId, reason } }];
}

/** A check of a repository that was replaced or removed meanwhile is stale: nothing is recorded. */
export function recordBackupRepositoryCheck(cmd: RecordBackupRepositoryCheck, nodeId: string, repo: NodeBackupRepository | null): NodeEvent[] {
  if (!repo || repo.repositoryId !== cmd.repositoryId || !repo.checkPending) return [];
  if (cmd.ok) return [{ type: 'BackupRepositoryChecked', data: { nodeId, repositoryId: repo.repositoryId, url: repo.url } }];
  return [{ type: 'BackupRepositoryCheckFailed', data: { nodeId, repositoryId: repo.repositoryId, url: repo.url, error: cmd.error ?? { code: 'BACKUP_REPOSITORY_CHECK_FAILED', message: 'restic check failed' } } }];
}
