import { Injectable } from '@nestjs/common';
import { foldEvents } from '../../../domain/common/domain-event';
import { SiteEnvironmentState, siteDecider, SiteState } from '../../../domain/site/site.decider';
import type { BackupCompletedData, BackupPurpose } from '../../../domain/site/site-backup.events';
import type { SiteCommand } from '../../../domain/site/site.commands';
import { PRODUCTION_ENVIRONMENT, SiteEvent, siteStreamId } from '../../../domain/site/site.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { jobCommandId } from '../../jobs/job-command-id';
import { DeployKeyGenerator } from '../../ports/deploy-key-generator.port';
import { EventStore } from '../../ports/event-store.port';
import { JobContext, JobFailure } from '../../ports/job-queue.port';
import { NodeAccessSettings } from '../../ports/node-access.port';
import { RemoteRunner, RemoteRunResult } from '../../ports/remote-runner.port';
import { NodeAddress } from '../../ports/remote-shell.port';
import { EnvironmentSecrets, SiteSecretStore } from '../../ports/site-secrets.port';
import { NodeJobSupport, toNodeJobFailure } from '../../nodes/node-jobs/node-job-support';
import { NO_RESTIC, ResticAccess, ResticTarget } from '../../nodes/backup-repository/restic-access';
import { deployKeyComment, generateEnvironmentSecrets, secretValues } from './generate-site-secrets';
import { environmentNames, EnvironmentNames } from './site-names';

/** Everything a site job works on: the site as its stream says, the environment, its node and names. */
export interface SiteJobTarget {
  readonly site: SiteState;
  readonly siteId: string;
  readonly env: SiteEnvironmentState;
  readonly node: NodeAddress;
  readonly nodeFacts: Record<string, unknown>;
  readonly names: EnvironmentNames;
  /** pressluft_home for every playbook (uploads, helpers). */
  readonly root: string;
}

/** What every site job handler shares: loading the target, its secrets (registered with the job), playbook runs. */
@Injectable()
export class SiteJobSupport {
  constructor(
    private readonly store: EventStore,
    private readonly nodes: NodeJobSupport,
    private readonly secrets: SiteSecretStore,
    private readonly runner: RemoteRunner,
    private readonly settings: NodeAccessSettings,
    private readonly decideAndAppend: DecideAndAppend,
    private readonly deployKeys: DeployKeyGenerator,
    private readonly resticAccess: ResticAccess,
  ) {}

  /** The restic repository of the environment's node (its secrets registered with the job), or null. */
  restic(ctx: JobContext, target: SiteJobTarget): ResticTarget | null {
    return this.resticAccess.forNode(target.env.nodeId, ctx);
  }

  /** The site of `payload.siteId` folded from its stream, and the environment (`payload.environment` or `fallback`). */
  async target(ctx: JobContext, environment?: string): Promise<SiteJobTarget> {
    const siteId = String(ctx.job.payload.siteId ?? '');
    const slice = this.store.readStream(siteStreamId(siteId));
    const site = foldEvents(siteDecider, slice.events as unknown as SiteEvent[]);
    if (!site.exists) throw new JobFailure('NOT_FOUND', `site ${siteId} does not exist`, false);
    const name = environment ?? (typeof ctx.job.payload.environment === 'string' ? ctx.job.payload.environment : PRODUCTION_ENVIRONMENT);
    const env = site.environments[name];
    if (!env) throw new JobFailure('NOT_FOUND', `site ${siteId} has no environment ${name}`, false);
    const node = await this.nodes.nodeById(env.nodeId, ctx);
    return { site, siteId, env, node: node.address, nodeFacts: node.facts, names: environmentNames(env.envSlug), root: this.settings.remoteRoot };
  }

  /**
   * The environment's secrets, registered with the job before any run, so no log line, run event or
   * failure message can carry them. Created when missing (a site made before secrets were kept, or a
   * lost create transaction): the admin password is then one nobody was shown.
   */
  secretsFor(ctx: JobContext, target: SiteJobTarget): EnvironmentSecrets {
    const { siteId, env } = target;
    let secrets = this.secrets.get(siteId, env.name);
    if (!secrets) {
      secrets = this.secrets.create(siteId, env.name, generateEnvironmentSecrets(this.deployKeys.generate(deployKeyComment(env.envSlug))));
    } else if (!secrets.deployKey) {
      // made before environments got deploy keys: it gets one now, shown from then on
      secrets = { ...secrets, deployKey: this.deployKeys.generate(deployKeyComment(env.envSlug)) };
      this.secrets.update(siteId, env.name, secrets);
    }
    for (const value of secretValues(secrets)) ctx.addSecret(value);
    return secrets;
  }

  /** The names every site playbook asserts, plus pressluft_home and the PHP version of the environment. */
  baseVars(target: SiteJobTarget): Record<string, unknown> {
    return { ...target.names, env_name: target.env.name, site_id: target.siteId, php_version: target.env.phpVersion, pressluft_home: target.root };
  }

  /**
   * The vars of a site-backup.yml run: the backup's id, scope and purpose (a final backup is written
   * to deleted-site-backups/), the DB password (registered as a secret by secretsFor), and the
   * retention of final backups, which every backup run prunes on its node, and the node's restic
   * repository when it has one (the backup is sent there too).
   */
  backupVars(
    target: SiteJobTarget,
    backup: { backupId: string; scope: string; purpose: BackupPurpose },
    dbPassword: string,
    restic: ResticTarget | null,
  ): Record<string, unknown> {
    return {
      ...this.baseVars(target),
      ...(restic?.vars ?? NO_RESTIC),
      backup_id: backup.backupId,
      scope: backup.scope,
      purpose: backup.purpose,
      db_password: dbPassword,
      deleted_site_backup_days: this.settings.deletedSiteBackupDays ?? 30,
    };
  }

  /** Where a final backup lives on its node (site-backup.yml's pl_backup_dest for purpose final). */
  finalBackupPath(target: SiteJobTarget, backupId: string): string {
    return `${target.root}/deleted-site-backups/${target.env.envSlug}-${backupId}`;
  }

  /** One step of the job (`step` defaults to the playbook): a finished step is not launched again by a later attempt. */
  run(target: SiteJobTarget, playbook: string, vars: Record<string, unknown>, ctx: JobContext, step?: string): Promise<RemoteRunResult> {
    return this.runner.run(target.node, playbook, vars, ctx, step ? { step } : undefined);
  }

  upload(target: SiteJobTarget, localPath: string, ctx: JobContext) {
    return this.runner.upload(target.node, localPath, ctx);
  }

  /**
   * Records a fact of the running job on the site's stream (by the worker, once per job run and step:
   * a later attempt's repeat is a duplicate). Throws the decider's DomainError when a rule refuses it.
   */
  record(ctx: JobContext, command: SiteCommand, step: string): void {
    this.decideAndAppend.run(siteStreamId(command.siteId), siteDecider, command, {
      actor: 'system:worker',
      commandId: jobCommandId(ctx.job, step),
      correlationId: ctx.job.correlationId,
    });
  }

  /** The completed backup as its BackupCompleted event recorded it (parts with size and sha256), or null. */
  completedBackup(siteId: string, backupId: string): BackupCompletedData | null {
    const events = this.store.readStream(siteStreamId(siteId)).events as unknown as SiteEvent[];
    const done = events.find((e) => e.type === 'BackupCompleted' && e.data.backupId === backupId);
    return done ? (done.data as BackupCompletedData) : null;
  }

  forget(siteId: string): void {
    this.secrets.removeSite(siteId);
  }

  forgetEnvironment(siteId: string, environment: string): void {
    this.secrets.removeEnvironment(siteId, environment);
  }
}

/** The playbook's `pl_result` from a run or from a failure's summary (`outputs`). */
export function plResult(source: RemoteRunResult | JobFailure | unknown): Record<string, unknown> | null {
  if (source instanceof JobFailure) {
    const outputs = source.summary?.outputs;
    return outputs && typeof outputs === 'object' ? (outputs as Record<string, unknown>) : null;
  }
  const outputs = (source as RemoteRunResult | undefined)?.outputs;
  return outputs && typeof outputs === 'object' ? outputs : null;
}

export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export { toNodeJobFailure as toSiteJobFailure };

/**
 * A failure of a switching job (deploy, rollback) before its playbook was launched: nothing on the node
 * changed, so its outcome is pre-switch (the site keeps its live release and stays ACTIVE).
 */
export function failedBeforeLaunch(err: unknown): JobFailure {
  const failure = toNodeJobFailure(err);
  return new JobFailure(failure.code, failure.message, failure.retryable, { ...failure.summary, phase: 'pre-switch' });
}
