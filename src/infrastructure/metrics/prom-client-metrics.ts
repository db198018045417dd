import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MetricsRegistry, RenderedMetrics } from '../../application/ports/metrics.port';
import type { SystemMetrics } from '../../application/system/get-metrics/get-metrics.handler';
import type { BuildInfo } from '../../application/system/render-metrics/render-metrics.query';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Jobs and Ansible runs take seconds to many minutes. */
const JOB_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The metrics of one process through prom-client, on a registry of its own (not prom-client's global
 * one, so two apps in one process never share series): Node's default process and event-loop
 * metrics, what the process observes (requests, job attempts, remote runs) and, at each scrape, the
 * state of the database (events, jobs by state and kind, nodes by status).
 */
export class PromClientMetrics extends MetricsRegistry {
  private readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'pressluft_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: 'pressluft_job_duration_seconds',
    help: 'Duration of one job attempt by kind and outcome (succeeded, failed, retry, cancelled, released).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly runDuration = new Histogram({
    name: 'pressluft_remote_run_duration_seconds',
    help: 'Duration of a remote Ansible run, from creation to its recorded end, by playbook and final state.',
    labelNames: ['playbook', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'pressluft_events_appended_total',
    help: 'Events in the event store.',
    registers: [this.registry],
  });
  private readonly jobs = new Gauge({ name: 'pressluft_jobs', help: 'Jobs in the queue by state and kind.', labelNames: ['state', 'kind'] as const, registers: [this.registry] });
  private readonly nodes = new Gauge({ name: 'pressluft_nodes', help: 'Nodes by status (decommissioned ones left out).', labelNames: ['status'] as const, registers: [this.registry] });
  private readonly nodeUp = new Gauge({
    name: 'pressluft_node_up',
    help: '1 when the node is ready (its last check reached it), else 0.',
    labelNames: ['node', 'name', 'status'] as const,
    registers: [this.registry],
  });

  private readonly build = new Gauge({
    name: 'pressluft_build_info',
    help: 'The running version of Pressluft and of Node.js.',
    labelNames: ['version', 'node'] as const,
    registers: [this.registry],
  });

  constructor() {
    super();
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
  }

  observeJob(kind: string, outcome: string, seconds: number): void {
    this.jobDuration.observe({ kind, outcome }, seconds);
  }

  observeRemoteRun(playbook: string, outcome: string, seconds: number): void {
    this.runDuration.observe({ playbook, outcome }, seconds);
  }

  async render(snapshot: SystemMetrics, build: BuildInfo): Promise<RenderedMetrics> {
    this.build.reset();
    this.build.set({ version: build.version, node: build.node }, 1);
    this.events.reset();
    this.events.inc(snapshot.eventsAppended);
    // Gauges are set afresh each scrape, so a state with no jobs any more drops to 0 instead of lingering.
    this.jobs.reset();
    for (const j of snapshot.jobs) this.jobs.set({ state: j.state, kind: j.kind }, j.count);
    this.nodes.reset();
    this.nodeUp.reset();
    const byStatus = new Map<string, number>();
    for (const n of snapshot.nodes) {
      byStatus.set(n.status, (byStatus.get(n.status) ?? 0) + 1);
      this.nodeUp.set({ node: n.id, name: n.name, status: n.status }, n.status === 'ready' ? 1 : 0);
    }
    for (const [status, n] of byStatus) this.nodes.set({ status }, n);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
