/**
 * /metrics through prom-client, read back with a Prometheus text-format parser
 * (parse-prometheus-text-format, prom2json's output shape): Node's default process and event-loop
 * metrics, request latency by route pattern, jobs by state and kind, job attempt durations by kind and
 * outcome, events appended and node health.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

const family = (all: Families, name: string) => {
  const f = all.find((m) => m.name === name);
  if (!f) throw new Error(`no metric family ${name}`);
  return f;
};
const sample = (all: Families, name: string, labels: Record<string, string>) =>
  family(all, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
/**
 * The `_count` of one labelled histogram series. The parser flattens histograms to their buckets and
 * drops the other labels (it only keeps count/sum of unlabelled ones), so this reads the sample line;
 * the parse above has checked the family and its type.
 */
const histogramCount = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('/metrics (prom-client, parsed as Prometheus text)', () => {
  let t: TestApp;
  let failing: ScriptedHandler;
  let nodeId: string;

  beforeAll(async () => {
    failing = new ScriptedHandler('site.provision').failWith('PLAYBOOK_FAILED', 'a task failed');
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('node.bootstrap').succeedWith({ facts: {} }), failing] });
    const node = (await t.request('POST', '/api/v1/nodes', { name: 'metrics-1', host: '10.0.0.9' })).body;
    nodeId = node.node.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/nodes/${nodeId}`)).body.status === 'ready', { timeoutMs: 20_000 });
    const site = (await t.request('POST', '/api/v1/sites', { name: 'Metrics', nodeId, domain: 'metrics.example.com', adminEmail: 'a@example.com' })).body;
    await pollUntil(async () => (await t.request('GET', `/api/v1/jobs/${site.job.id}`)).body.state === 'failed', { timeoutMs: 20_000 });
    expect((await t.request('GET', '/api/v1/nodes/nosuchnode')).status).toBe(404);
  }, 60_000);
  afterAll(() => t.close());

  it('parses as Prometheus text with the content type prom-client announces', async () => {
    const res = await t.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const all = parsePrometheusTextFormat(res.body);
    expect(all.length).toBeGreaterThan(10);
  });

  it("has Node's default process and event-loop metrics", async () => {
    const all = parsePrometheusTextFormat((await t.request('GET', '/metrics')).body);
    expect(family(all, 'process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(family(all, 'process_resident_memory_bytes').type).toBe('GAUGE');
    expect(family(all, 'nodejs_eventloop_lag_seconds').type).toBe('GAUGE');
    expect(family(all, 'nodejs_heap_size_used_bytes').type).toBe('GAUGE');
  });

  it('request latency by method, route pattern (ids folded) and status class', async () => {
    const text = (await t.request('GET', '/metrics')).body as string;
    const all = parsePrometheusTextFormat(text);
    expect(family(all, 'pressluft_http_request_duration_seconds').type).toBe('HISTOGRAM');
    const name = 'pressluft_http_request_duration_seconds';
    expect(histogramCount(text, name, 'method="GET",route="/api/v1/nodes/:id",status="2xx"')).toBeGreaterThan(0);
    expect(histogramCount(text, name, 'method="GET",route="/api/v1/nodes/:id",status="4xx"')).toBe(1);
    expect(text.split('\n').filter((l) => l.startsWith(name) && l.includes(`route="/api/v1/nodes/${nodeId}`))).toEqual([]);
  });

  it('jobs by state and kind, job durations by kind and outcome, events appended, node health', async () => {
    const text = (await t.request('GET', '/metrics')).body as string;
    const all = parsePrometheusTextFormat(text);
    expect(sample(all, 'pressluft_jobs', { state: 'succeeded', kind: 'node.bootstrap' })?.value).toBe('1');
    expect(sample(all, 'pressluft_jobs', { state: 'failed', kind: 'site.provision' })?.value).toBe('1');
    expect(family(all, 'pressluft_job_duration_seconds').type).toBe('HISTOGRAM');
    expect(histogramCount(text, 'pressluft_job_duration_seconds', 'kind="node.bootstrap",outcome="succeeded"')).toBe(1);
    expect(histogramCount(text, 'pressluft_job_duration_seconds', 'kind="site.provision",outcome="failed"')).toBe(1);
    expect(family(all, 'pressluft_remote_run_duration_seconds').type).toBe('HISTOGRAM');
    expect(sample(all, 'pressluft_events_appended_total', {})?.value).toBe(String(t.eventCount()));
    expect(sample(all, 'pressluft_nodes', { status: 'ready' })?.value).toBe('1');
    expect(sample(all, 'pressluft_node_up', { node: nodeId, name: 'metrics-1' })?.value).toBe('1');
  });

  it('needs a login like every other route', async () => {
    expect((await t.request('GET', '/metrics', undefined, {}, { anonymous: true })).status).toBe(401);
  });
});
