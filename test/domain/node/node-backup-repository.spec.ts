import { DomainError, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import { BACKUP_REPOSITORY_RULES, parseBackupRepositoryUrl } from '../../../src/domain/node/node-backup-repository';
import type { SetBackupRepository } from '../../../src/domain/node/node.commands';
import { nodeDecider } from '../../../src/domain/node/node.decider';
import type { NodeEvent } from '../../../src/domain/node/node.events';
import { given } from '../../support/decider-spec';

const nodeId = 'n1';
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const PASSWORD = 'correct horse battery';

const registered: NodeEvent = { type: 'NodeRegistered', data: { nodeId, name: 'web-1', host: '10.0.0.5', port: 22, user: 'root', hostKeyFingerprint: null } };
const READY: NodeEvent[] = [registered, { type: 'NodeBootstrapRequested', data: { nodeId } }, { type: 'NodeBootstrapped', data: { nodeId, facts: {} } }];
const set: SetBackupRepository = { type: 'SetBackupRepository', nodeId, repositoryId: 'r1', url: 'sftp:backup@10.254.9.1:/srv/restic', password: PASSWORD, sftpKey: KEY };
const repositorySet: NodeEvent = { type: 'NodeBackupRepositorySet', data: { nodeId, repositoryId: 'r1', url: 'sftp:backup@10.254.9.1:/srv/restic', kind: 'sftp', sftpKey: true } };
const checkRequested = (reason: 'set' | 'scheduled' | 'operator', repositoryId = 'r1'): NodeEvent => ({ type: 'BackupRepositoryCheckRequested', data: { nodeId, repositoryId, reason } });
const checked: NodeEvent = { type: 'BackupRepositoryChecked', data: { nodeId, repositoryId: 'r1', url: 'sftp:backup@10.254.9.1:/srv/restic' } };
const WITH_REPOSITORY = [...READY, repositorySet, checkRequested('set')];
const CHECKED = [...WITH_REPOSITORY, checked];

describe('node backup repository (restic)', () => {
  describe('SetBackupRepository', () => {
    it('given a ready node, when an sftp repository is set, then it is recorded without its secrets and a check is requested', () => {
      const events = given(nodeDecider, READY).when(set).then([repositorySet, checkRequested('set')]);
      expect(JSON.stringify(events)).not.toContain(PASSWORD);
      expect(JSON.stringify(events)).not.toContain('b3BlbnNzaC1rZXkt');
    });
    it('given a ready node, when a local path is set, then it is a local repository without key', () => {
      given(nodeDecider, READY)
        .when({ ...set, url: '/var/backups/restic/', sftpKey: undefined })
        .then([
          { type: 'NodeBackupRepositorySet', data: { nodeId, repositoryId: 'r1', url: '/var/backups/restic', kind: 'local', sftpKey: false } },
          checkRequested('set'),
        ]);
    });
    it('given a repository, when another is set, then it replaces it (new id) and its check is pending', () => {
      given(nodeDecider, CHECKED)
        .when({ ...set, repositoryId: 'r2', url: 'sftp://backup@host.example:2222//srv/r' })
        .thenState({ backupRepository: { repositoryId: 'r2', url: 'sftp://backup@host.example:2222//srv/r', kind: 'sftp', checkPending: true } });
    });
    it.each([
      ['relative path', { url: 'srv/restic' }, 'url', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp],
      ['.. in a path', { url: '/srv/../etc' }, 'url', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp],
      ['the root', { url: '/', sftpKey: undefined }, 'url', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp],
      ['another backend', { url: 's3:s3.amazonaws.com/bucket' }, 'url', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp],
      ['a shell character', { url: 'sftp:backup@host:/srv/$(id)' }, 'url', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp],
      ['a bad port', { url: 'sftp://backup@host:70000//srv' }, 'url', BACKUP_REPOSITORY_RULES.urlMustBeLocalPathOrSftp],
      ['a short password', { password: 'short' }, 'password', BACKUP_REPOSITORY_RULES.passwordMustBeOneLine],
      ['a password of two lines', { password: 'first line\nsecond' }, 'password', BACKUP_REPOSITORY_RULES.passwordMustBeOneLine],
      ['no password', { password: undefined }, 'password', BACKUP_REPOSITORY_RULES.passwordMustBeOneLine],
      ['sftp without a key', { sftpKey: undefined }, 'sftpKey', BACKUP_REPOSITORY_RULES.sftpNeedsKey],
      ['sftp with a public key', { sftpKey: 'ssh-ed25519 AAAA test' }, 'sftpKey', BACKUP_REPOSITORY_RULES.sftpNeedsKey],
      ['a local path with a key', { url: '/srv/restic' }, 'sftpKey', BACKUP_REPOSITORY_RULES.sftpNeedsKey],
    ])('given a ready node, when it is set with %s, then INVALID_BACKUP_REPOSITORY names the field', (_what, change, field, rule) => {
      const err = given(nodeDecider, READY)
        .when({ ...set, ...change })
        .thenThrows(DomainError, 'INVALID_BACKUP_REPOSITORY', rule) as DomainError;
      expect(err.details.field).toBe(field);
      expect(err.message).not.toContain(PASSWORD);
    });
    it('given a decommissioned node, when a repository is set, then it is refused', () => {
      given(nodeDecider, [...READY, { type: 'NodeDecommissioned', data: { nodeId } }])
        .when(set)
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', BACKUP_REPOSITORY_RULES.notOnDecommissionedNode);
    });
    it('given no node, when a repository is set, then NOT_FOUND', () => {
      given(nodeDecider).when(set).thenThrows(NotFound, 'NOT_FOUND');
    });
  });

  describe('parseBackupRepositoryUrl', () => {
    it('reads user, host, port and path of both sftp forms', () => {
      expect(parseBackupRepositoryUrl('sftp:backup@10.254.9.1:/srv/restic')).toEqual({
        kind: 'sftp',
        url: 'sftp:backup@10.254.9.1:/srv/restic',
        path: '/srv/restic',
        sftp: { user: 'backup', host: '10.254.9.1', port: 22 },
      });
      expect(parseBackupRepositoryUrl('sftp://backup@host.example:2222//srv/restic')).toMatchObject({ url: 'sftp://backup@host.example:2222//srv/restic', sftp: { port: 2222 } });
      expect(parseBackupRepositoryUrl('sftp://backup@host.example//srv/restic').url).toBe('sftp:backup@host.example:/srv/restic');
    });
  });

  describe('RemoveBackupRepository', () => {
    it('given a repository, when it is removed, then NodeBackupRepositoryRemoved and the node has none', () => {
      given(nodeDecider, CHECKED).when({ type: 'RemoveBackupRepository', nodeId }).then([{ type: 'NodeBackupRepositoryRemoved', data: { nodeId, repositoryId: 'r1' } }]);
      given(nodeDecider, CHECKED).when({ type: 'RemoveBackupRepository', nodeId }).thenState({ backupRepository: null });
    });
    it('given none, when it is removed, then BACKUP_REPOSITORY_NOT_FOUND', () => {
      given(nodeDecider, READY).when({ type: 'RemoveBackupRepository', nodeId }).thenThrows(RuleViolation, 'BACKUP_REPOSITORY_NOT_FOUND', BACKUP_REPOSITORY_RULES.mustExist);
    });
  });

  describe('RequestBackupRepositoryCheck', () => {
    it('given a checked repository, when a check is asked for, then it is requested with its reason', () => {
      given(nodeDecider, CHECKED).when({ type: 'RequestBackupRepositoryCheck', nodeId, reason: 'scheduled' }).then([checkRequested('scheduled')]);
    });
    it('given a pending check, when another is asked for, then nothing is recorded', () => {
      given(nodeDecider, WITH_REPOSITORY).when({ type: 'RequestBackupRepositoryCheck', nodeId, reason: 'operator' }).then([]);
    });
    it('given none, when a check is asked for, then BACKUP_REPOSITORY_NOT_FOUND', () => {
      given(nodeDecider, READY).when({ type: 'RequestBackupRepositoryCheck', nodeId, reason: 'operator' }).thenThrows(RuleViolation, 'BACKUP_REPOSITORY_NOT_FOUND');
    });
  });

  describe('RecordBackupRepositoryCheck', () => {
    it('given a pending check, when it passed, then BackupRepositoryChecked and nothing is pending', () => {
      given(nodeDecider, WITH_REPOSITORY).when({ type: 'RecordBackupRepositoryCheck', nodeId, repositoryId: 'r1', ok: true }).then([checked]);
      given(nodeDecider, WITH_REPOSITORY).when({ type: 'RecordBackupRepositoryCheck', nodeId, repositoryId: 'r1', ok: true }).thenState({ backupRepository: { repositoryId: 'r1', url: 'sftp:backup@10.254.9.1:/srv/restic', kind: 'sftp', checkPending: false } });
    });
    it('given a pending check, when it failed, then BackupRepositoryCheckFailed with the error', () => {
      const error = { code: 'BACKUP_REPOSITORY_CHECK_FAILED', message: 'pack 1234 damaged' };
      given(nodeDecider, WITH_REPOSITORY)
        .when({ type: 'RecordBackupRepositoryCheck', nodeId, repositoryId: 'r1', ok: false, error })
        .then([{ type: 'BackupRepositoryCheckFailed', data: { nodeId, repositoryId: 'r1', url: 'sftp:backup@10.254.9.1:/srv/restic', error } }]);
    });
    it('given the repository was replaced, when the old one\'s check reports, then nothing is recorded', () => {
      const replaced = [...WITH_REPOSITORY, { ...repositorySet, data: { ...repositorySet.data, repositoryId: 'r2' } } as NodeEvent, checkRequested('set', 'r2')];
      given(nodeDecider, replaced).when({ type: 'RecordBackupRepositoryCheck', nodeId, repositoryId: 'r1', ok: true }).then([]);
    });
    it('given no pending check (a repeated outcome), when it reports, then nothing is recorded', () => {
      given(nodeDecider, CHECKED).when({ type: 'RecordBackupRepositoryCheck', nodeId, repositoryId: 'r1', ok: true }).then([]);
    });
  });
});
