import { pollUntil } from './poll-until';
import type { TestApp } from './test-app';
import type { JobHandler } from '../../src/application/ports/job-queue.port';
import type { ScriptedHandler } from './test-job-handlers';

/**
 * Drives a realistic history through the real API and worker: nodes, sites provisioned, one failed
 * and retried, deploys, a cancelled job, a deleted site. Returns when every job has settled.
 */
export async function buildSiteHistory(t: TestApp, handlers: { provision: ScriptedHandler; deploy: ScriptedHandler; remove: JobHandler }) {
  const node = (await t.request('POST', '/api/v1/nodes', { name: 'hist-1', host: '10.0.0.1' })).body;
  const nodeId = node.node.id;
  const waitState = (id: string, state: string) =>
    pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === state, { timeoutMs: 15_000, description: `${id} ${state}` });
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await t.request('POST', '/api/v1/sites', { name: `History ${i}`, nodeId, domain: `h${i}.example.com`, adminEmail: 'a@example.com' });
    ids.push(res.body.site.id);
    await waitState(res.body.site.id, 'ACTIVE');
  }
  handlers.provision.failWith('REMOTE_RUN_FAILED', 'disk full');
  const failed = (await t.request('POST', '/api/v1/sites', { name: 'History F', nodeId, domain: 'hf.example.com', adminEmail: 'a@example.com' })).body.site.id;
  await waitState(failed, 'FAILED');
  handlers.provision.succeedWith({ releaseId: 'r-retry' });
  await t.request('POST', `/api/v1/sites/${failed}/retry`);
  await waitState(failed, 'ACTIVE');
  for (const [i, id] of ids.entries()) {
    handlers.deploy.succeedWith({ releaseId: `r-${i}` });
    await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'wordpress' } });
    await waitState(id, 'ACTIVE');
  }
  await t.request('DELETE', `/api/v1/sites/${ids[0]}`);
  await waitState(ids[0], 'DELETED');
  await t.request('POST', `/api/v1/jobs/${node.job.id}/cancel`);
  return { nodeId, siteIds: ids, failedSiteId: failed };
}
