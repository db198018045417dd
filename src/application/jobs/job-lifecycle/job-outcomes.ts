import type { CertificateCommand } from '../../../domain/certificate/certificate.commands';
import type { NodeCommand } from '../../../domain/node/node.commands';
import type { BackupContents } from '../../../domain/site/site-backup.events';
import type { SiteCommand } from '../../../domain/site/site.commands';
import type { DriftBaseline } from '../../../domain/site/site-environment.events';
import type { JobError, JobRecord } from '../../ports/job-queue.port';
import { JOB_KINDS } from '../job-kinds';

export type OutcomeCommand =
  | { aggregate: 'site'; command: SiteCommand }
  | { aggregate: 'node'; command: NodeCommand }
  | { aggregate: 'certificate'; command: CertificateCommand };

type Summary = Record<string, unknown> | undefined;

interface OutcomeMap {
  /** More than one command when the job's result is a fact for more than one stream. */
  succeeded(job: JobRecord, summary: Summary): OutcomeCommand | readonly OutcomeCommand[] | undefined;
  /** Only when the job has finally failed (no attempts left) or was cancelled. */
  failed(job: JobRecord, error: JobError, summary: Summary): OutcomeCommand | undefined;
}

const siteId = (job: JobRecord) => String(job.payload.siteId);
const nodeId = (job: JobRecord) => String(job.payload.nodeId);
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const certificateRef = (job: JobRecord) => ({ siteId: siteId(job), environment: String(job.payload.environment), requestId: String(job.payload.requestId) });

/**
 * What a finished job means for its site or node: the command the worker sends so the aggregate
 * leaves its in-progress state. Kinds without an entry have no domain outcome.
 */
export const JOB_OUTCOMES: Record<string, OutcomeMap> = {
  [JOB_KINDS.siteProvision]: {
    succeeded: (job, s) => ({ aggregate: 'site', command: { type: 'CompleteSiteProvisioning', siteId: siteId(job), releaseId: str(s?.releaseId) } }),
    failed: (job, error) => ({ aggregate: 'site', command: { type: 'FailSiteProvisioning', siteId: siteId(job), error } }),
  },
  [JOB_KINDS.siteDeploy]: {
    succeeded: (job, s) => ({
      aggregate: 'site',
      command: { type: 'CompleteDeploy', siteId: siteId(job), deploymentId: String(job.payload.deploymentId), releaseId: String(s?.releaseId ?? '') },
    }),
    failed: (job, error, s) => ({
      aggregate: 'site',
      command: {
        type: 'FailDeploy',
        siteId: siteId(job),
        deploymentId: String(job.payload.deploymentId),
        error,
        rolledBack: s?.rolledBack === true,
        phase: s?.phase === 'pre-switch' ? 'pre-switch' : 'post-switch',
        releaseId: str(s?.releaseId),
      },
    }),
  },
  [JOB_KINDS.siteRollback]: {
    succeeded: (job) => ({ aggregate: 'site', command: { type: 'CompleteRollback', siteId: siteId(job), rollbackId: String(job.payload.rollbackId) } }),
    // Only a rollback that changed the live release and could not put it back leaves FAILED.
    failed: (job, error, s) => ({
      aggregate: 'site',
      command: { type: 'FailRollback', siteId: siteId(job), rollbackId: String(job.payload.rollbackId), error, phase: s?.phase === 'pre-switch' ? 'pre-switch' : 'post-switch' },
    }),
  },
  [JOB_KINDS.siteDomains]: {
    succeeded: (job) => ({ aggregate: 'site', command: { type: 'CompleteDomainsChange', siteId: siteId(job), changeId: String(job.payload.changeId) } }),
    failed: (job, error) => ({ aggregate: 'site', command: { type: 'FailDomainsChange', siteId: siteId(job), changeId: String(job.payload.changeId), error } }),
  },
  [JOB_KINDS.siteClone]: {
    succeeded: (job, s) => ({
      aggregate: 'site',
      command: { type: 'CompleteEnvironmentClone', siteId: siteId(job), cloneId: String(job.payload.cloneId), releaseId: str(s?.releaseId), baseline: s?.baseline as DriftBaseline },
    }),
    failed: (job, error) => ({ aggregate: 'site', command: { type: 'FailEnvironmentClone', siteId: siteId(job), cloneId: String(job.payload.cloneId), error } }),
  },
  // The snapshot is a fact on the site's stream, where the waiting promotion request reads it; a failed check records nothing.
  [JOB_KINDS.siteDriftCheck]: {
    succeeded: (job, s) => ({
      aggregate: 'site',
      command: { type: 'RecordDriftSnapshot', siteId: siteId(job), environment: String(job.payload.environment), checkId: job.id, snapshot: s?.snapshot as DriftBaseline },
    }),
    failed: () => undefined,
  },
  // The decider makes a failure pre-overwrite whenever no overwrite was authorized, whatever the summary says.
  [JOB_KINDS.sitePromote]: {
    succeeded: (job, s) => ({
      aggregate: 'site',
      command: {
        type: 'CompletePromotion',
        siteId: siteId(job),
        promotionId: String(job.payload.promotionId),
        releaseId: String(s?.releaseId ?? ''),
        tables: Array.isArray(s?.tables) ? s.tables.map(String) : [],
        uploadsCopied: s?.uploadsCopied === true,
        baseline: (s?.baseline as DriftBaseline | undefined) ?? null,
      },
    }),
    failed: (job, error, s) => ({
      aggregate: 'site',
      command: {
        type: 'FailPromotion',
        siteId: siteId(job),
        promotionId: String(job.payload.promotionId),
        error,
        phase: s?.phase === 'pre-overwrite' ? 'pre-overwrite' : 'post-overwrite',
        rolledBack: s?.rolledBack === true,
        rollbackError: (s?.rollbackError as { code: string; message: string } | undefined) ?? null,
      },
    }),
  },
  [JOB_KINDS.siteEnvironmentDelete]: {
    succeeded: (job) => ({
      aggregate: 'site',
      command: { type: 'CompleteEnvironmentDeletion', siteId: siteId(job), environmentDeletionId: String(job.payload.environmentDeletionId) },
    }),
    failed: (job, error) => ({
      aggregate: 'site',
      command: { type: 'FailEnvironmentDeletion', siteId: siteId(job), environmentDeletionId: String(job.payload.environmentDeletionId), error },
    }),
  },
  // Periodic checks change nothing unless the environment's status changes (the decider emits nothing otherwise).
  [JOB_KINDS.siteHealthCheck]: {
    succeeded: (job, s) => ({
      aggregate: 'site',
      command: {
        type: 'RecordEnvironmentHealth',
        siteId: siteId(job),
        environment: String(s?.environment ?? job.payload.environment ?? 'production'),
        healthy: s?.healthy === true,
        httpStatus: typeof s?.httpStatus === 'number' ? s.httpStatus : null,
        dbOk: typeof s?.dbOk === 'boolean' ? s.dbOk : null,
        reason: String(s?.reason ?? ''),
      },
    }),
    failed: (job, error) =>
      error.code === 'JOB_CANCELLED' || error.code === 'NOT_FOUND'
        ? undefined
        : {
            aggregate: 'site',
            command: {
              type: 'RecordEnvironmentHealth',
              siteId: siteId(job),
              environment: String(job.payload.environment ?? 'production'),
              healthy: false,
              httpStatus: null,
              dbOk: null,
              reason: `the health check could not run: ${error.message}`.slice(0, 500),
            },
          },
  },
  [JOB_KINDS.siteReset]: {
    succeeded: (job) => ({ aggregate: 'site', command: { type: 'CompleteSiteReset', siteId: siteId(job) } }),
    failed: (job, error) => ({ aggregate: 'site', command: { type: 'FailSiteReset', siteId: siteId(job), error } }),
  },
  [JOB_KINDS.siteDelete]: {
    succeeded: (job) => ({ aggregate: 'site', command: { type: 'CompleteSiteDeletion', siteId: siteId(job) } }),
    // The decider makes a failure pre-removal whenever no removal was authorized, whatever the summary says.
    failed: (job, error, s) => ({
      aggregate: 'site',
      command: { type: 'FailSiteDeletion', siteId: siteId(job), error, phase: s?.phase === 'pre-removal' ? 'pre-removal' : 'post-removal' },
    }),
  },
  // The result of restic check goes to the node stream (for the repository the job was queued for).
  [JOB_KINDS.nodeBackupRepositoryCheck]: {
    succeeded: (job, s) =>
      s?.stale === true
        ? undefined
        : { aggregate: 'node', command: { type: 'RecordBackupRepositoryCheck', nodeId: nodeId(job), repositoryId: String(job.payload.repositoryId), ok: true } },
    failed: (job, error) => ({
      aggregate: 'node',
      command: { type: 'RecordBackupRepositoryCheck', nodeId: nodeId(job), repositoryId: String(job.payload.repositoryId), ok: false, error: { code: error.code, message: error.message } },
    }),
  },
  // A backup changes no lifecycle state: its outcome only completes or fails the backup.
  [JOB_KINDS.siteBackup]: {
    succeeded: (job, s) => ({
      aggregate: 'site',
      command: { type: 'CompleteBackup', siteId: siteId(job), backupId: String(job.payload.backupId), contents: s?.contents as BackupContents },
    }),
    failed: (job, error) => ({ aggregate: 'site', command: { type: 'FailBackup', siteId: siteId(job), backupId: String(job.payload.backupId), error } }),
  },
  [JOB_KINDS.siteBackupPrune]: {
    succeeded: (job) => ({ aggregate: 'site', command: { type: 'CompleteBackupDeletion', siteId: siteId(job), deletionId: String(job.payload.deletionId) } }),
    failed: (job, error) => ({ aggregate: 'site', command: { type: 'FailBackupDeletion', siteId: siteId(job), deletionId: String(job.payload.deletionId), error } }),
  },
  // The decider makes a failure pre-overwrite whenever no overwrite was authorized, whatever the summary says.
  [JOB_KINDS.siteRestore]: {
    succeeded: (job, s) => ({ aggregate: 'site', command: { type: 'CompleteRestore', siteId: siteId(job), restoreId: String(job.payload.restoreId), releaseId: str(s?.releaseId) } }),
    failed: (job, error, s) => ({
      aggregate: 'site',
      command: {
        type: 'FailRestore',
        siteId: siteId(job),
        restoreId: String(job.payload.restoreId),
        error,
        phase: s?.phase === 'pre-overwrite' ? 'pre-overwrite' : 'post-overwrite',
        rolledBack: s?.rolledBack === true,
        rollbackError: (s?.rollbackError as { code: string; message: string } | undefined) ?? null,
      },
    }),
  },
  // Never the site's lifecycle: a certificate's outcome goes to the site's certificate stream, and an
  // https switch (its snapshots around the URL rewrite) to the site's, where the clones' baselines take it in.
  [JOB_KINDS.siteCertificate]: {
    succeeded: (job, s) => {
      const certificate: OutcomeCommand = {
        aggregate: 'certificate',
        command: {
          type: 'CompleteCertificate',
          ...certificateRef(job),
          renewed: s?.renewed === true,
          certificate: {
            serial: String(s?.serial ?? ''),
            domains: Array.isArray(s?.domains) ? s.domains.map(String) : [],
            notBefore: String(s?.notBefore ?? ''),
            notAfter: String(s?.notAfter ?? ''),
            renewAt: String(s?.renewAt ?? ''),
          },
          hsts: s?.hsts === true,
        },
      };
      const httpsSwitch = s?.httpsSwitch as { before: DriftBaseline; after: DriftBaseline } | undefined;
      if (!httpsSwitch) return certificate;
      const { siteId, environment } = certificateRef(job);
      return [certificate, { aggregate: 'site', command: { type: 'RecordHttpsSwitch', siteId, environment, before: httpsSwitch.before, after: httpsSwitch.after } }];
    },
    failed: (job, error, s) => ({
      aggregate: 'certificate',
      command: { type: 'FailCertificate', ...certificateRef(job), error, ...(Array.isArray(s?.domains) ? { domains: s.domains.map(String) } : {}) },
    }),
  },
  [JOB_KINDS.nodeBootstrap]: {
    succeeded: (job, s) => ({
      aggregate: 'node',
      command: {
        type: 'CompleteNodeBootstrap',
        nodeId: nodeId(job),
        facts: (s?.facts as Record<string, unknown>) ?? {},
        managementUser: str(s?.managementUser),
      },
    }),
    failed: (job, error) => ({ aggregate: 'node', command: { type: 'FailNodeBootstrap', nodeId: nodeId(job), error } }),
  },
  // Health checks change the node only when its reachability changes (the decider emits nothing otherwise).
  [JOB_KINDS.nodeHealthCheck]: {
    succeeded: (job) => ({ aggregate: 'node', command: { type: 'RecordNodeHealth', nodeId: nodeId(job), reachable: true, reason: 'health check reached the node over SSH' } }),
    failed: (job, error, s) => {
      if (error.code === 'NODE_UNREACHABLE') {
        return { aggregate: 'node', command: { type: 'RecordNodeHealth', nodeId: nodeId(job), reachable: false, reason: error.message } };
      }
      if (error.code === 'HOST_KEY_MISMATCH') {
        return { aggregate: 'node', command: { type: 'RecordHostKeyMismatch', nodeId: nodeId(job), presentedFingerprint: str(s?.presentedFingerprint) } };
      }
      return undefined;
    },
  },
};
