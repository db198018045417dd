import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../domain/common/domain-error';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { RemoteRunner } from '../../ports/remote-runner.port';
import { ControlPlaneKey, NodeAddress, RemoteShell } from '../../ports/remote-shell.port';
import { NodeJobSupport, toNodeJobFailure } from '../node-jobs/node-job-support';

/** The management user bootstrap.yml creates (its `pressluft_user`); the control plane continues as it. */
export const MANAGEMENT_USER = 'pressluft';

/**
 * Before bootstrap: is python3 + ansible-core there, and which OS is it (for php_version)? Needs no
 * root, so it runs unprivileged for every SSH user.
 */
export const PROBE_ANSIBLE_SCRIPT = [
  '. /etc/os-release 2>/dev/null || true',
  'echo "os ${ID:-unknown} ${VERSION_ID:-unknown}"',
  'if command -v ansible-playbook >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then echo "ansible present"; else echo "ansible missing"; fi',
].join('\n');

/** PHP from the distribution's own packages, per release; 8.2 when the release is unknown. */
export function phpVersionFor(osId: string, versionId: string): string {
  const table: Record<string, string> = {
    'debian 11': '7.4',
    'debian 12': '8.2',
    'debian 13': '8.4',
    'ubuntu 20.04': '7.4',
    'ubuntu 22.04': '8.1',
    'ubuntu 24.04': '8.3',
  };
  return table[`${osId} ${versionId}`] ?? '8.2';
}

/**
 * `node.bootstrap`: python3 + ansible-core (one idempotent package step over SSH), then bootstrap.yml
 * through the detached runner, then the facts the playbook wrote (`<remote root>/facts.json`).
 *
 * bootstrap.yml creates the management user `pressluft` (key login; its one sudo command is the entry
 * point /usr/local/sbin/pressluft-node) and, unless PRESSLUFT_LOCK_ROOT_LOGIN=off, turns root's SSH login
 * off. When facts.json names that user, the handler logs in as it and reads facts.json through
 * `sudo -n pressluft-node read facts` (the proof that the control plane can work as it); the outcome then switches the node's SSH user (NodeManagementUserSwitched), so every
 * later job connects as `pressluft`. A node whose registered user can no longer log in (root locked by
 * an earlier bootstrap whose switch was never recorded) is reached as `pressluft` instead.
 * Summary: {facts, runId, changed, managementUser}. SSH errors: see toNodeJobFailure.
 */
@Injectable()
export class BootstrapNodeJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.nodeBootstrap;

  constructor(
    private readonly support: NodeJobSupport,
    private readonly shell: RemoteShell,
    private readonly runner: RemoteRunner,
    private readonly key: ControlPlaneKey,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const registered = (await this.support.node(ctx)).address;
      const { address, os } = await this.ensureAnsible(registered, ctx);
      const settings = this.support.settings;
      const vars = {
        pressluft_public_key: this.key.publicKey(),
        pressluft_user: MANAGEMENT_USER,
        pressluft_home: settings.remoteRoot, // bundles, runs, facts.json: where the runner and the checks below look
        php_version: phpVersionFor(os.id, os.versionId),
        manage_firewall: settings.manageFirewall,
        lock_root_login: settings.lockRootLogin,
        install_wpcli: false,
      };
      ctx.log(
        `running bootstrap.yml as ${address.user} (php ${vars.php_version}, firewall ${vars.manage_firewall ? 'on' : 'off'}, root login ${vars.lock_root_login ? 'off' : 'kept'})`,
      );
      const result = await this.runner.run(address, 'bootstrap', vars, ctx);
      const facts = await this.readFacts(address);
      if (!facts) throw new JobFailure('REMOTE_RUN_FAILED', `bootstrap.yml finished but ${settings.remoteRoot}/facts.json is missing or not JSON`, true);
      const managementUser = typeof facts.management_user === 'string' ? facts.management_user : null;
      if (managementUser && managementUser !== address.user) await this.verifyManagementUser({ ...address, user: managementUser }, ctx);
      return { summary: { facts, runId: result.runId, changed: result.changed, managementUser } };
    } catch (err) {
      throw toNodeJobFailure(err);
    }
  }

  /** The probe as the registered user; when that user's login is refused, as the management user. */
  private async ensureAnsible(registered: NodeAddress, ctx: JobContext): Promise<{ address: NodeAddress; os: { id: string; versionId: string } }> {
    const t0 = Date.now();
    let address = registered;
    let probe;
    try {
      probe = await this.shell.exec(address, ['sh', '-c', PROBE_ANSIBLE_SCRIPT], { timeoutMs: 60_000, signal: ctx.signal });
    } catch (err) {
      if (!(isAuthFailure(err) && registered.user !== MANAGEMENT_USER)) throw err;
      ctx.log(`${registered.user}@${registered.host} may not log in (${(err as Error).message}); trying ${MANAGEMENT_USER}`);
      address = { ...registered, user: MANAGEMENT_USER };
      probe = await this.shell.exec(address, ['sh', '-c', PROBE_ANSIBLE_SCRIPT], { timeoutMs: 60_000, signal: ctx.signal });
    }
    const lines = probe.stdout.split('\n');
    const [, id = 'unknown', versionId = 'unknown'] = (lines.find((l) => l.startsWith('os ')) ?? '').split(' ');
    if (probe.code !== 0) throw new JobFailure('REMOTE_COMMAND_FAILED', `probing the node failed (exit ${probe.code}): ${probe.stderr.trim().slice(-500)}`, true);
    if (lines.includes('ansible present')) {
      ctx.log(`ansible present on ${id} ${versionId} (${Date.now() - t0} ms)`);
      return { address, os: { id, versionId } };
    }
    // As root, or an operator's sudo user before bootstrap: the entry point's fixed package step.
    await this.runner.ensureAnsible(address, ctx);
    ctx.log(`ansible installed on ${id} ${versionId} (${Date.now() - t0} ms)`);
    return { address, os: { id, versionId } };
  }

  /** facts.json as the user the run went through; after a root lockout whose connection is gone, as the management user. */
  private async readFacts(address: NodeAddress): Promise<Record<string, unknown> | null> {
    try {
      return await this.runner.readReport(address, 'facts');
    } catch (err) {
      if (!(isAuthFailure(err) && address.user !== MANAGEMENT_USER)) throw err;
      return this.runner.readReport({ ...address, user: MANAGEMENT_USER }, 'facts');
    }
  }

  /** A fresh login as the management user and a read of facts.json through its one sudo command: what every later job relies on. */
  private async verifyManagementUser(node: NodeAddress, ctx: JobContext): Promise<void> {
    const facts = await this.runner.readReport(node, 'facts').catch((err: unknown) => {
      throw new JobFailure(
        'REMOTE_COMMAND_FAILED',
        `bootstrap set up ${node.user}, but logging in as ${node.user}@${node.host} failed: ${err instanceof Error ? err.message : String(err)}`,
        true,
      );
    });
    if (!facts) {
      throw new JobFailure('REMOTE_COMMAND_FAILED', `bootstrap set up ${node.user}, but "sudo -n /usr/local/sbin/pressluft-node read facts" failed as it`, true);
    }
    ctx.log(`logged in as ${node.user}@${node.host} with sudo -n: later jobs connect as ${node.user}`);
  }
}

/** ssh2 reports a refused login as "All configured authentication methods failed". */
function isAuthFailure(err: unknown): boolean {
  return err instanceof DomainError && err.code === 'NODE_UNREACHABLE' && /authentication/i.test(err.message);
}
