/** The Prometheus scrape: every metric of this process in the text exposition format. */
export class RenderMetricsQuery {}
