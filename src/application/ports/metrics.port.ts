import type { SystemMetrics } from '../system/get-metrics/get-metrics.handler';
import type { BuildInfo } from '../system/render-metrics/render-metrics.query';

export interface RenderedMetrics {
  readonly contentType: string;
  readonly body: string;
}

/**
 * The process's metrics (Prometheus): observations as they happen, and the scrape, which adds the
 * state read from the database at that moment (`SystemMetrics`).
 */
export abstract class MetricsRegistry {
  /** One HTTP request; `route` is the route pattern (`/api/v1/jobs/:id`), never the raw URL. */
  abstract observeHttpRequest(method: string, route: string, status: number, seconds: number): void;
  /** One attempt of a job, by how it ended: succeeded | failed | retry | cancelled | released. */
  abstract observeJob(kind: string, outcome: string, seconds: number): void;
  /** One remote Ansible run, by its final state. */
  abstract observeRemoteRun(playbook: string, outcome: string, seconds: number): void;
  abstract render(snapshot: SystemMetrics, build: BuildInfo): Promise<RenderedMetrics>;
}
