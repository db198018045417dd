import type { Command } from 'commander';
import type { JobDetailView } from '../../../application/jobs/get-job/get-job.handler';
import type { JobView } from '../../../application/jobs/job.view';
import { API_HELP_GROUP, apiAction, ApiActionContext, idArg, intOption } from '../command-kit';
import { failUnlessSucceeded, followJob, JobLogLine } from '../job-follow';
import { Column, Output, table } from '../output';

export const JOB_COLUMNS: Column<JobView>[] = [
  { header: 'id', value: (j) => j.id },
  { header: 'kind', value: (j) => j.kind },
  { header: 'state', value: (j) => j.state },
  { header: 'attempt', value: (j) => `${j.attempt}/${j.maxAttempts}` },
  { header: 'target', value: (j) => (j.siteId ? `site ${j.siteId}` : j.nodeId ? `node ${j.nodeId}` : '') },
  { header: 'error', value: (j) => j.error?.code },
  { header: 'created', value: (j) => j.createdAt },
];

/** GET /api/v1/jobs/{id}; lists and older servers have no outcome. */
type JobWithOutcome = JobView & { outcome?: JobDetailView['outcome'] };

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : `${(ms / 1000).toFixed(1)} s`);

/** A job as `key: value` lines, then the Ansible recap of each of its remote runs per host. */
export function printJob(out: Output, job: JobWithOutcome): void {
  out.item(job, [
    ...JOB_COLUMNS,
    { header: 'error message', value: (j) => j.error?.message },
    { header: 'actor', value: (j) => j.actor },
    { header: 'correlation', value: (j) => j.correlationId },
    { header: 'updated', value: (j) => j.updatedAt },
    { header: 'started', value: (j) => j.outcome?.startedAt },
    { header: 'finished', value: (j) => j.outcome?.finishedAt },
    { header: 'duration', value: (j) => seconds(j.outcome?.durationMs) },
    { header: 'summary', value: (j) => j.outcome?.summary },
  ]);
  if (out.json || !job.outcome || job.outcome.runs.length === 0) return;
  const rows = job.outcome.runs.flatMap((run) => {
    const hosts = Object.entries(run.hosts);
    const base = { playbook: run.playbook, run: run.runId, state: run.state, duration: seconds(run.durationMs) };
    return hosts.length ? hosts.map(([host, recap]) => ({ ...base, host, ...recap })) : [{ ...base, host: '' }];
  });
  out.line('');
  out.line(
    table(rows as Record<string, unknown>[], [
      { header: 'playbook', value: (r) => r.playbook },
      { header: 'run', value: (r) => r.run },
      { header: 'state', value: (r) => r.state },
      { header: 'host', value: (r) => r.host },
      { header: 'ok', value: (r) => r.ok },
      { header: 'changed', value: (r) => r.changed },
      { header: 'failed', value: (r) => r.failed },
      { header: 'skipped', value: (r) => r.skipped },
      { header: 'unreachable', value: (r) => r.unreachable },
      { header: 'duration', value: (r) => r.duration },
    ]).trimEnd(),
  );
}

/** The job a command queued (null: a repeated request that queued nothing new). */
export type JobRef = { id: string; kind: string } | null;

/** Prints the queued job, or with --wait follows it and exits non-zero with its error when it fails. */
export async function reportJob({ api, out, opts }: ApiActionContext, job: JobRef, what: string): Promise<void> {
  if (!job) return out.info(`${what}: no job queued (a repeated request)`);
  if (!opts.wait) return out.info(`${what}: job ${job.id} (${job.kind}) queued; follow it with: pressluft job wait ${job.id}`);
  const done = await followJob(api, out, job.id);
  printJob(out, done);
  failUnlessSucceeded(done);
}

export function registerJobCommands(program: Command): void {
  const job = program.command('job').helpGroup(API_HELP_GROUP).description('jobs: list, show, follow, cancel, retry');

  job
    .command('list')
    .description('the newest jobs (oldest first, like a log)')
    .option('--state <state>', 'queued | running | retry_wait | succeeded | failed | cancelled')
    .option('--kind <kind>', 'e.g. node.bootstrap, site.provision')
    .option('--site <id>', 'jobs of one site')
    .option('--node <id>', 'jobs of one node')
    .option('--limit <n>', 'how many of the newest', intOption('--limit'), 20)
    .action(
      apiAction(async ({ api, out, opts }) => {
        const all = await api.all<JobView>('/api/v1/jobs', {
          state: opts.state as string,
          kind: opts.kind as string,
          siteId: opts.site as string,
          nodeId: opts.node as string,
        });
        out.list(all.slice(-(opts.limit as number)), JOB_COLUMNS);
      }),
    );

  job
    .command('show')
    .argument('<id>')
    .description('one job: state, error, duration and the Ansible recap per host of its remote runs')
    .action(apiAction(async ({ api, out, args }) => printJob(out, await api.get<JobWithOutcome>(`/api/v1/jobs/${idArg(args[0], 'job show')}`))));

  job
    .command('wait')
    .argument('<id>')
    .description('wait for a job to finish, showing its current Ansible task; exit 1 unless it succeeded')
    .action(
      apiAction(async ({ api, out, args }) => {
        const done = await followJob(api, out, idArg(args[0], 'job wait'));
        printJob(out, await api.get<JobWithOutcome>(`/api/v1/jobs/${done.id}`));
        failUnlessSucceeded(done);
      }),
    );

  job
    .command('log')
    .argument('<id>')
    .description("print a job's log (its events, worker lines, Ansible tasks) and follow it to the end; exit 1 unless it succeeded")
    .action(
      apiAction(async ({ api, out, args }) => {
        const lines: JobLogLine[] = [];
        const done = await followJob(api, out, idArg(args[0], 'job log'), (line) => {
          if (out.json) lines.push(line);
          else {
            out.endProgress();
            out.line(`${line.at}  ${line.source.padEnd(7)} ${line.text}`);
          }
        });
        if (out.json) out.document({ items: lines, job: done });
        failUnlessSucceeded(done);
      }),
    );

  for (const [name, description] of [
    ['cancel', 'ask a queued or running job to stop (cooperative: it stops at its next step)'],
    ['retry', 'queue a failed or cancelled job again'],
  ] as const) {
    job
      .command(name)
      .argument('<id>')
      .description(description)
      .action(
        apiAction(async ({ api, out, args }) => {
          const { job: result } = await api.post<{ job: JobView }>(`/api/v1/jobs/${idArg(args[0], `job ${name}`)}/${name}`);
          printJob(out, result);
        }),
      );
  }
}
