/**
 * Helpers for the site playbook e2e tests: contract vars with fresh secrets, content-addressed uploads
 * into the node, playbook runs that return the recorded `pl_result`, and HTTP from the test machine.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { NodeSsh, PlaybookRun, runCmd, statsOf } from './node-ssh';

export const BUNDLE = '/root/pl-bundle';
export const UPLOADS = '/var/lib/pressluft/uploads';
const SALT_KEYS = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];

/** A secret from the charset the playbooks accept (base64url: letters, digits, - and _). */
export function secret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Site {
  slug: string;
  domain: string;
  user: string;
  base: string;
  db: string;
  secrets: { dbPassword: string; adminPassword: string; salts: Record<string, string> };
}

export function makeSite(slug: string, domain: string): Site {
  const salts: Record<string, string> = {};
  for (const k of SALT_KEYS) salts[k] = secret(48);
  return {
    slug,
    domain,
    user: `s-${slug}`.slice(0, 32),
    base: `/var/www/sites/${slug}`,
    db: `s_${slug.replace(/-/g, '_')}`.slice(0, 32),
    secrets: { dbPassword: secret(), adminPassword: secret(), salts },
  };
}

/** The naming vars every site playbook takes. */
export function nameVars(site: Site, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site_id: `site-${site.slug}`,
    env_slug: site.slug,
    site_user: site.user,
    site_base: site.base,
    db_name: site.db,
    db_user: site.db,
    php_version: '8.2',
    primary_domain: site.domain,
    domain_aliases: [],
    ...extra,
  };
}

export function provisionVars(site: Site, core: { path: string; sha256: string }, releaseId: string, extra: Record<string, unknown> = {}) {
  return nameVars(site, {
    env_name: 'production',
    db_password: site.secrets.dbPassword,
    wp_salts: site.secrets.salts,
    table_prefix: 'wp_',
    site_title: `Site ${site.slug}`,
    admin_user: 'admin',
    admin_email: `admin@${site.domain}`,
    admin_password: site.secrets.adminPassword,
    wordpress_archive: core.path,
    wordpress_archive_sha256: core.sha256,
    release_id: releaseId,
    upload_max_mb: 64,
    keep_releases: 5,
    noindex: false,
    ...extra,
  });
}

export function allSecrets(site: Site): string[] {
  return [site.secrets.dbPassword, site.secrets.adminPassword, ...Object.values(site.secrets.salts)];
}

/** Put a local file into the node's uploads dir, content-addressed (root 0600). */
export async function upload(ssh: NodeSsh, file: string, sha256: string): Promise<{ path: string; sha256: string }> {
  const dest = `${UPLOADS}/${sha256}`;
  await ssh.shOk(`mkdir -p -m 0700 ${UPLOADS} && umask 077 && cat > ${dest}.tmp && mv ${dest}.tmp ${dest}`, { input: fs.readFileSync(file) });
  return { path: dest, sha256 };
}

export interface SiteRun extends PlaybookRun {
  result: Record<string, unknown> | undefined;
  changed: number;
}

let runSeq = 0;
export async function runSite(ssh: NodeSsh, playbook: string, vars: Record<string, unknown>): Promise<SiteRun> {
  runSeq += 1;
  const run = await ssh.runPlaybook(BUNDLE, playbook, `/root/pl-runs/${playbook.replace('.yml', '')}-${runSeq}`, vars);
  const stats = run.events.filter((e) => e.event === 'playbook_on_stats').pop() as { custom?: { pl_result?: Record<string, unknown> } } | undefined;
  const changed = stats ? statsOf(run).changed : -1;
  console.log(`${playbook} (${String(vars.env_slug)}): rc=${run.rc} changed=${changed} ${run.seconds.toFixed(1)} s`);
  return { ...run, result: stats?.custom?.pl_result, changed };
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: string;
}

/** GET http://<domain><path> from the test machine, resolved to the node (no redirects followed). */
export async function http(ip: string, domain: string, path = '/'): Promise<HttpAnswer> {
  const dir = fs.mkdtempSync('/tmp/pl-http-');
  try {
    const r = await runCmd('curl', [
      '-sS', '-o', `${dir}/body`, '-D', `${dir}/headers`, '-w', '%{http_code}', '--max-time', '60',
      '--resolve', `${domain}:80:${ip}`, `http://${domain}${path}`,
    ]);
    const read = (f: string) => (fs.existsSync(`${dir}/${f}`) ? fs.readFileSync(`${dir}/${f}`, 'utf8') : '');
    // status 0 is "no HTTP answer": say which (refused, timed out, closed without an answer) in the suite's log
    if (r.code !== 0) console.log(`http://${domain}${path} via ${ip}: curl exit ${r.code}: ${r.stderr.trim()}`);
    return { status: Number(r.stdout.trim()) || 0, body: read('body'), headers: read('headers') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function failedTasks(run: PlaybookRun): string[] {
  return run.events.filter((e) => e.event === 'runner_on_failed' && !(e as { ignore_errors?: boolean }).ignore_errors).map((e) => `${e.task}: ${e.msg ?? ''}`);
}
