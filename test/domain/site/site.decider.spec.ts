import { DomainError, InvalidValue, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import { foldEvents } from '../../../src/domain/common/domain-event';
import { CreateSite, SiteCommand } from '../../../src/domain/site/site.commands';
import { siteDecider } from '../../../src/domain/site/site.decider';
import { SiteEvent, siteStreamId } from '../../../src/domain/site/site.events';
import { EnvironmentSlugTooLong } from '../../../src/domain/site/environment-slug';
import { SITE_RULES } from '../../../src/domain/site/site.rules';
import { given } from '../../support/decider-spec';

const siteId = 's1';
const error = { code: 'REMOTE_RUN_FAILED', message: 'task failed' };
const source = { type: 'git', ref: 'main' };

const createSite: CreateSite = {
  type: 'CreateSite',
  siteId,
  name: 'My Shop',
  nodeId: 'n1',
  domain: 'Shop.Example.com',
  adminEmail: 'admin@example.com',
  node: { id: 'n1', status: 'ready' },
};

const created: SiteEvent = {
  type: 'SiteCreated',
  data: {
    siteId,
    name: 'My Shop',
    slug: 'my-shop',
    nodeId: 'n1',
    primaryDomain: 'shop.example.com',
    adminEmail: 'admin@example.com',
    phpVersion: '8.3',
    environment: { name: 'production', envSlug: 'my-shop', nodeId: 'n1', domains: ['shop.example.com'], phpVersion: '8.3' },
  },
};
const provisioned: SiteEvent = { type: 'SiteProvisioned', data: { siteId, environment: 'production', releaseId: 'r0' } };
const provisioningFailed: SiteEvent = { type: 'SiteProvisioningFailed', data: { siteId, error } };
const deployRequested = (deploymentId = 'd1'): SiteEvent => ({
  type: 'DeployRequested',
  data: { siteId, environment: 'production', deploymentId, source },
});
const deploySucceeded: SiteEvent = {
  type: 'DeploySucceeded',
  data: { siteId, environment: 'production', deploymentId: 'd1', releaseId: 'r1', previousReleaseId: 'r0' },
};
const deployFailed = (rolledBack: boolean, phase: 'pre-switch' | 'post-switch' = 'post-switch', releaseId: string | null = null): SiteEvent => ({
  type: 'DeployFailed',
  data: { siteId, environment: 'production', deploymentId: 'd1', error, rolledBack, phase, releaseId },
});
const resetRequested: SiteEvent = { type: 'SiteResetRequested', data: { siteId } };
// ids come from testContext: the final backup's first (id-1), then the deletion's (id-2)
const deletionRequested: SiteEvent = {
  type: 'SiteDeletionRequested',
  data: { siteId, environments: ['production'], deletionId: 'id-2', finalBackups: [{ environment: 'production', backupId: 'id-1' }] },
};
const finalBackupRecorded: SiteEvent = {
  type: 'BackupCompleted',
  data: {
    siteId,
    environment: 'production',
    backupId: 'id-1',
    scope: 'full',
    purpose: 'final',
    restoreId: null,
    deletionId: 'id-2',
    parts: [],
    size: 0,
    locations: [],
    releaseId: 'r0',
    wordpressVersion: null,
    tableCount: 0,
  },
};
const deletionAuthorized: SiteEvent = {
  type: 'SiteDeletionAuthorized',
  data: { siteId, deletionId: 'id-2', finalBackups: [{ environment: 'production', backupId: 'id-1' }] },
};

const ACTIVE = [created, provisioned];
const FAILED = [created, provisioningFailed];
const DEPLOYING = [...ACTIVE, deployRequested()];
const DEPLOY_FAILED = [...DEPLOYING, deployFailed(false)];
const RESETTING = [...FAILED, resetRequested];
const DELETING = [...ACTIVE, deletionRequested];
const AUTHORIZED_DELETION = [...DELETING, finalBackupRecorded, deletionAuthorized];
const DELETED = [...AUTHORIZED_DELETION, { type: 'SiteDeleted', data: { siteId, environments: ['production'] } } as SiteEvent];

const cmd = <T extends SiteCommand['type']>(type: T, rest: Omit<Extract<SiteCommand, { type: T }>, 'type' | 'siteId'>) =>
  ({ type, siteId, ...rest }) as Extract<SiteCommand, { type: T }>;

describe('site decider', () => {
  it('streams are site-<id>', () => expect(siteStreamId('abc')).toBe('site-abc'));

  describe('CreateSite', () => {
    it('creates a site with its production environment, deriving the slug from the name', () => {
      given(siteDecider).when(createSite).then([created]);
    });
    it('starts in PROVISIONING', () => {
      given(siteDecider).when(createSite).thenState({ exists: true, state: 'PROVISIONING', lastOperation: 'provision' });
    });
    it('uses an explicit slug and php version', () => {
      const [event] = given(siteDecider).when({ ...createSite, slug: 'shop', phpVersion: '8.1' }).then([
        {
          ...created,
          data: {
            ...created.data,
            slug: 'shop',
            phpVersion: '8.1',
            environment: { name: 'production', envSlug: 'shop', nodeId: 'n1', domains: ['shop.example.com'], phpVersion: '8.1' },
          },
        } as SiteEvent,
      ]);
      expect(event.type).toBe('SiteCreated');
    });
    it.each(['pending', 'bootstrapping', 'ready', 'unreachable'])('accepts a %s node', (status) => {
      given(siteDecider).when({ ...createSite, node: { id: 'n1', status } }).then([created]);
    });
    it.each(['failed', 'decommissioned'])('refuses a %s node (site-cannot-be-created-on-unusable-node)', (status) => {
      given(siteDecider)
        .when({ ...createSite, node: { id: 'n1', status } })
        .thenThrows(RuleViolation, 'NODE_NOT_READY', SITE_RULES.cannotBeCreatedOnUnusableNode);
    });
    it('refuses a missing node (site-requires-existing-node)', () => {
      given(siteDecider).when({ ...createSite, node: null }).thenThrows(NotFound, 'NOT_FOUND');
      given(siteDecider).when({ ...createSite, node: { id: 'other', status: 'ready' } }).thenThrows(NotFound, 'NOT_FOUND');
    });
    it('refuses a slug longer than the node names allow (environment-slug-must-fit-node-names): no event', () => {
      const err = given(siteDecider)
        .when({ ...createSite, slug: `a${'b'.repeat(30)}` })
        .thenThrows(EnvironmentSlugTooLong, 'ENVIRONMENT_SLUG_TOO_LONG', SITE_RULES.envSlugMustFitNodeNames);
      expect((err as EnvironmentSlugTooLong).details).toMatchObject({ field: 'slug', length: 31, maxLength: 30 });
      given(siteDecider).when({ ...createSite, slug: `a${'b'.repeat(31)}` }).thenThrows(EnvironmentSlugTooLong, 'ENVIRONMENT_SLUG_TOO_LONG');
    });
    it('accepts a slug of exactly 30 characters, and cuts a slug derived from a long name to 30', () => {
      given(siteDecider).when({ ...createSite, slug: `a${'b'.repeat(29)}` }).thenState({ slug: `a${'b'.repeat(29)}` });
      given(siteDecider).when({ ...createSite, name: 'A very long shop name that goes on and on' }).thenState({ slug: 'a-very-long-shop-name-that-goe' });
    });
    it('refuses an existing site id, even after deletion', () => {
      given(siteDecider, ACTIVE).when(createSite).thenThrows(DomainError, 'DUPLICATE', SITE_RULES.idMustBeUnique);
      given(siteDecider, DELETED).when(createSite).thenThrows(DomainError, 'DUPLICATE');
    });
    it.each([
      ['slug', { slug: 'Bad Slug' }],
      ['domain', { domain: 'example.com;id' }],
      ['adminEmail', { adminEmail: 'not-an-email' }],
      ['phpVersion', { phpVersion: '7.4' }],
      ['name', { name: '  ' }],
    ])('refuses an invalid %s', (field, patch) => {
      const err = given(siteDecider).when({ ...createSite, ...patch }).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      expect((err as InvalidValue).details.field).toBe(field);
    });
  });

  it('refuses every command but CreateSite on a site that does not exist', () => {
    const commands: SiteCommand[] = [
      cmd('CompleteSiteProvisioning', {}),
      cmd('FailSiteProvisioning', { error }),
      cmd('RequestDeploy', { deploymentId: 'd1', environment: 'production', source }),
      cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' }),
      cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack: false }),
      cmd('RequestRollback', { rollbackId: 'b1', environment: 'production' }),
      cmd('CompleteRollback', { rollbackId: 'b1' }),
      cmd('FailRollback', { rollbackId: 'b1', error, phase: 'post-switch' }),
      cmd('RequestDomainsChange', { changeId: 'c1', environment: 'production', primary: 'a.example.com', aliases: [] }),
      cmd('CompleteDomainsChange', { changeId: 'c1' }),
      cmd('FailDomainsChange', { changeId: 'c1', error }),
      cmd('RecordEnvironmentHealth', { environment: 'production', healthy: true, httpStatus: 200, dbOk: true, reason: 'ok' }),
      cmd('RequestSiteReset', {}),
      cmd('CompleteSiteReset', {}),
      cmd('FailSiteReset', { error }),
      cmd('RequestSiteRetry', {}),
      cmd('RequestSiteDeletion', {}),
      cmd('CompleteSiteDeletion', {}),
      cmd('FailSiteDeletion', { error }),
    ];
    for (const c of commands) given(siteDecider).when(c).thenThrows(NotFound, 'NOT_FOUND');
  });

  describe('provisioning', () => {
    it('completes: PROVISIONING -> ACTIVE with the first release', () => {
      given(siteDecider, [created])
        .when(cmd('CompleteSiteProvisioning', { releaseId: 'r0' }))
        .then([{ type: 'SiteProvisioned', data: { siteId, environment: 'production', releaseId: 'r0' } }]);
      const state = given(siteDecider, [created]).when(cmd('CompleteSiteProvisioning', { releaseId: 'r0' })).thenState({ state: 'ACTIVE' });
      expect(state.environments.production.currentReleaseId).toBe('r0');
    });
    it('completes without a release', () => {
      given(siteDecider, [created])
        .when(cmd('CompleteSiteProvisioning', {}))
        .then([{ type: 'SiteProvisioned', data: { siteId, environment: 'production', releaseId: null } }]);
    });
    it('fails: PROVISIONING -> FAILED, error recorded', () => {
      given(siteDecider, [created]).when(cmd('FailSiteProvisioning', { error })).then([provisioningFailed]);
      given(siteDecider, [created]).when(cmd('FailSiteProvisioning', { error })).thenState({ state: 'FAILED', lastError: error });
    });
    it('ignores repeated or stale reports once no longer provisioning', () => {
      given(siteDecider, ACTIVE).when(cmd('CompleteSiteProvisioning', {})).then([]);
      given(siteDecider, ACTIVE).when(cmd('FailSiteProvisioning', { error })).then([]);
      given(siteDecider, FAILED).when(cmd('CompleteSiteProvisioning', {})).then([]);
    });
  });

  describe('deploy', () => {
    const requestDeploy = cmd('RequestDeploy', { deploymentId: 'd1', environment: 'production', source });

    it('starts from ACTIVE', () => {
      given(siteDecider, ACTIVE).when(requestDeploy).then([deployRequested()]);
      given(siteDecider, ACTIVE).when(requestDeploy).thenState({ state: 'DEPLOYING', pendingDeploymentId: 'd1', lastOperation: 'deploy' });
    });
    it('is SITE_BUSY while another operation runs (site-cannot-deploy-unless-active)', () => {
      given(siteDecider, DEPLOYING)
        .when({ ...requestDeploy, deploymentId: 'd2' })
        .thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.cannotDeployUnlessActive);
      given(siteDecider, [created]).when(requestDeploy).thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.cannotDeployUnlessActive);
      given(siteDecider, DELETING).when(requestDeploy).thenThrows(RuleViolation, 'SITE_BUSY');
    });
    it('is an INVALID_STATE_TRANSITION from FAILED or DELETED', () => {
      given(siteDecider, FAILED)
        .when(requestDeploy)
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', SITE_RULES.cannotDeployUnlessActive);
      given(siteDecider, DELETED).when(requestDeploy).thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION');
    });
    it('repeating the request of the running deployment is a no-op', () => {
      given(siteDecider, DEPLOYING).when(requestDeploy).then([]);
    });
    it('needs an existing environment', () => {
      given(siteDecider, ACTIVE).when({ ...requestDeploy, environment: 'staging' }).thenThrows(NotFound, 'NOT_FOUND');
      given(siteDecider, ACTIVE).when({ ...requestDeploy, environment: 'St;aging' }).thenThrows(InvalidValue, 'VALIDATION_FAILED');
    });
    it('succeeds: DEPLOYING -> ACTIVE, release recorded', () => {
      given(siteDecider, DEPLOYING).when(cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' })).then([deploySucceeded]);
      const s = given(siteDecider, DEPLOYING)
        .when(cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' }))
        .thenState({ state: 'ACTIVE', pendingDeploymentId: null, lastError: null });
      expect(s.environments.production.currentReleaseId).toBe('r1');
    });
    it('fails: DEPLOYING -> FAILED', () => {
      given(siteDecider, DEPLOYING)
        .when(cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack: false }))
        .then([deployFailed(false)]);
      given(siteDecider, DEPLOYING)
        .when(cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack: false }))
        .thenState({ state: 'FAILED', lastError: error, pendingDeploymentId: null });
    });
    it('fails but rolled back: DEPLOYING -> ACTIVE with the failure recorded', () => {
      given(siteDecider, DEPLOYING)
        .when(cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack: true }))
        .then([deployFailed(true)]);
      given(siteDecider, DEPLOYING)
        .when(cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack: true }))
        .thenState({ state: 'ACTIVE', lastError: error });
    });
    it('ignores completion reports for a deployment that is not pending (at-least-once runner)', () => {
      given(siteDecider, [...DEPLOYING, deploySucceeded]).when(cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' })).then([]);
      given(siteDecider, DEPLOYING).when(cmd('CompleteDeploy', { deploymentId: 'other', releaseId: 'r1' })).then([]);
      given(siteDecider, DEPLOYING).when(cmd('FailDeploy', { deploymentId: 'other', error, rolledBack: false })).then([]);
      given(siteDecider, DEPLOY_FAILED).when(cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack: false })).then([]);
      given(siteDecider, ACTIVE).when(cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' })).then([]);
    });
  });

  describe('reset', () => {
    it('starts only from FAILED: FAILED -> RESETTING', () => {
      given(siteDecider, FAILED).when(cmd('RequestSiteReset', {})).then([resetRequested]);
      given(siteDecider, FAILED)
        .when(cmd('RequestSiteReset', { reason: 'db corrupted' }))
        .then([{ type: 'SiteResetRequested', data: { siteId, reason: 'db corrupted' } }]);
      // the reset checks; the operation that failed stays the one a retry re-runs
      given(siteDecider, FAILED).when(cmd('RequestSiteReset', {})).thenState({ state: 'RESETTING', lastOperation: 'provision' });
    });
    it('is refused from ACTIVE and SITE_BUSY mid-operation', () => {
      given(siteDecider, ACTIVE)
        .when(cmd('RequestSiteReset', {}))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', SITE_RULES.canBeResetOnlyWhenFailed);
      given(siteDecider, DEPLOYING).when(cmd('RequestSiteReset', {})).thenThrows(RuleViolation, 'SITE_BUSY');
    });
    it('succeeds after the health check passed: RESETTING -> ACTIVE', () => {
      given(siteDecider, RESETTING).when(cmd('CompleteSiteReset', {})).then([{ type: 'SiteResetSucceeded', data: { siteId } }]);
      given(siteDecider, RESETTING).when(cmd('CompleteSiteReset', {})).thenState({ state: 'ACTIVE', lastError: null });
    });
    it('fails: RESETTING -> FAILED', () => {
      given(siteDecider, RESETTING).when(cmd('FailSiteReset', { error })).then([{ type: 'SiteResetFailed', data: { siteId, error } }]);
      given(siteDecider, RESETTING).when(cmd('FailSiteReset', { error })).thenState({ state: 'FAILED' });
    });
    it('ignores reports when not resetting', () => {
      given(siteDecider, ACTIVE).when(cmd('CompleteSiteReset', {})).then([]);
      given(siteDecider, FAILED).when(cmd('FailSiteReset', { error })).then([]);
    });
  });

  describe('retry', () => {
    it('re-enters provisioning after a failed provisioning', () => {
      given(siteDecider, FAILED)
        .when(cmd('RequestSiteRetry', {}))
        .then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'provision' } }]);
      given(siteDecider, FAILED).when(cmd('RequestSiteRetry', {})).thenState({ state: 'PROVISIONING' });
    });
    it('re-runs the same deployment after a failed deploy', () => {
      given(siteDecider, DEPLOY_FAILED)
        .when(cmd('RequestSiteRetry', {}))
        .then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'deploy', deploymentId: 'd1' } }]);
      given(siteDecider, DEPLOY_FAILED).when(cmd('RequestSiteRetry', {})).thenState({ state: 'DEPLOYING', pendingDeploymentId: 'd1' });
    });
    it('after a retried deploy, completion of that deployment works', () => {
      const retried = [...DEPLOY_FAILED, { type: 'SiteRetryRequested', data: { siteId, operation: 'deploy', deploymentId: 'd1' } } as SiteEvent];
      given(siteDecider, retried).when(cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' })).then([deploySucceeded]);
    });
    it('after a failed reset, re-runs the operation that failed before it (a reset is a check, not an operation)', () => {
      const resetFailed = [...RESETTING, { type: 'SiteResetFailed', data: { siteId, error } } as SiteEvent];
      given(siteDecider, resetFailed)
        .when(cmd('RequestSiteRetry', {}))
        .then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'provision' } }]);
      given(siteDecider, resetFailed).when(cmd('RequestSiteRetry', {})).thenState({ state: 'PROVISIONING' });
    });
    it('a retry of a reset recorded by an earlier version still replays (RESETTING)', () => {
      const resetFailed = [...RESETTING, { type: 'SiteResetFailed', data: { siteId, error } } as SiteEvent];
      const replayed = foldEvents(siteDecider, [...resetFailed, { type: 'SiteRetryRequested', data: { siteId, operation: 'reset' } } as SiteEvent]);
      expect(replayed.state).toBe('RESETTING');
    });
    it('re-enters deleting', () => {
      const deleteFailed = [...DELETING, { type: 'SiteDeletionFailed', data: { siteId, error } } as SiteEvent];
      given(siteDecider, deleteFailed).when(cmd('RequestSiteRetry', {})).thenState({ state: 'DELETING' });
    });
    it('is refused unless FAILED', () => {
      given(siteDecider, ACTIVE)
        .when(cmd('RequestSiteRetry', {}))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', SITE_RULES.canBeRetriedOnlyWhenFailed);
      given(siteDecider, DEPLOYING).when(cmd('RequestSiteRetry', {})).thenThrows(RuleViolation, 'SITE_BUSY');
    });
  });

  describe('deletion', () => {
    it('starts from ACTIVE with all environments and a final backup planned for each one with a release', () => {
      given(siteDecider, ACTIVE).when(cmd('RequestSiteDeletion', {})).then([deletionRequested]);
      given(siteDecider, ACTIVE)
        .when(cmd('RequestSiteDeletion', {}))
        .thenState({ state: 'DELETING', lastOperation: 'delete', lastDeletion: { deletionId: 'id-2', finalBackups: [{ environment: 'production', backupId: 'id-1' }], authorized: false, startedFromFailed: false } });
    });
    it('starts from FAILED; an environment that never got a release plans no final backup', () => {
      given(siteDecider, FAILED)
        .when(cmd('RequestSiteDeletion', {}))
        .then([{ type: 'SiteDeletionRequested', data: { siteId, environments: ['production'], deletionId: 'id-1', finalBackups: [] } }]);
      given(siteDecider, FAILED).when(cmd('RequestSiteDeletion', {})).thenState({ state: 'DELETING', lastDeletion: { deletionId: 'id-1', finalBackups: [], authorized: false, startedFromFailed: true } });
    });
    it('is SITE_BUSY mid-operation and refused once deleted', () => {
      given(siteDecider, DEPLOYING)
        .when(cmd('RequestSiteDeletion', {}))
        .thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.canBeDeletedOnlyWhenActiveOrFailed);
      given(siteDecider, DELETING).when(cmd('RequestSiteDeletion', {})).thenThrows(RuleViolation, 'SITE_BUSY');
      given(siteDecider, DELETED).when(cmd('RequestSiteDeletion', {})).thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION');
    });
    it('completes once authorized: DELETING -> DELETED', () => {
      given(siteDecider, AUTHORIZED_DELETION)
        .when(cmd('CompleteSiteDeletion', {}))
        .then([{ type: 'SiteDeleted', data: { siteId, environments: ['production'] } }]);
      given(siteDecider, AUTHORIZED_DELETION).when(cmd('CompleteSiteDeletion', {})).thenState({ state: 'DELETED' });
    });
    it('fails after the authorization: DELETING -> FAILED', () => {
      given(siteDecider, AUTHORIZED_DELETION)
        .when(cmd('FailSiteDeletion', { error }))
        .then([{ type: 'SiteDeletionFailed', data: { siteId, error, phase: 'post-removal', startedFromFailed: false } }]);
      given(siteDecider, AUTHORIZED_DELETION).when(cmd('FailSiteDeletion', { error })).thenState({ state: 'FAILED', lastError: error });
    });
    it('ignores reports when not deleting', () => {
      given(siteDecider, DELETED).when(cmd('CompleteSiteDeletion', {})).then([]);
      given(siteDecider, ACTIVE).when(cmd('FailSiteDeletion', { error })).then([]);
    });
  });

  describe('deploy phases and releases', () => {
    const fail = (rolledBack: boolean, phase?: 'pre-switch' | 'post-switch', releaseId?: string) =>
      cmd('FailDeploy', { deploymentId: 'd1', error, rolledBack, ...(phase ? { phase } : {}), ...(releaseId ? { releaseId } : {}) });

    it('refused before the switch: DEPLOYING -> ACTIVE, DeployFailed{rolledBack:false, phase:pre-switch}, live release unchanged', () => {
      given(siteDecider, DEPLOYING).when(fail(false, 'pre-switch', 'r1')).then([deployFailed(false, 'pre-switch', 'r1')]);
      const s = given(siteDecider, DEPLOYING).when(fail(false, 'pre-switch', 'r1')).thenState({ state: 'ACTIVE', lastError: error });
      expect(s.environments.production).toMatchObject({ currentReleaseId: 'r0', releases: ['r0'], badReleaseIds: [] });
    });
    it('rolled back after the switch: ACTIVE, the new release kept but marked bad', () => {
      given(siteDecider, DEPLOYING).when(fail(true, 'post-switch', 'r1')).then([deployFailed(true, 'post-switch', 'r1')]);
      const s = given(siteDecider, DEPLOYING).when(fail(true, 'post-switch', 'r1')).thenState({ state: 'ACTIVE' });
      expect(s.environments.production).toMatchObject({ currentReleaseId: 'r0', releases: ['r0', 'r1'], badReleaseIds: ['r1'] });
    });
    it('a failed rollback after the switch is the only way to FAILED (phase defaults to post-switch)', () => {
      given(siteDecider, DEPLOYING).when(fail(false)).then([deployFailed(false, 'post-switch', null)]);
      given(siteDecider, DEPLOYING).when(fail(false)).thenState({ state: 'FAILED' });
    });
    it('an older DeployFailed without phase folds as before', () => {
      const old = { type: 'DeployFailed', data: { siteId, environment: 'production', deploymentId: 'd1', error, rolledBack: false } } as SiteEvent;
      expect(foldEvents(siteDecider, [...DEPLOYING, old]).state).toBe('FAILED');
    });
    it('a success records the release that was live as previous', () => {
      const s = given(siteDecider, DEPLOYING).when(cmd('CompleteDeploy', { deploymentId: 'd1', releaseId: 'r1' })).thenState({ state: 'ACTIVE' });
      expect(s.environments.production).toMatchObject({ currentReleaseId: 'r1', previousReleaseId: 'r0' });
    });
    it('keeps the newest KEEP_RELEASES plus current and previous', () => {
      const history: SiteEvent[] = [...ACTIVE];
      for (let i = 1; i <= 7; i++) {
        history.push(deployRequested(`d${i}`), {
          type: 'DeploySucceeded',
          data: { siteId, environment: 'production', deploymentId: `d${i}`, releaseId: `r${i}`, previousReleaseId: `r${i - 1}` },
        } as SiteEvent);
      }
      expect(foldEvents(siteDecider, history).environments.production).toMatchObject({
        releases: ['r3', 'r4', 'r5', 'r6', 'r7'],
        currentReleaseId: 'r7',
        previousReleaseId: 'r6',
      });
    });
  });

  describe('manual rollback', () => {
    const TWO_RELEASES = [...DEPLOYING, deploySucceeded];
    const rollback = (rest: { releaseId?: string; force?: boolean } = {}) => cmd('RequestRollback', { rollbackId: 'b1', environment: 'production', ...rest });
    const requested = (target = 'r0', force = false, from = 'r1'): SiteEvent => ({
      type: 'RollbackRequested',
      data: { siteId, environment: 'production', rollbackId: 'b1', targetReleaseId: target, fromReleaseId: from, force },
    });
    const ROLLING_BACK = [...TWO_RELEASES, requested()];

    it('to the previous release: ACTIVE -> ROLLING_BACK', () => {
      given(siteDecider, TWO_RELEASES).when(rollback()).then([requested()]);
      given(siteDecider, TWO_RELEASES).when(rollback()).thenState({ state: 'ROLLING_BACK', lastOperation: 'rollback' });
    });
    it('to a named kept release', () => {
      given(siteDecider, TWO_RELEASES).when(rollback({ releaseId: 'r0' })).then([requested('r0')]);
    });
    it('refuses a release the environment does not keep', () => {
      given(siteDecider, TWO_RELEASES).when(rollback({ releaseId: 'zz' })).thenThrows(NotFound, 'NOT_FOUND');
    });
    it('refuses without a previous release, and to the live release (rollback-needs-a-kept-release)', () => {
      given(siteDecider, ACTIVE).when(rollback()).thenThrows(RuleViolation, 'NO_ROLLBACK_TARGET', SITE_RULES.rollbackNeedsTarget);
      given(siteDecider, TWO_RELEASES).when(rollback({ releaseId: 'r1' })).thenThrows(RuleViolation, 'NO_ROLLBACK_TARGET', SITE_RULES.rollbackNeedsTarget);
    });
    it('refuses a release marked bad unless force', () => {
      const BAD = [...TWO_RELEASES, deployRequested('d2'), { ...deployFailed(true, 'post-switch', 'r2'), data: { ...deployFailed(true, 'post-switch', 'r2').data, deploymentId: 'd2' } } as SiteEvent];
      given(siteDecider, BAD).when(rollback({ releaseId: 'r2' })).thenThrows(RuleViolation, 'RELEASE_MARKED_BAD', SITE_RULES.badReleaseNeedsForce);
      given(siteDecider, BAD).when(rollback({ releaseId: 'r2', force: true })).then([requested('r2', true)]);
    });
    it('is SITE_BUSY mid-operation and refused from FAILED (site-cannot-roll-back-unless-active)', () => {
      given(siteDecider, DEPLOYING).when(rollback()).thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.cannotRollBackUnlessActive);
      given(siteDecider, FAILED).when(rollback()).thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', SITE_RULES.cannotRollBackUnlessActive);
    });
    it('repeating the running rollback is a no-op', () => {
      given(siteDecider, ROLLING_BACK).when(rollback()).then([]);
    });
    it('succeeds: ROLLING_BACK -> ACTIVE, target live, the release it left becomes previous', () => {
      given(siteDecider, ROLLING_BACK)
        .when(cmd('CompleteRollback', { rollbackId: 'b1' }))
        .then([{ type: 'RollbackSucceeded', data: { siteId, environment: 'production', rollbackId: 'b1', releaseId: 'r0', previousReleaseId: 'r1' } }]);
      const s = given(siteDecider, ROLLING_BACK).when(cmd('CompleteRollback', { rollbackId: 'b1' })).thenState({ state: 'ACTIVE' });
      expect(s.environments.production).toMatchObject({ currentReleaseId: 'r0', previousReleaseId: 'r1' });
    });
    it('refused on the node before the switch: ROLLING_BACK -> ACTIVE', () => {
      const failed = cmd('FailRollback', { rollbackId: 'b1', error, phase: 'pre-switch' });
      given(siteDecider, ROLLING_BACK)
        .when(failed)
        .then([{ type: 'RollbackFailed', data: { siteId, environment: 'production', rollbackId: 'b1', error, phase: 'pre-switch' } }]);
      const s = given(siteDecider, ROLLING_BACK).when(failed).thenState({ state: 'ACTIVE', lastError: error });
      expect(s.environments.production.currentReleaseId).toBe('r1');
    });
    it('failed after the switch: ROLLING_BACK -> FAILED, and a retry re-runs it', () => {
      const failed = cmd('FailRollback', { rollbackId: 'b1', error, phase: 'post-switch' });
      given(siteDecider, ROLLING_BACK).when(failed).thenState({ state: 'FAILED' });
      const FAILED_ROLLBACK = [...ROLLING_BACK, { type: 'RollbackFailed', data: { siteId, environment: 'production', rollbackId: 'b1', error, phase: 'post-switch' } } as SiteEvent];
      given(siteDecider, FAILED_ROLLBACK)
        .when(cmd('RequestSiteRetry', {}))
        .then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'rollback', rollbackId: 'b1' } }]);
      given(siteDecider, FAILED_ROLLBACK).when(cmd('RequestSiteRetry', {})).thenState({ state: 'ROLLING_BACK' });
    });
    it('ignores stale reports', () => {
      given(siteDecider, TWO_RELEASES).when(cmd('CompleteRollback', { rollbackId: 'b1' })).then([]);
      given(siteDecider, ROLLING_BACK).when(cmd('CompleteRollback', { rollbackId: 'other' })).then([]);
      given(siteDecider, ROLLING_BACK).when(cmd('FailRollback', { rollbackId: 'other', error, phase: 'post-switch' })).then([]);
    });
  });

  describe('domains', () => {
    const change = (primary = 'new.example.com', aliases: string[] = ['www.new.example.com']) =>
      cmd('RequestDomainsChange', { changeId: 'c1', environment: 'production', primary, aliases });
    const requested: SiteEvent = {
      type: 'DomainsChangeRequested',
      data: { siteId, environment: 'production', changeId: 'c1', primary: 'new.example.com', aliases: ['www.new.example.com'], previousPrimary: 'shop.example.com' },
    };
    const UPDATING = [...ACTIVE, requested];

    it('starts from ACTIVE with the previous primary recorded: ACTIVE -> UPDATING_DOMAINS', () => {
      given(siteDecider, ACTIVE).when(change('New.Example.com')).then([requested]);
      given(siteDecider, ACTIVE).when(change()).thenState({ state: 'UPDATING_DOMAINS', lastOperation: 'domains' });
    });
    it('refuses invalid or repeated domains', () => {
      given(siteDecider, ACTIVE).when(change('bad domain')).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      given(siteDecider, ACTIVE).when(change('a.example.com', ['a.example.com'])).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      given(siteDecider, ACTIVE).when(change('a.example.com', ['b.example.com', 'b.example.com'])).thenThrows(InvalidValue, 'VALIDATION_FAILED');
    });
    it('needs an existing environment and ACTIVE', () => {
      given(siteDecider, ACTIVE).when({ ...change(), environment: 'staging' }).thenThrows(NotFound, 'NOT_FOUND');
      given(siteDecider, DEPLOYING).when(change()).thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.cannotChangeDomainsUnlessActive);
      given(siteDecider, FAILED).when(change()).thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION');
    });
    it('repeating the running change is a no-op', () => {
      given(siteDecider, UPDATING).when(change()).then([]);
    });
    it('succeeds: UPDATING_DOMAINS -> ACTIVE with the new domains', () => {
      given(siteDecider, UPDATING)
        .when(cmd('CompleteDomainsChange', { changeId: 'c1' }))
        .then([{ type: 'DomainsChanged', data: { siteId, environment: 'production', changeId: 'c1', primary: 'new.example.com', aliases: ['www.new.example.com'] } }]);
      const s = given(siteDecider, UPDATING).when(cmd('CompleteDomainsChange', { changeId: 'c1' })).thenState({ state: 'ACTIVE' });
      expect(s.environments.production.domains).toEqual(['new.example.com', 'www.new.example.com']);
    });
    it('fails: UPDATING_DOMAINS -> FAILED, domains unchanged, retry re-runs the change', () => {
      const failed = cmd('FailDomainsChange', { changeId: 'c1', error });
      given(siteDecider, UPDATING).when(failed).then([{ type: 'DomainsChangeFailed', data: { siteId, environment: 'production', changeId: 'c1', error } }]);
      const s = given(siteDecider, UPDATING).when(failed).thenState({ state: 'FAILED' });
      expect(s.environments.production.domains).toEqual(['shop.example.com']);
      const FAILED_CHANGE = [...UPDATING, { type: 'DomainsChangeFailed', data: { siteId, environment: 'production', changeId: 'c1', error } } as SiteEvent];
      given(siteDecider, FAILED_CHANGE).when(cmd('RequestSiteRetry', {})).then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'domains', changeId: 'c1' } }]);
    });
    it('ignores stale reports', () => {
      given(siteDecider, ACTIVE).when(cmd('CompleteDomainsChange', { changeId: 'c1' })).then([]);
      given(siteDecider, UPDATING).when(cmd('FailDomainsChange', { changeId: 'x', error })).then([]);
    });
  });

  describe('environment health', () => {
    const check = (healthy: boolean) =>
      cmd('RecordEnvironmentHealth', { environment: 'production', healthy, httpStatus: healthy ? 200 : 502, dbOk: healthy, reason: healthy ? 'ok' : 'HTTP 502' });
    const changed = (healthy: boolean): SiteEvent => ({
      type: 'EnvironmentHealthChanged',
      data: { siteId, environment: 'production', status: healthy ? 'healthy' : 'unhealthy', httpStatus: healthy ? 200 : 502, dbOk: healthy, reason: healthy ? 'ok' : 'HTTP 502' },
    });
    it('records the first result and then only changes', () => {
      given(siteDecider, ACTIVE).when(check(true)).then([changed(true)]);
      given(siteDecider, [...ACTIVE, changed(true)]).when(check(true)).then([]);
      given(siteDecider, [...ACTIVE, changed(true)]).when(check(false)).then([changed(false)]);
      given(siteDecider, [...ACTIVE, changed(true), changed(false)]).when(check(false)).then([]);
    });
    it('changes no lifecycle state', () => {
      given(siteDecider, ACTIVE).when(check(false)).thenState({ state: 'ACTIVE' });
      given(siteDecider, FAILED).when(check(true)).thenState({ state: 'FAILED' });
    });
    it('records nothing for a deleted site; needs an existing environment', () => {
      given(siteDecider, DELETED).when(check(false)).then([]);
      given(siteDecider, ACTIVE).when({ ...check(true), environment: 'staging' }).thenThrows(NotFound, 'NOT_FOUND');
    });
  });

  describe('evolve', () => {
    it('refuses to fold a history the lifecycle table forbids', () => {
      expect(() => foldEvents(siteDecider, [created, deployRequested()])).toThrow(RuleViolation);
    });
    it('builds the full state', () => {
      expect(foldEvents(siteDecider, [...ACTIVE, deployRequested(), deploySucceeded])).toEqual({
        exists: true,
        id: siteId,
        name: 'My Shop',
        slug: 'my-shop',
        adminEmail: 'admin@example.com',
        state: 'ACTIVE',
        lastOperation: 'deploy',
        lastError: null,
        environments: {
          production: {
            name: 'production',
            envSlug: 'my-shop',
            nodeId: 'n1',
            domains: ['shop.example.com'],
            phpVersion: '8.3',
            currentReleaseId: 'r1',
            previousReleaseId: 'r0',
            releases: ['r0', 'r1'],
            badReleaseIds: [],
            health: 'unknown',
            status: 'active',
          },
        },
        pendingDeploymentId: null,
        lastDeployment: { deploymentId: 'd1', environment: 'production', source },
        lastRollback: null,
        lastDomainsChange: null,
        backups: {},
        lastRestore: null,
        backupSchedules: {},
        backupDeletions: {},
        lastDeletion: null,
        lastClone: null,
        lastEnvironmentDeletion: null,
        lastPromotion: null,
      });
    });
  });
});
