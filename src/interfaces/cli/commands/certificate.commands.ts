import type { Command } from 'commander';
import type { CertificateView } from '../../../application/certificates/certificate.view';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, idArg } from '../command-kit';
import type { Column } from '../output';
import { JobRef, reportJob } from './job.commands';
import { envPath } from './site.commands';

const CERTIFICATE_COLUMNS: Column<CertificateView>[] = [
  { header: 'environment', value: (c) => c.environment },
  { header: 'status', value: (c) => c.status },
  { header: 'domains', value: (c) => (c.certificate ?? c).domains.join(' ') },
  { header: 'expires', value: (c) => c.certificate?.notAfter },
  { header: 'renews', value: (c) => c.certificate?.renewAt },
  { header: 'serial', value: (c) => c.certificate?.serial },
  { header: 'hsts', value: (c) => (c.hsts ? 'on' : 'off') },
  { header: 'error', value: (c) => (c.lastError ? `${c.lastError.code}: ${c.lastError.message}` : null) },
];

function onOff(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new CliError('--hsts must be on or off', 2);
}

export function registerCertificateCommands(program: Command): void {
  const certificate = program.command('certificate').helpGroup(API_HELP_GROUP).description("sites' HTTPS certificates: list with expiry, issue or renew now, HSTS");

  certificate
    .command('list')
    .argument('<site-id>')
    .option('--env <env>', 'only this environment')
    .description("the site's certificates: status, names, expiry, renewal time, HSTS, last error")
    .action(
      apiAction(async ({ api, out, opts, args }) => {
        const id = idArg(args[0], 'certificate list');
        const path = opts.env ? `${envPath(id, String(opts.env))}/certificates` : `/api/v1/sites/${id}/certificates`;
        out.list((await api.get<{ items: CertificateView[] }>(path)).items, CERTIFICATE_COLUMNS);
      }),
    );

  certificate
    .command('issue')
    .argument('<site-id>')
    .description("issue the environment's certificate now (for its primary domain and aliases), or renew it with --force")
    .option('--env <env>', 'environment', 'production')
    .option('--force', 'ask the CA for a new certificate even when the installed one is still good')
    .option('--hsts <on|off>', 'switch Strict-Transport-Security (default: keep)')
    .option('--wait', 'follow the job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const hsts = onOff(opts.hsts as string | undefined);
        const body = { ...(opts.force ? { force: true } : {}), ...(hsts === undefined ? {} : { hsts }) };
        const result = await api.post<{ job: JobRef }>(`${envPath(idArg(args[0], 'certificate issue'), String(opts.env))}/certificates`, body);
        if (out.json && !opts.wait) return out.document(result);
        await reportJob(ctx, result.job, 'certificate');
      }),
    );
}
