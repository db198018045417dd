import { Injectable } from '@nestjs/common';

const BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Request latency histogram per method and status class, rendered in Prometheus text format. */
@Injectable()
export class HttpMetrics {
  private readonly series = new Map<string, Histogram>();

  observe(method: string, statusCode: number, seconds: number): void {
    const key = `method="${method}",status="${Math.floor(statusCode / 100)}xx"`;
    let h = this.series.get(key);
    if (!h) {
      h = { counts: BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, h);
    }
    BUCKETS_SECONDS.forEach((le, i) => {
      if (seconds <= le) h!.counts[i]++;
    });
    h.sum += seconds;
    h.count++;
  }

  render(): string {
    const lines = [
      '# HELP pressluft_http_request_duration_seconds HTTP request latency.',
      '# TYPE pressluft_http_request_duration_seconds histogram',
    ];
    for (const [labels, h] of this.series) {
      BUCKETS_SECONDS.forEach((le, i) => lines.push(`pressluft_http_request_duration_seconds_bucket{${labels},le="${le}"} ${h.counts[i]}`));
      lines.push(`pressluft_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`pressluft_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`pressluft_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    return lines.join('\n');
  }
}
