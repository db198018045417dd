import { ResticAccess } from '../../src/application/nodes/backup-repository/restic-access';
import { DecideAndAppend } from '../../src/application/common/decide-and-append';
import type { NodeJobSupport } from '../../src/application/nodes/node-jobs/node-job-support';
import { DeployKeyGenerator } from '../../src/application/ports/deploy-key-generator.port';
import { EventStore } from '../../src/application/ports/event-store.port';
import type { NodeAccessSettings } from '../../src/application/ports/node-access.port';
import type { RemoteRunner } from '../../src/application/ports/remote-runner.port';
import { SiteSecretStore } from '../../src/application/ports/site-secrets.port';
import { SiteJobSupport } from '../../src/application/sites/site-jobs/site-job-support';
import type { TestApp } from './test-app';

/**
 * The real SiteJobSupport over a scripted runner (the node/Ansible boundary), built from the app's own
 * store, decider, secrets and keys; the environment's node is a made-up address nobody contacts.
 */
export function scriptedSiteJobSupport(t: TestApp, runner: Pick<RemoteRunner, 'run'>): SiteJobSupport {
  return new SiteJobSupport(
    t.app.get(EventStore),
    { nodeById: async () => ({ address: { host: '10.254.251.3', port: 22 }, status: 'ready', facts: {} }) } as unknown as NodeJobSupport,
    t.app.get(SiteSecretStore),
    runner as unknown as RemoteRunner,
    { remoteRoot: '/var/lib/pressluft', hostKeyScan: false, manageFirewall: false, lockRootLogin: false, connectTimeoutMs: 1000 } satisfies NodeAccessSettings,
    t.app.get(DecideAndAppend),
    t.app.get(DeployKeyGenerator),
    t.app.get(ResticAccess),
  );
}
