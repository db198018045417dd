import { JobFailure, type JobContext, type JobHandler, type JobHandlerResult } from '../../src/application/ports/job-queue.port';
import type { RemoteRunResult } from '../../src/application/ports/remote-runner.port';
import { DeleteEnvironmentJobHandler } from '../../src/application/sites/delete-environment/delete-environment.job-handler';
import { DeleteSiteJobHandler } from '../../src/application/sites/delete-site/delete-site.job-handler';
import { scriptedSiteJobSupport } from './scripted-site-job-support';
import type { TestApp } from './test-app';

export const FINAL_BACKUP_PARTS = [
  { name: 'db', file: 'db.sql.gz', size: 100, sha256: 'a'.repeat(64) },
  { name: 'files', file: 'files.tar.gz', size: 200, sha256: 'b'.repeat(64) },
  { name: 'code', file: 'code.tar.gz', size: 300, sha256: 'c'.repeat(64) },
];

/** What site-backup.yml and site-delete.yml would report, and every run asked for (playbook and vars). */
export class ScriptedDeletionRunner {
  readonly runs: { playbook: string; vars: Record<string, unknown> }[] = [];
  finalBackupFails = false;
  /** What site-environment-delete.yml reports when its restic step fails ({code, reason}), or null. */
  environmentDeleteFails: { code: string; reason: string } | null = null;

  async run(_node: unknown, playbook: string, vars: Record<string, unknown>): Promise<RemoteRunResult> {
    this.runs.push({ playbook, vars });
    const result = (outputs: Record<string, unknown>): RemoteRunResult => ({ runId: `r${this.runs.length}`, rc: 0, stats: {}, changed: 1, failedTasks: [], reattached: false, outputs, recorded: true });
    if (playbook === 'site-backup') {
      if (this.finalBackupFails) {
        throw new JobFailure('REMOTE_RUN_FAILED', 'site-backup failed', false, { outputs: { ok: false, code: 'BACKUP_FAILED', reason: 'No space left on device' } });
      }
      const path = `/var/lib/pressluft/deleted-site-backups/${String(vars.env_slug)}-${String(vars.backup_id)}`;
      return result({ ok: true, path, manifest: { backupId: vars.backup_id, scope: vars.scope, purpose: vars.purpose, releaseId: 'release-1', wordpressVersion: '6.1.9', tables: ['wp_posts'], parts: FINAL_BACKUP_PARTS } });
    }
    if (playbook === 'site-environment-delete' && this.environmentDeleteFails) {
      throw new JobFailure('REMOTE_RUN_FAILED', 'site-environment-delete failed', true, { outputs: { ok: false, ...this.environmentDeleteFails } });
    }
    // site-environment-delete.yml forgets the named backups' restic snapshots when the node has a repository
    const forgotten = playbook === 'site-environment-delete' && vars.restic_repository ? vars.backup_ids : [];
    return result({ deleted: true, forgotten });
  }
}

/**
 * The real site.delete handler (final backups, AuthorizeSiteDeletion, then site-delete) over a
 * scripted runner, for tests whose node side is scripted: a bare ScriptedHandler that only reports
 * success would break the deletion's guard, and the decider records that as a failure. Built on
 * first use from the app's own store, decider, secrets and keys (`app()` is called then).
 */
export function scriptedDeletionHandler(app: () => TestApp, runner = new ScriptedDeletionRunner()): JobHandler & { runner: ScriptedDeletionRunner } {
  let real: DeleteSiteJobHandler | undefined;
  return {
    kind: 'site.delete',
    runner,
    handle(ctx: JobContext): Promise<JobHandlerResult> {
      real ??= new DeleteSiteJobHandler(scriptedSiteJobSupport(app(), runner));
      return real.handle(ctx);
    },
  };
}

/** The real site.environment-delete handler over a scripted runner (the vars it sends, restic's among them). */
export function scriptedEnvironmentDeletionHandler(app: () => TestApp, runner = new ScriptedDeletionRunner()): JobHandler & { runner: ScriptedDeletionRunner } {
  let real: DeleteEnvironmentJobHandler | undefined;
  return {
    kind: 'site.environment-delete',
    runner,
    handle(ctx: JobContext): Promise<JobHandlerResult> {
      real ??= new DeleteEnvironmentJobHandler(scriptedSiteJobSupport(app(), runner));
      return real.handle(ctx);
    },
  };
}
