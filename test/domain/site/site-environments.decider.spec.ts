import { DomainError, InvalidValue, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import type { SiteCommand } from '../../../src/domain/site/site.commands';
import { siteDecider } from '../../../src/domain/site/site.decider';
import type { SiteEvent } from '../../../src/domain/site/site.events';
import type { DriftBaseline } from '../../../src/domain/site/site-environment.events';
import { SITE_RULES } from '../../../src/domain/site/site.rules';
import { given } from '../../support/decider-spec';
import { created, env, error, provisioned, siteId } from './site-fixtures';

/*
 * Clones on the source's node and environment deletion (src/domain/site/site-environments.ts,
 * docs/state-machine.md "Clones and environment deletion").
 */

const cmd = <T extends SiteCommand['type']>(type: T, rest: Omit<Extract<SiteCommand, { type: T }>, 'type' | 'siteId'>) =>
  ({ type, siteId, ...rest }) as Extract<SiteCommand, { type: T }>;

const baseline: DriftBaseline = {
  takenAt: '2026-12-03T10:00:00.000Z',
  database: 's_shop',
  tables: [{ name: 'wp_posts', rows: 3, checksum: '123' }],
  uploads: { files: 1, bytes: 13, sha256: 'c'.repeat(64) },
};
const cloneCmd = (over: Partial<Omit<Extract<SiteCommand, { type: 'RequestEnvironmentClone' }>, 'type' | 'siteId'>> = {}) =>
  cmd('RequestEnvironmentClone', { cloneId: 'c1', name: 'staging', sourceEnvironment: env, domain: 'staging.shop.test', ...over });
const cloneRequested: SiteEvent = {
  type: 'EnvironmentCloneRequested',
  data: { siteId, cloneId: 'c1', environment: 'staging', envSlug: 'shop-staging', sourceEnvironment: env, nodeId: 'n1', domains: ['staging.shop.test'], phpVersion: '8.2' },
};
const cloned: SiteEvent = { type: 'EnvironmentCloned', data: { siteId, cloneId: 'c1', environment: 'staging', sourceEnvironment: env, releaseId: 'r0', baseline } };
const cloneFailed: SiteEvent = { type: 'EnvironmentCloneFailed', data: { siteId, cloneId: 'c1', environment: 'staging', error } };
const deletionRequested: SiteEvent = { type: 'EnvironmentDeletionRequested', data: { siteId, environmentDeletionId: 'x1', environment: 'staging' } };
const deleted: SiteEvent = { type: 'EnvironmentDeleted', data: { siteId, environmentDeletionId: 'x1', environment: 'staging', removedBackupIds: [] } };
const deletionFailed: SiteEvent = { type: 'EnvironmentDeletionFailed', data: { siteId, environmentDeletionId: 'x1', environment: 'staging', error } };

const ACTIVE = [created, provisioned];
const CLONING = [...ACTIVE, cloneRequested];
const CLONED = [...CLONING, cloned];
const CLONE_FAILED = [...CLONING, cloneFailed];
const DELETING = [...CLONED, deletionRequested];

describe('environment clones', () => {
  describe('RequestEnvironmentClone', () => {
    it('ACTIVE → CLONING: a new environment <slug>-<name> on the source node, serving the new domain, status cloning', () => {
      given(siteDecider, ACTIVE).when(cloneCmd()).then([cloneRequested]);
      given(siteDecider, ACTIVE)
        .when(cloneCmd())
        .thenState({ state: 'CLONING', lastOperation: 'clone', environments: expect.objectContaining({ staging: expect.objectContaining({ status: 'cloning', envSlug: 'shop-staging', currentReleaseId: null }) }) });
    });
    it('accepts the source node named explicitly', () => {
      given(siteDecider, ACTIVE).when(cloneCmd({ nodeId: 'n1' })).then([cloneRequested]);
    });
    it('the same request again while it runs is a no-op', () => {
      given(siteDecider, CLONING).when(cloneCmd()).then([]);
    });
    it('refuses another node: CLONE_ACROSS_NODES_UNSUPPORTED', () => {
      given(siteDecider, ACTIVE).when(cloneCmd({ nodeId: 'n2' })).thenThrows(RuleViolation, 'CLONE_ACROSS_NODES_UNSUPPORTED', SITE_RULES.cloneStaysOnSourceNode);
    });
    it('refuses a name the site has: ENVIRONMENT_EXISTS', () => {
      given(siteDecider, CLONED).when(cloneCmd({ cloneId: 'c2', domain: 'other.shop.test' })).thenThrows(RuleViolation, 'ENVIRONMENT_EXISTS', SITE_RULES.environmentNameMustBeUnique);
      given(siteDecider, ACTIVE).when(cloneCmd({ name: env, domain: 'other.shop.test' })).thenThrows(RuleViolation, 'ENVIRONMENT_EXISTS');
    });
    it("refuses a domain one of the site's environments serves: DUPLICATE", () => {
      given(siteDecider, ACTIVE).when(cloneCmd({ domain: 'shop.test' })).thenThrows(DomainError, 'DUPLICATE', SITE_RULES.domainServedOnce);
    });
    it('refuses bad input: name, domain (VALIDATION_FAILED), a missing source (NOT_FOUND)', () => {
      given(siteDecider, ACTIVE).when(cloneCmd({ name: 'Staging!' })).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      given(siteDecider, ACTIVE).when(cloneCmd({ domain: 'not a domain' })).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      given(siteDecider, ACTIVE).when(cloneCmd({ sourceEnvironment: 'qa' })).thenThrows(NotFound, 'NOT_FOUND');
    });
    it('refuses a name that makes the environment slug too long for the node: ENVIRONMENT_SLUG_TOO_LONG', () => {
      given(siteDecider, ACTIVE)
        .when(cloneCmd({ name: 'a-very-long-env-name' }))
        .thenState({ environments: expect.objectContaining({ 'a-very-long-env-name': expect.objectContaining({ envSlug: 'shop-a-very-long-env-name' }) }) });
      const longSlug = { ...created, data: { ...created.data, slug: 'a'.repeat(25), environment: { ...(created.data as { environment: object }).environment, envSlug: 'a'.repeat(25) } } } as SiteEvent;
      given(siteDecider, [longSlug, provisioned]).when(cloneCmd()).thenThrows(RuleViolation, 'ENVIRONMENT_SLUG_TOO_LONG');
    });
    it('refuses a source that is not active: ENVIRONMENT_NOT_ACTIVE', () => {
      const reset = [...CLONE_FAILED, { type: 'SiteResetRequested', data: { siteId } } as SiteEvent, { type: 'SiteResetSucceeded', data: { siteId } } as SiteEvent];
      given(siteDecider, reset).when(cloneCmd({ cloneId: 'c2', name: 'qa', sourceEnvironment: 'staging', domain: 'qa.shop.test' })).thenThrows(RuleViolation, 'ENVIRONMENT_NOT_ACTIVE', SITE_RULES.cloneNeedsActiveSource);
    });
    it('starts only from ACTIVE: SITE_BUSY mid-operation, INVALID_STATE_TRANSITION when FAILED', () => {
      given(siteDecider, CLONING).when(cloneCmd({ cloneId: 'c2', name: 'qa', domain: 'qa.shop.test' })).thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.canBeClonedOnlyWhenActive);
      given(siteDecider, CLONE_FAILED).when(cloneCmd({ cloneId: 'c2', name: 'qa', domain: 'qa.shop.test' })).thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION');
    });
  });

  describe('CompleteEnvironmentClone', () => {
    it('CLONING → ACTIVE: the environment active on the copied release, the baseline recorded', () => {
      given(siteDecider, CLONING).when(cmd('CompleteEnvironmentClone', { cloneId: 'c1', releaseId: 'r0', baseline })).then([cloned]);
      given(siteDecider, CLONING)
        .when(cmd('CompleteEnvironmentClone', { cloneId: 'c1', releaseId: 'r0', baseline }))
        .thenState({ state: 'ACTIVE', environments: expect.objectContaining({ staging: expect.objectContaining({ status: 'active', currentReleaseId: 'r0' }) }) });
    });
    it('a report for another clone, or after it ended, yields nothing', () => {
      given(siteDecider, CLONING).when(cmd('CompleteEnvironmentClone', { cloneId: 'other', releaseId: 'r0', baseline })).then([]);
      given(siteDecider, CLONED).when(cmd('CompleteEnvironmentClone', { cloneId: 'c1', releaseId: 'r0', baseline })).then([]);
    });
  });

  describe('FailEnvironmentClone', () => {
    it('CLONING → FAILED: the environment stays, status failed', () => {
      given(siteDecider, CLONING).when(cmd('FailEnvironmentClone', { cloneId: 'c1', error })).then([cloneFailed]);
      given(siteDecider, CLONING)
        .when(cmd('FailEnvironmentClone', { cloneId: 'c1', error }))
        .thenState({ state: 'FAILED', lastError: error, environments: expect.objectContaining({ staging: expect.objectContaining({ status: 'failed' }) }) });
    });
    it('a repeat yields nothing', () => {
      given(siteDecider, CLONE_FAILED).when(cmd('FailEnvironmentClone', { cloneId: 'c1', error })).then([]);
    });
  });

  describe('retry of a failed clone', () => {
    it('FAILED → CLONING with the same clone and environment (status cloning again)', () => {
      const retried: SiteEvent = { type: 'SiteRetryRequested', data: { siteId, operation: 'clone', cloneId: 'c1', environment: 'staging' } };
      given(siteDecider, CLONE_FAILED).when(cmd('RequestSiteRetry', {})).then([retried]);
      given(siteDecider, CLONE_FAILED)
        .when(cmd('RequestSiteRetry', {}))
        .thenState({ state: 'CLONING', lastClone: { cloneId: 'c1', environment: 'staging', sourceEnvironment: env }, environments: expect.objectContaining({ staging: expect.objectContaining({ status: 'cloning' }) }) });
      // and the retried clone completes as the first one would have
      given(siteDecider, [...CLONE_FAILED, retried]).when(cmd('CompleteEnvironmentClone', { cloneId: 'c1', releaseId: 'r0', baseline })).then([cloned]);
    });
  });
});

describe('environment deletion', () => {
  describe('RequestEnvironmentDeletion', () => {
    it('ACTIVE → DELETING_ENVIRONMENT for a non-production environment', () => {
      given(siteDecider, CLONED).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: 'staging' })).then([deletionRequested]);
      given(siteDecider, CLONED)
        .when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: 'staging' }))
        .thenState({ state: 'DELETING_ENVIRONMENT', lastOperation: 'environment-delete', environments: expect.objectContaining({ staging: expect.objectContaining({ status: 'deleting' }) }) });
    });
    it('the same request again while it runs is a no-op', () => {
      given(siteDecider, DELETING).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: 'staging' })).then([]);
    });
    it('refuses production: PRODUCTION_NOT_DELETABLE', () => {
      given(siteDecider, CLONED).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: env })).thenThrows(RuleViolation, 'PRODUCTION_NOT_DELETABLE', SITE_RULES.productionGoesWithItsSite);
    });
    it('refuses an environment the site does not have: NOT_FOUND', () => {
      given(siteDecider, ACTIVE).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: 'staging' })).thenThrows(NotFound, 'NOT_FOUND');
    });
    it('starts only from ACTIVE: SITE_BUSY mid-operation', () => {
      given(siteDecider, DELETING).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x2', environment: 'staging' })).thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.environmentDeletedOnlyWhenActive);
    });
    it('waits for a running backup of the environment: BACKUP_RUNNING', () => {
      const backup = { type: 'BackupRequested', data: { siteId, environment: 'staging', backupId: 'b1', scope: 'db' } } as SiteEvent;
      given(siteDecider, [...CLONED, backup]).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: 'staging' })).thenThrows(RuleViolation, 'BACKUP_RUNNING');
    });
    it('deletes a failed clone once the site was reset', () => {
      const reset = [...CLONE_FAILED, { type: 'SiteResetRequested', data: { siteId } } as SiteEvent, { type: 'SiteResetSucceeded', data: { siteId } } as SiteEvent];
      given(siteDecider, reset).when(cmd('RequestEnvironmentDeletion', { environmentDeletionId: 'x1', environment: 'staging' })).then([deletionRequested]);
    });
  });

  describe('CompleteEnvironmentDeletion', () => {
    it('DELETING_ENVIRONMENT → ACTIVE: the environment is gone, production stays', () => {
      given(siteDecider, DELETING).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'x1' })).then([deleted]);
      const after = given(siteDecider, DELETING).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'x1' })).thenState({ state: 'ACTIVE' });
      expect(Object.keys(after.environments)).toEqual([env]);
    });
    it("names the environment's backups, which are no longer listed (their files went with it); production's stay", () => {
      const backups = ['staging', env].flatMap((e, i) => [
        { type: 'BackupRequested', data: { siteId, environment: e, backupId: `b${i}`, scope: 'db' } } as SiteEvent,
        { type: 'BackupFailed', data: { siteId, backupId: `b${i}`, error } } as SiteEvent,
      ]);
      const history = [...CLONED, ...backups, deletionRequested];
      given(siteDecider, history).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'x1' })).then([{ ...deleted, data: { ...deleted.data, removedBackupIds: ['b0'] } } as SiteEvent]);
      const after = given(siteDecider, history).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'x1' })).thenState({ state: 'ACTIVE' });
      expect(Object.keys(after.backups)).toEqual(['b1']);
    });
    it('a report for another deletion yields nothing', () => {
      given(siteDecider, DELETING).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'other' })).then([]);
      given(siteDecider, [...DELETING, deleted]).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'x1' })).then([]);
    });
  });

  describe('FailEnvironmentDeletion and its retry', () => {
    it('DELETING_ENVIRONMENT → FAILED (environment failed); retry → DELETING_ENVIRONMENT with the same deletion', () => {
      given(siteDecider, DELETING).when(cmd('FailEnvironmentDeletion', { environmentDeletionId: 'x1', error })).then([deletionFailed]);
      given(siteDecider, DELETING)
        .when(cmd('FailEnvironmentDeletion', { environmentDeletionId: 'x1', error }))
        .thenState({ state: 'FAILED', environments: expect.objectContaining({ staging: expect.objectContaining({ status: 'failed' }) }) });
      const retried: SiteEvent = { type: 'SiteRetryRequested', data: { siteId, operation: 'environment-delete', environmentDeletionId: 'x1', environment: 'staging' } };
      given(siteDecider, [...DELETING, deletionFailed]).when(cmd('RequestSiteRetry', {})).then([retried]);
      given(siteDecider, [...DELETING, deletionFailed, retried]).when(cmd('CompleteEnvironmentDeletion', { environmentDeletionId: 'x1' })).then([deleted]);
    });
  });
});
