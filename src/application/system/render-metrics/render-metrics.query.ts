/** The running version of Pressluft and of Node.js (pressluft_build_info). */
export interface BuildInfo {
  readonly version: string;
  readonly node: string;
}

/** The Prometheus scrape: every metric of this process in the text exposition format. */
export class RenderMetricsQuery {
  constructor(readonly build: BuildInfo) {}
}
