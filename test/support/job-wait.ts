/**
 * Waiting for jobs through the API, as the e2e suites do: `finished` polls GET /api/v1/jobs/{id} until the
 * job is succeeded, failed or cancelled; `succeed` also throws with the job's error and run log when it
 * did not succeed. `api` is the suite's own request function (some keep every answer for secret checks).
 */
import { pollUntil } from './poll-until';
import type { TestResponse } from './test-app';

type Api = (method: string, path: string, body?: unknown) => Promise<TestResponse>;

export function jobWaiter(api: Api, timeoutMs = 20 * 60_000) {
  const finished = (id: string) =>
    pollUntil(
      async () => {
        const j = (await api('GET', `/api/v1/jobs/${id}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
      },
      { timeoutMs, intervalMs: 500, description: `job ${id} finished` },
    );
  const jobLog = async (id: string) => ((await api('GET', `/api/v1/jobs/${id}/run-log?limit=1000`)).body.lines as { text: string }[]).map((l) => l.text).join('\n');
  const succeed = async (jobId: string) => {
    const job = await finished(jobId);
    if (job.state !== 'succeeded') throw new Error(`job ${jobId} ${job.state}: ${JSON.stringify(job.error)}\n${await jobLog(jobId)}`);
    return job;
  };
  return { finished, jobLog, succeed };
}
