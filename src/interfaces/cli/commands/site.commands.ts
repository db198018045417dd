import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { DeployKeyView } from '../../../application/sites/get-deploy-key/get-deploy-key.handler';
import type { EnvironmentView, SiteSummaryView, SiteView } from '../../../application/sites/site.view';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, ApiActionContext, idArg } from '../command-kit';
import type { Column } from '../output';
import { JobRef, reportJob } from './job.commands';

export const SITE_COLUMNS: Column<SiteSummaryView>[] = [
  { header: 'id', value: (s) => s.id },
  { header: 'name', value: (s) => s.name },
  { header: 'slug', value: (s) => s.slug },
  { header: 'state', value: (s) => s.state },
  { header: 'domain', value: (s) => s.primaryDomain },
  { header: 'node', value: (s) => s.nodeId },
  { header: 'error', value: (s) => s.lastError?.code },
  { header: 'updated', value: (s) => s.updatedAt },
];

const SITE_FIELDS: Column<SiteView>[] = [
  ...SITE_COLUMNS,
  { header: 'last error', value: (s) => (s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : null) },
  { header: 'version', value: (s) => s.version },
  { header: 'created', value: (s) => s.createdAt },
];

const ENV_COLUMNS: Column<EnvironmentView>[] = [
  { header: 'environment', value: (e) => e.name },
  { header: 'status', value: (e) => e.status },
  { header: 'cloned from', value: (e) => e.clonedFrom },
  { header: 'node', value: (e) => e.nodeId },
  { header: 'domains', value: (e) => e.domains.join(' ') },
  { header: 'php', value: (e) => e.phpVersion },
  { header: 'release', value: (e) => e.currentReleaseId },
  { header: 'previous', value: (e) => e.previousReleaseId },
  { header: 'health', value: (e) => e.health },
  { header: 'releases', value: (e) => e.releases.map((r) => `${r.id}${r.bad ? ' (bad)' : ''}`).join(' ') },
];

export const envPath = (id: string, env: string) => {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(env)) throw new CliError('--env must be an environment name such as production', 2);
  return `/api/v1/sites/${id}/environments/${env}`;
};

export function registerSiteCommands(program: Command): void {
  const site = program.command('site').helpGroup(API_HELP_GROUP).description('sites: create, deploy, roll back, domains, delete');

  site
    .command('list')
    .description('every site with its lifecycle state')
    .option('--state <state>', 'e.g. ACTIVE, FAILED, DEPLOYING')
    .option('--search <text>', 'name, slug or domain')
    .action(
      apiAction(async ({ api, out, opts }) =>
        out.list(await api.all<SiteSummaryView>('/api/v1/sites', { state: opts.state as string, search: opts.search as string }), SITE_COLUMNS),
      ),
    );

  site
    .command('show')
    .argument('<id>')
    .description('one site: state, environments, releases (current, previous, marked bad), health')
    .action(
      apiAction(async ({ api, out, args }) => {
        const view = await api.get<SiteView>(`/api/v1/sites/${idArg(args[0], 'site show')}`);
        if (out.json) return out.document(view);
        out.item(view, SITE_FIELDS);
        out.line('');
        out.list(view.environments, ENV_COLUMNS);
      }),
    );

  site
    .command('create')
    .description('create a WordPress site on a ready node; prints the generated admin password once')
    .requiredOption('--name <name>', 'display name (also the WordPress title)')
    .requiredOption('--node <id>', 'the node it runs on')
    .requiredOption('--domain <domain>', 'its primary domain')
    .requiredOption('--admin-email <email>', "the WordPress admin's email")
    .option('--slug <slug>', 'names its Linux user, database and directories (from the name when absent)')
    .option('--php <version>', "PHP version (the node's when absent)")
    .option('--wait', 'follow the provisioning job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts } = ctx;
        const body = { name: opts.name, nodeId: opts.node, domain: opts.domain, adminEmail: opts.adminEmail, slug: opts.slug, phpVersion: opts.php };
        const result = await api.post<{ site: { id: string; slug: string; state: string }; job: JobRef; admin: { user: string; password: string | null } }>(
          '/api/v1/sites',
          body,
        );
        if (out.json && !opts.wait) return out.document(result);
        out.info(`site ${result.site.slug} created as ${result.site.id} (${result.site.state})`);
        if (result.admin.password) {
          // stderr carries the notice; the password itself goes to stdout so it can be captured, once.
          out.info('WordPress admin password (shown only this once):');
          out.line(`admin ${result.admin.password}`);
        }
        if (!out.json) out.line(result.site.id);
        await reportJob(ctx, result.job, 'provisioning');
      }),
    );

  site
    .command('deploy-key')
    .argument('<id>')
    .description("the public half of the environment's git deploy key: add it to the repository's deploy keys (read-only) for deploys with --git")
    .option('--env <env>', 'environment', 'production')
    .action(
      apiAction(async ({ api, out, opts, args }) => {
        const key = await api.get<DeployKeyView>(`${envPath(idArg(args[0], 'site deploy-key'), String(opts.env))}/deploy-key`);
        if (out.json) return out.document(key);
        out.line(key.publicKey);
        out.info(`fingerprint ${key.fingerprint}`);
      }),
    );

  site
    .command('deploy')
    .argument('<id>')
    .description('deploy a new release: an archive (.tar.gz docroot), a git repository, or a WordPress core version')
    .option('--env <env>', 'environment', 'production')
    .option('--archive <file>', 'a .tar.gz of the docroot (WordPress core and wp-content without uploads), uploaded first')
    .option('--git <url>', 'a git repository')
    .option('--ref <ref>', 'git branch, tag or commit', 'main')
    .option('--wordpress <version>', 'a WordPress core update to this version (from the configured core archive)')
    .option('--wait', 'follow the deploy job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const id = idArg(args[0], 'site deploy');
        const chosen = [opts.archive, opts.git, opts.wordpress].filter((v) => v !== undefined);
        if (chosen.length !== 1) throw new CliError('site deploy needs exactly one of --archive, --git, --wordpress', 2);
        let source: Record<string, unknown>;
        if (opts.archive !== undefined) {
          let bytes: Buffer;
          try {
            bytes = readFileSync(String(opts.archive));
          } catch (err) {
            throw new CliError(`cannot read ${String(opts.archive)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          }
          const upload = await api.upload<{ uploadId: string; sha256: string; size: number }>('/api/v1/uploads', bytes, 'application/gzip');
          out.info(`uploaded ${upload.size} bytes as ${upload.uploadId} (sha256 ${upload.sha256})`);
          source = { type: 'archive', uploadId: upload.uploadId };
        } else if (opts.git !== undefined) source = { type: 'git', url: opts.git, ref: opts.ref };
        else source = { type: 'wordpress', version: opts.wordpress };
        const result = await api.post<{ deploymentId: string; job: JobRef }>(`${envPath(id, String(opts.env))}/deployments`, { source });
        if (out.json && !opts.wait) return out.document(result);
        await reportJob(ctx, result.job, `deployment ${result.deploymentId}`);
      }),
    );

  site
    .command('rollback')
    .argument('<id>')
    .description('switch back to the previous release, or to --release (a release marked bad needs --force)')
    .option('--env <env>', 'environment', 'production')
    .option('--release <id>', 'a kept release (see site show)')
    .option('--force', 'allow a release marked bad')
    .option('--wait', 'follow the rollback job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const body = { ...(opts.release ? { releaseId: opts.release } : {}), ...(opts.force ? { force: true } : {}) };
        const result = await api.post<{ job: JobRef }>(`${envPath(idArg(args[0], 'site rollback'), String(opts.env))}/rollback`, body);
        if (out.json && !opts.wait) return out.document(result);
        await reportJob(ctx, result.job, 'rollback');
      }),
    );

  site
    .command('domains')
    .argument('<id>')
    .description("set an environment's primary domain and aliases (aliases answer 301; a new primary rewrites the site's URLs)")
    .requiredOption('--primary <domain>', 'the primary domain')
    .option('--alias <domain...>', 'aliases (repeat or list)', [])
    .option('--env <env>', 'environment', 'production')
    .option('--wait', 'follow the job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const body = { primary: opts.primary, aliases: opts.alias as string[] };
        const result = await api.put<{ job: JobRef }>(`${envPath(idArg(args[0], 'site domains'), String(opts.env))}/domains`, body);
        if (out.json && !opts.wait) return out.document(result);
        await reportJob(ctx, result.job, 'domain change');
      }),
    );

  for (const [name, method, suffix, description] of [
    ['delete', 'delete', '', 'delete the site and everything it has on its node (user, pool, database, files, backups, vhost), after a final full backup of each environment that is kept on the node'],
    ['reset', 'post', '/reset', 'leave FAILED: back to ACTIVE only when a health check passes'],
    ['retry', 'post', '/retry', 'leave FAILED: run the operation that failed again'],
  ] as const) {
    site
      .command(name)
      .argument('<id>')
      .description(description)
      .option('--wait', 'follow the job to its end')
      .action(
        apiAction(async (ctx) => {
          const path = `/api/v1/sites/${idArg(ctx.args[0], `site ${name}`)}${suffix}`;
          const result =
            method === 'delete'
              ? await ctx.api.delete<{ job: JobRef; finalBackups?: { environment: string; backupId: string }[] }>(path)
              : await ctx.api.post<{ job: JobRef; finalBackups?: { environment: string; backupId: string }[] }>(path);
          if (ctx.out.json && !ctx.opts.wait) return ctx.out.document(result);
          for (const b of result.finalBackups ?? []) ctx.out.info(`final backup of ${b.environment}: ${b.backupId}`);
          await reportJob(ctx, result.job, name);
        }),
      );
  }
}

