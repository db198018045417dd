import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { RemoteRunner } from '../../ports/remote-runner.port';
import { ControlPlaneKey, NodeAddress, RemoteShell } from '../../ports/remote-shell.port';
import { NodeJobSupport, toNodeJobFailure } from '../node-jobs/node-job-support';

/**
 * The one package step before bootstrap: python3 and ansible-core, installed only when missing, so a
 * second bootstrap changes nothing. It also reports the OS (for php_version). Runs as root.
 */
export const ENSURE_ANSIBLE_SCRIPT = [
  '. /etc/os-release 2>/dev/null || true',
  'echo "os ${ID:-unknown} ${VERSION_ID:-unknown}"',
  'if command -v ansible-playbook >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then echo "ansible present"; exit 0; fi',
  'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 ansible-core >/dev/null || exit $?',
  'echo "ansible installed"',
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
 * Summary: {facts, runId, changed}. SSH errors: see toNodeJobFailure.
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
      const { address } = await this.support.node(ctx);
      const os = await this.ensureAnsible(address, ctx);
      const vars = {
        pressluft_public_key: this.key.publicKey(),
        php_version: phpVersionFor(os.id, os.versionId),
        manage_firewall: this.support.settings.manageFirewall,
        install_wpcli: false,
      };
      ctx.log(`running bootstrap.yml (php ${vars.php_version}, firewall ${vars.manage_firewall ? 'on' : 'off'})`);
      const result = await this.runner.run(address, 'bootstrap', vars, ctx);
      const facts = await this.support.readJson(address, `${this.support.settings.remoteRoot}/facts.json`);
      if (!facts) throw new JobFailure('REMOTE_RUN_FAILED', `bootstrap.yml finished but ${this.support.settings.remoteRoot}/facts.json is missing or not JSON`, true);
      return { summary: { facts, runId: result.runId, changed: result.changed } };
    } catch (err) {
      throw toNodeJobFailure(err);
    }
  }

  private async ensureAnsible(node: NodeAddress, ctx: JobContext): Promise<{ id: string; versionId: string }> {
    const t0 = Date.now();
    const res = await this.shell.exec(node, this.support.asRoot(node, ['sh', '-c', ENSURE_ANSIBLE_SCRIPT]), { timeoutMs: 20 * 60_000, signal: ctx.signal });
    const lines = res.stdout.split('\n');
    const [, id = 'unknown', versionId = 'unknown'] = (lines.find((l) => l.startsWith('os ')) ?? '').split(' ');
    if (res.code !== 0) {
      throw new JobFailure('REMOTE_COMMAND_FAILED', `installing python3 and ansible-core failed (exit ${res.code}): ${res.stderr.trim().slice(-500)}`, true);
    }
    ctx.log(`${lines.find((l) => l.startsWith('ansible ')) ?? 'ansible checked'} on ${id} ${versionId} (${Date.now() - t0} ms)`);
    return { id, versionId };
  }
}
