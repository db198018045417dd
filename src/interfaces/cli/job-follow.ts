import type { JobView } from '../../application/jobs/job.view';
import type { ApiClient } from './api-client';
import { CliError } from './cli-error';
import type { Output } from './output';

/** One line of GET /api/v1/jobs/{id}/log (the SSE `line` event). */
export interface JobLogLine {
  at: string;
  source: 'event' | 'log' | 'ansible';
  text: string;
  tone?: string;
}

export const FINISHED_JOB_STATES = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Follows a job's live log (SSE) to its end. Every line goes to `onLine`; the progress line (the
 * job and its current Ansible task) is kept on stderr. Returns the finished job.
 */
export async function followJob(api: ApiClient, out: Output, jobId: string, onLine: (line: JobLogLine) => void = () => undefined): Promise<JobView> {
  const job = await api.get<JobView>(`/api/v1/jobs/${jobId}`);
  let current = 'waiting for the worker';
  const show = (state: string) => out.progress(`job ${job.id} ${job.kind} · ${state} · ${current}`);
  show(job.state);
  await api.stream(`/api/v1/jobs/${jobId}/log`, (event) => {
    if (event.event === 'end') return 'stop';
    if (event.event !== 'line') return;
    const line = JSON.parse(event.data) as JobLogLine;
    onLine(line);
    if (line.tone === 'task') current = line.text;
    else if (line.source === 'event') current = line.text;
    else return;
    show('running');
  });
  out.endProgress();
  return api.get<JobView>(`/api/v1/jobs/${jobId}`);
}

/** A finished job that did not succeed is an error of the command (exit 1, with the job's error code). */
export function failUnlessSucceeded(job: JobView): void {
  if (job.state === 'succeeded') return;
  const reason = job.error ? `${job.error.code}: ${job.error.message}` : 'no error recorded';
  throw new CliError(`job ${job.id} (${job.kind}) ${job.state}: ${reason}`);
}
