/**
 * The site playbooks on a real FULL node, run the way the control plane runs them (bundle + 0600 vars
 * file, `ansible-playbook -c local` as root): provision (idempotent, no secret in any argv), deploy
 * (archive; refused before the switch; a WordPress core update, and one rolled back after the switch
 * with its database put back), zero downtime across switches and for the neighbours of a deployed,
 * created or deleted site, rollback, domains (serialized URLs),
 * isolation between two sites, a broken pool file, delete. One node, several sites, shared by all
 * tests in order. Needs root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { START_ARGV_SAMPLER } from '../support/argv-sampler';
import { pollUntil } from '../support/poll-until';
import { LoopAnswer, RequestLoop, startRequestLoop } from '../support/request-loop';
import { downNode, ensureTemplate, TestNode, upNode } from '../support/test-nodes';
import { buildCoreArchive, buildReleaseArchive, wordPressArchive, WordPressArchive } from '../support/wordpress-archive';
import { makeKeyPair, NodeSsh, tmpDir } from './node-ssh';
import { allSecrets, BUNDLE, failedTasks, http, makeSite, nameVars, provisionVars, runSite, upload } from './site-node';

jest.setTimeout(30 * 60_000);

const PROBE = `<?php
// What this site's PHP (its FPM pool) can reach: ?read[]=PATH and ?db=NAME.
require __DIR__ . '/wp-load.php';
header('Content-Type: application/json');
$out = ['read' => [], 'db' => null];
foreach ((array) ($_GET['read'] ?? []) as $p) { $out['read'][$p] = @file_get_contents($p) !== false ? 'READABLE' : 'denied'; }
if (isset($_GET['db'])) { mysqli_report(MYSQLI_REPORT_OFF); $m = @mysqli_connect('localhost', DB_USER, DB_PASSWORD, $_GET['db']); $out['db'] = $m ? 'CONNECTED' : 'refused'; }
echo json_encode($out);
`;

describe('site playbooks on a full node', () => {
  let node: TestNode;
  let ssh: NodeSsh;
  let work: string;
  let core: WordPressArchive;
  const rel: Record<string, { path: string; sha256: string }> = {};
  let neighbour: RequestLoop | undefined;
  const alpha = makeSite('alpha', 'alpha.test');
  const beta = makeSite('beta', 'beta.test');
  const gamma = makeSite('gamma', 'gamma.test');
  const t0 = Date.now();

  const sh = (cmd: string) => ssh.shOk(cmd);
  const current = async (site: typeof alpha) => (await sh(`readlink ${site.base}/current`)).trim();
  const archiveSource = (a: { path: string; sha256: string }) => ({ type: 'archive', archive: a.path, archive_sha256: a.sha256 });
  const coreVersions: Record<string, string> = {};
  const coreSource = (name: string) => ({ type: 'wordpress', archive: rel[name].path, archive_sha256: rel[name].sha256, version: coreVersions[name] });
  const option = async (site: typeof alpha, name: string) => (await ssh.shOk(`mariadb -N ${site.db}`, { input: `SELECT option_value FROM wp_options WHERE option_name = '${name}';` })).trim();
  const upgraded = (run: { events: { event: string; task: string | null; changed: boolean | null }[] }) =>
    run.events.some((e) => e.event === 'runner_on_ok' && e.task === 'Upgrade the database to the new core' && e.changed === true);

  beforeAll(async () => {
    work = tmpDir('pl-site-pb-');
    const kg = await makeKeyPair(work);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    await ensureTemplate();
    node = await upNode('full', 0, [path.join(work, 'id_ed25519.pub')]);
    ssh = new NodeSsh(node.ip, path.join(work, 'id_ed25519'));
    await ssh.uploadBundle(BUNDLE);
    // Sites live on bootstrapped nodes: bootstrap.yml puts in the catch-all server (a name no site
    // claims is closed with 444) and the ACME location every site server block includes. Root keeps
    // its SSH login so the suite can inspect the node; the firewall is bootstrap's own suite's concern.
    const pubKey = fs.readFileSync(path.join(work, 'id_ed25519.pub'), 'utf8').trim();
    const boot = await ssh.runPlaybook(BUNDLE, 'bootstrap.yml', '/root/pl-runs/bootstrap', {
      pressluft_public_key: pubKey,
      lock_root_login: false,
      manage_firewall: false,
    });
    console.log(`bootstrap on full node ${node.n}: ${boot.seconds.toFixed(1)} s, rc=${boot.rc}`);
    if (boot.rc !== 0) throw new Error(`bootstrap failed:\n${boot.log}`);
    core = await wordPressArchive(node);
    rel.core = await upload(ssh, core.path, core.sha256);
    const make = async (name: string, files: Record<string, string>) => {
      const f = path.join(work, `${name}.tar.gz`);
      rel[name] = await upload(ssh, f, await buildReleaseArchive(core, files, f));
    };
    await make('good', {
      'wp-content/mu-plugins/marker.php': "<?php add_action('wp_head', function () { echo '<meta name=\"pl-release\" content=\"good\">'; });\n",
      'pl-probe.php': PROBE,
      '.env': 'DOTFILE-SECRET\n',
    });
    // which release answered: the script's own marker and the one of a file it includes from its
    // directory; a request that mixed two releases would show two different markers
    for (const zd of ['zd1', 'zd2']) {
      await make(zd, {
        'pl-zd.php': `<?php\n$part = require __DIR__ . '/pl-zd-part.php';\necho '${zd}|' . $part;\n`,
        'pl-zd-part.php': `<?php\nreturn '${zd}';\n`,
      });
    }
    // a release that answers 500 only at production's domain (a promotion that breaks only once promoted)
    await make('hostfail', { 'wp-content/mu-plugins/hostfail.php': "<?php if (($_SERVER['HTTP_HOST'] ?? '') === 'alpha2.test') { http_response_code(500); exit; }\n" });
    // a plugin that dies when WordPress loads it: caught before the switch
    await make('fatal', { 'wp-content/mu-plugins/boom.php': '<?php pl_no_such_function();\n' });
    // Core updates to a "newer" WordPress (a copy of the core with the version and database version
    // raised): one that works, and one that is fine on the CLI (the database upgrade runs) but answers
    // 500 through PHP-FPM, so it is caught only after the switch.
    for (const [name, tail] of [['coreok', ''], ['corefail', "if (PHP_SAPI !== 'cli') { http_response_code(500); exit; }\n"]] as const) {
      const built = await buildCoreArchive(core, `${core.version}.99`, path.join(work, `${name}.tar.gz`), tail);
      rel[name] = await upload(ssh, built.path, built.sha256);
      coreVersions[name] = built.version;
    }
  });

  afterAll(async () => {
    await neighbour?.stop();
    console.log(`site playbooks suite: ${((Date.now() - t0) / 1000).toFixed(0)} s wall`);
    if (node) await downNode(node);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('provisions a site that answers through Nginx, with no secret in any process argv during the run', async () => {
    // sample every process's argv on the node while the playbook runs
    await sh(START_ARGV_SAMPLER);
    const run = await runSite(ssh, 'site-provision.yml', provisionVars(alpha, rel.core, 'r0001', { domain_aliases: ['www.alpha.test'] }));
    await sh('touch /root/argv.stop');
    expect(failedTasks(run)).toEqual([]);
    expect(run.rc).toBe(0);
    expect(run.result).toMatchObject({ release_id: 'r0001', wordpress_version: core.version, site_url: 'http://alpha.test', installed: true });

    const page = await http(node.ip, 'alpha.test');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Site alpha');
    expect(page.headers.toLowerCase()).not.toContain('x-robots-tag');
    const alias = await http(node.ip, 'www.alpha.test', '/a?b=1');
    expect(alias.status).toBe(301);
    expect(alias.headers).toMatch(/^location: http:\/\/alpha\.test\/a\?b=1\r?$/im);

    // TLS include contract (docs/tls.md): both server blocks answer the ACME challenge over HTTP and
    // include the environment's HTTPS snippets (a test snippet shows up on the primary and on the alias)
    await sh('mkdir -p /var/www/acme/.well-known/acme-challenge && echo PL-TOKEN > /var/www/acme/.well-known/acme-challenge/pl-token');
    for (const host of ['alpha.test', 'www.alpha.test']) {
      const token = await http(node.ip, host, '/.well-known/acme-challenge/pl-token');
      expect(token.status).toBe(200);
      expect(token.body).toBe('PL-TOKEN\n');
    }
    await sh("mkdir -p /etc/nginx/pressluft/https/alpha && echo 'add_header X-PL-Snippet alpha always;' > /etc/nginx/pressluft/https/alpha/test.conf && nginx -t -q && systemctl reload nginx");
    try {
      await pollUntil(async () => /^x-pl-snippet: alpha\r?$/im.test((await http(node.ip, 'alpha.test')).headers), { timeoutMs: 30_000, description: 'the HTTPS snippet in the primary server block' });
      expect((await http(node.ip, 'www.alpha.test')).headers).toMatch(/^x-pl-snippet: alpha\r?$/im);
    } finally {
      await sh('rm -rf /etc/nginx/pressluft/https/alpha /var/www/acme/.well-known/acme-challenge/pl-token && systemctl reload nginx');
    }

    const argv = await sh('cat /root/argv.log');
    expect(argv).toContain('ansible-playbook'); // the sampler saw the run
    expect(argv).toContain('site-provision.yml');
    for (const s of allSecrets(alpha)) expect(argv).not.toContain(s);
    const events = await sh('cat /root/pl-runs/*/events.jsonl');
    for (const s of allSecrets(alpha)) expect(events).not.toContain(s);

    // the layout and isolation pieces
    const ls = await sh(
      `stat -c '%U:%G %a %n' ${alpha.base} ${alpha.base}/releases/r0001 ${alpha.base}/releases/r0001/index.php ` +
        `${alpha.base}/shared/wp-config.php ${alpha.base}/shared/uploads; id -nG ${alpha.user}; id -nG www-data`,
    );
    expect(ls).toContain(`root:w-alpha 750 ${alpha.base}\n`);
    expect(ls).toContain(`root:w-alpha 750 ${alpha.base}/releases/r0001\n`);
    expect(ls).toContain(`root:w-alpha 640 ${alpha.base}/releases/r0001/index.php\n`);
    expect(ls).toContain(`root:s-alpha 640 ${alpha.base}/shared/wp-config.php\n`);
    expect(ls).toContain(`s-alpha:w-alpha 2750 ${alpha.base}/shared/uploads\n`);
    const pool = await sh('cat /etc/php/8.2/fpm/pool.d/pl-alpha.conf');
    expect(pool).toMatch(/^user = s-alpha$/m);
    expect(pool).toMatch(/^pm = ondemand$/m);
    expect(pool).toMatch(/^php_admin_value\[open_basedir\] = \/var\/www\/sites\/alpha\/$/m);
    expect(pool).toMatch(/^php_admin_value\[disable_functions\] = .*shell_exec/m);
    expect(pool).toMatch(/^php_admin_value\[upload_max_filesize\] = 64M$/m);
    expect(await sh('cat /etc/php/8.2/fpm/conf.d/90-pressluft.ini')).toMatch(/opcache.validate_permission = 1[\s\S]*opcache.validate_root = 1/);
    expect(await sh("grep '^disable_functions' /etc/php/8.2/cli/php.ini || true")).not.toContain('shell_exec');
    expect(await sh(`grep -c "'DISALLOW_FILE_MODS', true" ${alpha.base}/shared/wp-config.php`)).toBe('1\n');
    // the pool's workers (started on demand by the requests above) run as the site user
    const comms = await sh(`for p in $(find /proc -mindepth 1 -maxdepth 1 -user ${alpha.user} -name '[0-9]*'); do cat $p/comm; done`);
    expect(comms).toContain('php-fpm8.2');
  });

  it('a second provision run changes nothing', async () => {
    const run = await runSite(ssh, 'site-provision.yml', provisionVars(alpha, rel.core, 'r0001', { domain_aliases: ['www.alpha.test'] }));
    expect(run.rc).toBe(0);
    expect(run.changed).toBe(0);
    expect(run.result).toMatchObject({ release_id: 'r0001', installed: false });
  });

  it("rotates the site's PHP error log as the site user (a link it plants reads nothing of root's) and nginx's site logs", async () => {
    const logs = `${alpha.base}/logs`;
    const rotate = `logrotate -f -s /root/pl-logrotate.state /etc/logrotate.d/pl-alpha`;
    expect(await sh('cat /etc/logrotate.d/pl-alpha')).toMatch(new RegExp(`^${logs}/php-error.log \\{\\n\\tsu ${alpha.user} w-alpha$`, 'm'));
    await sh(`runuser -u ${alpha.user} -- sh -c 'rm -f ${logs}/php-error.log* && echo "PL old line" >> ${logs}/php-error.log' && ${rotate}`);
    // renamed, no new empty log (PHP makes the next one); a second rotation compresses the first
    expect(await sh(`ls ${logs}; stat -c '%U %n' ${logs}/php-error.log.1; cat ${logs}/php-error.log.1`)).toBe(
      `php-error.log.1\n${alpha.user} ${logs}/php-error.log.1\nPL old line\n`,
    );
    await sh(`runuser -u ${alpha.user} -- sh -c 'echo "PL newer line" >> ${logs}/php-error.log' && ${rotate}`);
    expect(await sh(`ls ${logs}; zcat ${logs}/php-error.log.2.gz`)).toBe('php-error.log.1\nphp-error.log.2.gz\nPL old line\n');
    // the site owns its logs directory: a link in place of the log is skipped, never followed
    await sh(`runuser -u ${alpha.user} -- sh -c 'rm -f ${logs}/php-error.log* && ln -s /etc/shadow ${logs}/php-error.log'`);
    await ssh.sh(rotate);
    expect(await sh(`find ${logs} -mindepth 1 -printf '%y %f\\n'`)).toBe('l php-error.log\n');
    await sh(`rm -f ${logs}/php-error.log*`);
    // nginx's own rule (logrotate.d/nginx) covers the site's access and error logs
    const debug = await ssh.sh('logrotate -d -s /root/pl-logrotate.state /etc/logrotate.d/nginx 2>&1');
    expect(debug.stdout).toContain('/var/log/nginx/pl-alpha.access.log');
  });

  it('provisions a second (noindex) site beside the first', async () => {
    const run = await runSite(ssh, 'site-provision.yml', provisionVars(beta, rel.core, 'r0001', { env_name: 'staging', noindex: true }));
    expect(failedTasks(run)).toEqual([]);
    const page = await http(node.ip, 'beta.test');
    expect(page.status).toBe(200);
    expect(page.headers).toMatch(/^x-robots-tag: noindex, nofollow\r?$/im);
    expect((await sh(`id -u ${alpha.user}; id -u ${beta.user}`)).trim().split('\n')).toHaveLength(2);
    await sh(`runuser -u ${beta.user} -- sh -c 'echo BETA-UPLOAD > ${beta.base}/shared/uploads/private.txt'`);
    // From now on beta is a neighbour: requested while alpha is deployed, rolled back, updated and renamed
    // and gamma is created, until the delete test stops the loop and checks every answer.
    neighbour = startRequestLoop(node.ip, 'beta.test', '/', { workers: 1, paceMs: 250 });
  });

  it('deploys a release from an archive without reloading php-fpm', async () => {
    const masterBefore = (await sh('systemctl show -p MainPID --value php8.2-fpm')).trim();
    const run = await runSite(ssh, 'site-deploy.yml', nameVars(alpha, { release_id: 'r0002', source: archiveSource(rel.good) }));
    expect(failedTasks(run)).toEqual([]);
    expect(run.result).toMatchObject({ release_id: 'r0002', previous_release_id: 'r0001', phase: 'done', switched: true, rolled_back: false });
    expect(await current(alpha)).toBe('releases/r0002');
    expect((await http(node.ip, 'alpha.test')).body).toContain('<meta name="pl-release" content="good">');
    expect((await sh('systemctl show -p MainPID --value php8.2-fpm')).trim()).toBe(masterBefore);
    expect(run.events.some((e) => /php-fpm/i.test(e.task ?? '') && e.event === 'runner_on_ok' && e.changed)).toBe(false);
    // the release is immutable to the site user
    const w = await ssh.sh(`runuser -u ${alpha.user} -- sh -c 'echo x >> ${alpha.base}/current/index.php'`);
    expect(w.code).not.toBe(0);
  });

  it('never serves wp-config.php or dotfiles, and never runs PHP under uploads', async () => {
    expect((await http(node.ip, 'alpha.test', '/wp-config.php')).status).toBe(403);
    const env = await http(node.ip, 'alpha.test', '/.env');
    expect(env.status).toBe(403);
    expect(env.body).not.toContain('DOTFILE-SECRET');
    await sh(`runuser -u ${alpha.user} -- sh -c 'echo "<?php echo \\"UPLOAD-\\" . \\"EXECUTED\\";" > ${alpha.base}/shared/uploads/evil.php'`);
    const evil = await http(node.ip, 'alpha.test', '/wp-content/uploads/evil.php');
    expect(evil.status).toBe(403);
    expect(evil.body).not.toContain('UPLOAD-EXECUTED');
    const evil2 = await http(node.ip, 'alpha.test', '/wp-content/uploads/evil.php/x.jpg');
    expect(evil2.body).not.toContain('UPLOAD-EXECUTED');
  });

  it("site A's PHP cannot read site B's files or reach B's database (A's own: yes)", async () => {
    const q = new URLSearchParams();
    const paths = [
      `${alpha.base}/shared/wp-config.php`, // control: its own config
      `${beta.base}/shared/wp-config.php`,
      `${beta.base}/current/index.php`,
      `${beta.base}/shared/uploads/private.txt`,
      '/etc/passwd',
    ];
    for (const p of paths) q.append('read[]', p);
    const own = await http(node.ip, 'alpha.test', `/pl-probe.php?${q}&db=${alpha.db}`);
    expect(own.status).toBe(200);
    const a = JSON.parse(own.body) as { read: Record<string, string>; db: string };
    expect(a.read).toEqual({
      [paths[0]]: 'READABLE',
      [paths[1]]: 'denied',
      [paths[2]]: 'denied',
      [paths[3]]: 'denied',
      [paths[4]]: 'denied',
    });
    expect(a.db).toBe('CONNECTED');
    const other = JSON.parse((await http(node.ip, 'alpha.test', `/pl-probe.php?db=${beta.db}`)).body) as { db: string };
    expect(other.db).toBe('refused');
  });

  it('refuses a release whose plugin dies at load time before the switch (current unchanged)', async () => {
    const run = await runSite(ssh, 'site-deploy.yml', nameVars(alpha, { release_id: 'r0003', source: archiveSource(rel.fatal) }));
    expect(run.rc).not.toBe(0);
    expect(run.result).toMatchObject({ release_id: 'r0003', phase: 'pre-switch', switched: false, rolled_back: false });
    expect(String(run.result?.reason)).toContain('pl_no_such_function');
    expect(await current(alpha)).toBe('releases/r0002');
    expect((await sh(`ls -A ${alpha.base}/releases`)).trim().split('\n')).toEqual(['r0001', 'r0002']);
    expect((await http(node.ip, 'alpha.test')).status).toBe(200);
  });

  it('a WordPress core update that fails only over HTTP is switched back and marked bad, and the database is put back from the dump taken before', async () => {
    const dbVersion = await option(alpha, 'db_version');
    const run = await runSite(ssh, 'site-deploy.yml', nameVars(alpha, { release_id: 'r0004', source: coreSource('corefail') }));
    expect(run.rc).not.toBe(0);
    expect(run.result).toMatchObject({ release_id: 'r0004', previous_release_id: 'r0002', phase: 'post-switch', switched: true, rolled_back: true, rollback_failed: false });
    expect(String(run.result?.reason)).toContain('HTTP 500');
    expect(upgraded(run)).toBe(true); // the upgrade really changed the database before the check failed
    expect(await option(alpha, 'db_version')).toBe(dbVersion);
    expect(await current(alpha)).toBe('releases/r0002');
    expect(await sh(`cat ${alpha.base}/releases/r0004/.pl-bad`)).toContain('HTTP 500');
    expect((await http(node.ip, 'alpha.test')).status).toBe(200);
  });

  it('rolls back to the previous good release, refuses a bad one without force, and to a named one', async () => {
    const prev = await runSite(ssh, 'site-rollback.yml', nameVars(alpha));
    expect(failedTasks(prev)).toEqual([]);
    expect(prev.result).toMatchObject({ release_id: 'r0001', previous_release_id: 'r0002', switched: true });
    expect(await current(alpha)).toBe('releases/r0001');
    expect((await http(node.ip, 'alpha.test')).body).not.toContain('pl-release');

    const bad = await runSite(ssh, 'site-rollback.yml', nameVars(alpha, { target_release_id: 'r0004' }));
    expect(bad.rc).not.toBe(0);
    expect(failedTasks(bad).join('\n')).toContain('marked bad');
    expect(await current(alpha)).toBe('releases/r0001');

    const named = await runSite(ssh, 'site-rollback.yml', nameVars(alpha, { target_release_id: 'r0002' }));
    expect(named.rc).toBe(0);
    expect(named.result).toMatchObject({ release_id: 'r0002', previous_release_id: 'r0001' });
    expect((await http(node.ip, 'alpha.test')).body).toContain('content="good"');
  });

  it('answers every request with 200 from one whole release while a deploy and a rollback switch releases', async () => {
    const first = await runSite(ssh, 'site-deploy.yml', nameVars(alpha, { release_id: 'r0005', source: archiveSource(rel.zd1) }));
    expect(failedTasks(first)).toEqual([]);
    const probe = startRequestLoop(node.ip, 'alpha.test', '/pl-zd.php');
    const home = startRequestLoop(node.ip, 'alpha.test', '/', { workers: 1, paceMs: 50 });
    let probes: LoopAnswer[] = [];
    let homes: LoopAnswer[] = [];
    try {
      await pollUntil(() => probe.answers.length > 0 && home.answers.length > 0, { timeoutMs: 60_000, description: 'requests under way' });
      const deploy = await runSite(ssh, 'site-deploy.yml', nameVars(alpha, { release_id: 'r0006', source: archiveSource(rel.zd2) }));
      expect(deploy.result).toMatchObject({ release_id: 'r0006', phase: 'done', switched: true });
      await pollUntil(() => probe.answers.at(-1)?.body === 'zd2|zd2', { timeoutMs: 60_000, description: 'the new release answering' });
      const back = await runSite(ssh, 'site-rollback.yml', nameVars(alpha));
      expect(back.result).toMatchObject({ release_id: 'r0005', previous_release_id: 'r0006', switched: true });
      await pollUntil(() => probe.answers.at(-1)?.body === 'zd1|zd1', { timeoutMs: 60_000, description: 'the old release answering again' });
    } finally {
      probes = await probe.stop();
      homes = await home.stop();
    }
    const brief = (a: LoopAnswer) => `${a.status} ${a.error ?? a.body.slice(0, 80)}`;
    expect(probes.filter((a) => a.status !== 200 || !['zd1|zd1', 'zd2|zd2'].includes(a.body)).map(brief)).toEqual([]);
    expect(homes.filter((a) => a.status !== 200 || !a.body.includes('<title>Site alpha')).map(brief)).toEqual([]);
    // the requests spanned both switches: the old release, then the new one, then the old one again
    expect([probes[0].body, probes.some((a) => a.body === 'zd2|zd2'), probes.at(-1)?.body]).toEqual(['zd1|zd1', true, 'zd1|zd1']);
    console.log(`zero-downtime: ${probes.length} probe and ${homes.length} page requests across a deploy and a rollback`);
  });

  it('an nginx reload never cuts a page that PHP is still writing', async () => {
    // A page that arrives from PHP in two parts with a pause between them: with buffered FastCGI, nginx 1.22's
    // old worker of a reload sometimes exited between the parts (a 200 with the first part only).
    const page = `${(await sh(`readlink -f ${alpha.base}/current`)).trim()}/pl-slow.php`;
    await sh(`printf '%s' '<?php echo str_repeat("a", 7000); flush(); usleep(300000); echo str_repeat("b", 7000), "|end";' > ${page} && chmod 0644 ${page}`);
    const logFrom = Number((await sh('stat -c %s /var/log/nginx/error.log')).trim());
    const loop = startRequestLoop(node.ip, 'alpha.test', '/pl-slow.php', { workers: 4, paceMs: 20 });
    let answers: LoopAnswer[] = [];
    try {
      for (let reload = 0; reload < 20; reload++) {
        const seen = loop.answers.length;
        await sh('systemctl reload nginx');
        // each reload lands while pages are being written: wait for a few answers after it
        await pollUntil(() => loop.answers.length >= seen + 4, { timeoutMs: 60_000, description: `answers after reload ${reload + 1}` });
      }
    } finally {
      answers = await loop.stop();
      await sh(`rm -f ${page}`);
    }
    const whole = 'a'.repeat(7000) + 'b'.repeat(7000) + '|end';
    const cut = answers.filter((a) => a.status !== 200 || a.body !== whole).map((a) => `${a.at} ${a.status} ${a.error ?? `${a.body.length} bytes`}`);
    expect(cut).toEqual([]);
    const alerts = (await sh(`tail -c +${logFrom + 1} /var/log/nginx/error.log | grep -E 'open socket|aborting' || true`)).trim();
    expect(alerts).toBe('');
    console.log(`nginx reloads: ${answers.length} streamed pages across 20 reloads, none cut`);
  });

  it('a WordPress core update: a new release with the new core and the site\'s wp-content, the database upgraded after the switch', async () => {
    const dbVersion = Number(await option(alpha, 'db_version'));
    const run = await runSite(ssh, 'site-deploy.yml', nameVars(alpha, { release_id: 'r0007', source: coreSource('coreok') }));
    expect(failedTasks(run)).toEqual([]);
    expect(run.result).toMatchObject({ release_id: 'r0007', previous_release_id: 'r0005', phase: 'done', switched: true });
    expect(upgraded(run)).toBe(true);
    expect(Number(await option(alpha, 'db_version'))).toBe(dbVersion + 1);
    expect(await sh(`grep -h "^\\$wp_version" ${alpha.base}/releases/r0007/wp-includes/version.php ${alpha.base}/releases/r0005/wp-includes/version.php`)).toBe(
      `$wp_version = '${coreVersions.coreok}';\n$wp_version = '${core.version}';\n`,
    );
    expect(await current(alpha)).toBe('releases/r0007');
    // wp-content came from the release before (its must-use plugin still answers)
    expect((await http(node.ip, 'alpha.test', '/pl-zd.php')).body).toBe('zd1|zd1');
    expect((await http(node.ip, 'alpha.test')).status).toBe(200);
  });

  it('a broken pool file of someone else never takes the running sites down', async () => {
    await sh(
      "printf '[broken]\\nuser = no-such-user\\nlisten = /run/php/broken.sock\\npm = ondemand\\npm.max_children = 1\\n' > /etc/php/8.2/fpm/pool.d/zz-broken.conf",
    );
    try {
      const run = await runSite(ssh, 'site-provision.yml', provisionVars(gamma, rel.core, 'r0001'));
      expect(run.rc).not.toBe(0);
      expect(failedTasks(run).join('\n')).toMatch(/Test the whole php-fpm configuration/);
      expect((await sh('systemctl is-active php8.2-fpm')).trim()).toBe('active');
      expect((await http(node.ip, 'alpha.test')).status).toBe(200);
      expect((await http(node.ip, 'beta.test')).status).toBe(200);
    } finally {
      await sh('rm -f /etc/php/8.2/fpm/pool.d/zz-broken.conf');
    }
  });

  it('a new primary domain rewrites URLs, serialized ones with correct lengths, and the old one redirects', async () => {
    const before = 'a:2:{s:3:"url";s:17:"http://alpha.test";s:6:"nested";a:1:{i:0;s:22:"http://alpha.test/page";}}';
    await ssh.shOk(`mariadb ${alpha.db}`, {
      // a URL already switched to https (site-certificate.yml) keeps its scheme
      input: `INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('pl_serialized', '${before}', 'no'), ('pl_https', 'https://alpha.test/x', 'no');`,
    });
    const run = await runSite(
      ssh,
      'site-domains.yml',
      nameVars(alpha, { primary_domain: 'alpha2.test', domain_aliases: ['alpha.test'], previous_primary_domain: 'alpha.test' }),
    );
    expect(failedTasks(run)).toEqual([]);
    expect(run.result).toMatchObject({ primary_domain: 'alpha2.test', aliases: ['alpha.test'], rewritten: { http: expect.objectContaining({ wp_options: expect.any(Number) }), https: { wp_options: 1 } } });
    const opts = await ssh.shOk(`mariadb -N ${alpha.db}`, {
      input: "SELECT option_name, option_value FROM wp_options WHERE option_name IN ('siteurl','home','pl_serialized','pl_https') ORDER BY option_name;",
    });
    expect(opts).toContain('pl_https\thttps://alpha2.test/x\n');
    expect(opts).toContain('home\thttp://alpha2.test\n');
    expect(opts).toContain('siteurl\thttp://alpha2.test\n');
    expect(opts).toContain('pl_serialized\ta:2:{s:3:"url";s:18:"http://alpha2.test";s:6:"nested";a:1:{i:0;s:23:"http://alpha2.test/page";}}\n');
    expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
    const old = await http(node.ip, 'alpha.test', '/x');
    expect(old.status).toBe(301);
    expect(old.headers).toMatch(/^location: http:\/\/alpha2\.test\/x\r?$/im);
  });

  it('a domain change whose server block fails nginx -t changes nothing: the previous block is back, the URLs stay', async () => {
    // something else in the configuration is broken (here: a bad snippet of the environment's own)
    await sh("mkdir -p /etc/nginx/pressluft/https/alpha && echo 'this_is_no_directive on;' > /etc/nginx/pressluft/https/alpha/broken.conf");
    const vhost = `/etc/nginx/sites-available/pl-${alpha.slug}.conf`;
    const vhostBefore = await sh(`sha256sum ${vhost}`);
    try {
      const run = await runSite(
        ssh,
        'site-domains.yml',
        nameVars(alpha, { primary_domain: 'alpha3.test', domain_aliases: ['alpha.test', 'alpha2.test'], previous_primary_domain: 'alpha2.test' }),
      );
      expect(run.rc).not.toBe(0);
      expect(JSON.stringify(failedTasks(run))).toContain('nginx keeps the previous server block');
      expect(await sh(`sha256sum ${vhost}`)).toBe(vhostBefore);
      expect((await sh(`ls /etc/nginx/sites-available/ | grep -c '^pl-${alpha.slug}\\.conf\\.' || true`)).trim()).toBe('0');
      expect(await option(alpha, 'siteurl')).toBe('http://alpha2.test');
      expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
    } finally {
      await sh('rm -f /etc/nginx/pressluft/https/alpha/broken.conf && nginx -t -q');
    }
  });

  it('the neighbour answered every request with 200 while the other sites were deployed, rolled back, updated, renamed and created', async () => {
    const answers = await neighbour!.stop();
    neighbour = undefined;
    const brief = (a: LoopAnswer) => `${a.status} ${a.error ?? a.body.slice(0, 80)}`;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status !== 200).map(brief)).toEqual([]);
    console.log(`neighbour: ${answers.length} requests to beta.test, all 200`);
  });

  it('deletes a site completely and leaves the other one serving; a second delete changes nothing', async () => {
    // what site-certificate.yml leaves for an environment with a certificate
    await sh(
      'mkdir -p /etc/pressluft/tls/beta/live /etc/nginx/pressluft/https/beta && echo CERT > /etc/pressluft/tls/beta/live/fullchain.pem && ' +
        "echo 'add_header X-PL-Snippet beta always;' > /etc/nginx/pressluft/https/beta/tls.conf && nginx -t -q && systemctl reload nginx",
    );
    const beside = startRequestLoop(node.ip, 'alpha2.test', '/', { workers: 1, paceMs: 100 });
    let besideAnswers: LoopAnswer[] = [];
    let run: Awaited<ReturnType<typeof runSite>>;
    try {
      run = await runSite(ssh, 'site-delete.yml', nameVars(beta));
    } finally {
      besideAnswers = await beside.stop();
    }
    expect(failedTasks(run)).toEqual([]);
    expect(run.result).toEqual({ deleted: true });
    // its pool went away with a graceful php-fpm reload: the site beside it never noticed
    expect(besideAnswers.length).toBeGreaterThan(0);
    expect(besideAnswers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.error ?? ''}`)).toEqual([]);
    const left = await ssh.sh(
      `id ${beta.user} 2>&1; getent group w-beta; ls -d ${beta.base} /etc/php/8.2/fpm/pool.d/pl-beta.conf /run/php/pl-beta.sock ` +
        `/etc/nginx/sites-enabled/pl-beta.conf /etc/nginx/sites-available/pl-beta.conf /var/log/nginx/pl-beta.* ` +
        `/etc/pressluft/tls/beta /etc/nginx/pressluft/https/beta /etc/logrotate.d/pl-beta 2>&1; ` +
        `echo "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='${beta.db}'; SELECT COUNT(*) FROM mysql.user WHERE User='${beta.db}';" | mariadb -N`,
    );
    expect(left.stdout).toMatch(new RegExp(`id: .${beta.user}.: no such user`));
    expect(left.stdout).not.toMatch(/^w-beta:/m);
    expect(left.stdout.match(/No such file or directory/g)?.length).toBe(9);
    expect(left.stdout.trim().split('\n').slice(-2)).toEqual(['0', '0']);
    // the name is nobody's now: bootstrap's catch-all closes the connection without an answer (444)
    // (polled: a reload lets the old workers finish their connections first)
    await pollUntil(async () => (await http(node.ip, 'beta.test')).status === 0, { timeoutMs: 30_000, description: 'beta.test closed by the catch-all' });
    expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
    expect(await sh(`id -nG www-data`)).toContain('w-alpha');

    const again = await runSite(ssh, 'site-delete.yml', nameVars(beta));
    expect(again.rc).toBe(0);
    expect(again.changed).toBe(0);
  });
  // the clone of alpha, made by the next test and removed by the last one
  const staging = makeSite('alpha-staging', 'staging.alpha2.test');
  interface Snapshot {
    database: string;
    prefix: string | null;
    tables: { name: string; rows: number; checksum: string; filtered?: boolean }[];
    uploads: { files: number; bytes: number; sha256: string };
  }
  let cloneBaseline: Snapshot | undefined;
  const sql = (site: typeof alpha, query: string) => ssh.shOk(`mariadb -N ${site.db}`, { input: query });
  const snapshotOf = async (site: typeof alpha): Promise<Snapshot> =>
    JSON.parse(
      await sh(`python3 /usr/local/lib/pressluft/pl-drift-snapshot.py --db ${site.db} --uploads ${site.base}/shared/uploads --wp-config ${site.base}/shared/wp-config.php`),
    ) as Snapshot;
  const tableOf = (snap: Snapshot, name: string) => snap.tables.find((t) => t.name === name);
  const CONTENT = ['posts', 'postmeta', 'comments', 'commentmeta', 'users', 'usermeta', 'terms', 'term_taxonomy', 'term_relationships', 'termmeta'];
  const notKept = (snap: Snapshot) => snap.tables.map((t) => t.name).filter((n) => !CONTENT.includes(n.slice('wp_'.length))).sort();
  const guardOf = (snap: Snapshot) => ({
    tables: Object.fromEntries(notKept(snap).map((n) => [n, { rows: tableOf(snap, n)!.rows, checksum: tableOf(snap, n)!.checksum }])),
    uploads_sha256: snap.uploads.sha256,
  });
  const promoteVars = (promotionId: string, guard: unknown, extra: Record<string, unknown> = {}) =>
    nameVars(alpha, {
      env_name: 'production',
      primary_domain: 'alpha2.test',
      domain_aliases: ['alpha.test'],
      source_env_slug: staging.slug,
      source_site_base: staging.base,
      source_db_name: staging.db,
      source_primary_domain: staging.domain,
      promotion_id: promotionId,
      preset: 'content-protect',
      release_id: 'r0008',
      copy_database: true,
      keep_tables: CONTENT,
      copy_uploads: true,
      uploads_delete: false,
      guard,
      pre_promotion_backup_id: `bk-${promotionId}`,
      db_password: alpha.secrets.dbPassword,
      ...extra,
    });
  let promotedTables: string[] = [];

  it('clones a site into a new environment (second run changes nothing, same baseline)', async () => {
    const vars = nameVars(staging, {
      env_name: 'staging',
      primary_domain: staging.domain,
      db_password: staging.secrets.dbPassword,
      wp_salts: staging.secrets.salts,
      upload_max_mb: 64,
      noindex: true,
      source_env_slug: alpha.slug,
      source_site_base: alpha.base,
      source_db_name: alpha.db,
      source_primary_domain: 'alpha2.test',
    });
    const first = await runSite(ssh, 'site-clone.yml', vars);
    expect(failedTasks(first)).toEqual([]);
    expect(first.result).toMatchObject({ release_id: (await current(alpha)).replace('releases/', ''), site_url: 'http://staging.alpha2.test' });
    const baseline = first.result!.baseline as { database: string; tables: { name: string; rows: number }[]; uploads: { sha256: string } };
    expect(baseline.database).toBe(alpha.db);
    expect(baseline.tables.find((t) => t.name === 'wp_options')?.rows).toBeGreaterThan(10);
    const page = await http(node.ip, staging.domain);
    expect(page.status).toBe(200);
    expect(page.headers).toMatch(/^x-robots-tag: noindex, nofollow\r?$/im);
    expect(page.body).toContain('http://staging.alpha2.test');
    expect((await http(node.ip, 'alpha2.test')).headers).not.toMatch(/x-robots-tag/i);
    expect(await sh(`cat /etc/logrotate.d/pl-${staging.slug}`)).toContain(`\tsu ${staging.user} w-${staging.user.slice(2)}\n`);
    const again = await runSite(ssh, 'site-clone.yml', vars);
    expect(again.rc).toBe(0);
    expect(again.changed).toBe(0);
    expect(again.result!.baseline).toEqual(first.result!.baseline);
    // no secret of the new environment in any argv or output of either run
    expect(allSecrets(staging).filter((x) => JSON.stringify([first.events, again.events]).includes(x))).toEqual([]);
    cloneBaseline = first.result!.baseline as Snapshot;
  });

  it('takes the drift snapshot of production read-only: equal to the clone baseline, transients and login sessions left out', async () => {
    expect(cloneBaseline).toBeDefined();
    const base = cloneBaseline!;
    const run = await runSite(ssh, 'site-drift-snapshot.yml', nameVars(alpha, { env_name: 'production', pressluft_home: '/var/lib/pressluft' }));
    expect(failedTasks(run)).toEqual([]);
    expect(run.rc).toBe(0);
    expect(run.changed).toBe(0);
    const snap = run.result!.snapshot as Snapshot;
    expect(snap.database).toBe(alpha.db);
    expect(snap.prefix).toBe('wp_');
    expect(base.prefix).toBe('wp_');
    expect(snap.tables).toEqual(base.tables);
    expect(snap.uploads).toEqual(base.uploads);
    expect(snap.tables.filter((t) => t.filtered).map((t) => t.name)).toEqual(['wp_options', 'wp_usermeta']);

    const options = tableOf(base, 'wp_options')!;
    const usermeta = tableOf(base, 'wp_usermeta')!;
    // a transient, a site transient and a login session are no drift
    await sql(
      alpha,
      "INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('_transient_pl_drift', 'x', 'no'), ('_site_transient_pl_drift', 'y', 'no');" +
        "INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (1, 'session_tokens', 'a:0:{}');",
    );
    let now = await snapshotOf(alpha);
    expect(tableOf(now, 'wp_options')).toEqual(options);
    expect(tableOf(now, 'wp_usermeta')).toEqual(usermeta);
    // a real option change is
    await sql(alpha, "UPDATE wp_options SET option_value = CONCAT('PL drifted: ', option_value) WHERE option_name = 'blogdescription';");
    now = await snapshotOf(alpha);
    expect(tableOf(now, 'wp_options')!.rows).toBe(options.rows);
    expect(tableOf(now, 'wp_options')!.checksum).not.toBe(options.checksum);
    // reverted, production is the baseline again
    await sql(
      alpha,
      "UPDATE wp_options SET option_value = SUBSTRING(option_value, 13) WHERE option_name = 'blogdescription';" +
        "DELETE FROM wp_options WHERE option_name IN ('_transient_pl_drift', '_site_transient_pl_drift'); DELETE FROM wp_usermeta WHERE meta_key = 'session_tokens';",
    );
    now = await snapshotOf(alpha);
    expect(now.tables).toEqual(base.tables);
  });

  it('promotes the clone onto production with content-protect: its release and settings (URLs rewritten), production keeps its content and blog_public; a second run changes nothing', async () => {
    expect(cloneBaseline).toBeDefined();
    // the clone gets a new release, a new option (a URL in a serialized value), a new post, a new upload and one upload less
    const deploy = await runSite(ssh, 'site-deploy.yml', nameVars(staging, { primary_domain: staging.domain, release_id: 'r0008', source: archiveSource(rel.good) }));
    expect(failedTasks(deploy)).toEqual([]);
    const url = 'http://staging.alpha2.test/about';
    await sql(
      staging,
      `INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('pl_promoted', 'a:1:{s:3:"url";s:${url.length}:"${url}";}', 'no');` +
        'INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, post_name, to_ping, pinged, ' +
        "post_modified, post_modified_gmt, post_content_filtered, post_type, guid) VALUES (1, NOW(), UTC_TIMESTAMP(), 'staging only', 'PL staging-only post', '', " +
        `'publish', 'pl-staging-only', '', '', NOW(), UTC_TIMESTAMP(), '', 'post', '${url}');`,
    );
    await sh(`runuser -u ${staging.user} -- sh -c 'echo PROMOTED > ${staging.base}/shared/uploads/promoted.txt' && rm ${staging.base}/shared/uploads/evil.php`);
    // production gets a comment after the clone (content: kept, and not guarded)
    await sql(alpha, "INSERT INTO wp_comments (comment_post_ID, comment_author, comment_content, comment_date, comment_date_gmt) VALUES (1, 'PL production visitor', 'kept', NOW(), UTC_TIMESTAMP());");
    const publicBefore = await option(alpha, 'blog_public');
    expect(publicBefore).toBe('1');
    expect(await option(staging, 'blog_public')).toBe('0');

    promotedTables = notKept(cloneBaseline!);
    expect(promotedTables).toContain('wp_options');
    const vars = promoteVars('pm-0001', guardOf(cloneBaseline!));
    const run = await runSite(ssh, 'site-promote.yml', vars);
    expect(failedTasks(run)).toEqual([]);
    expect(run.rc).toBe(0);
    expect(run.result).toEqual({ overwritten: true, release_id: 'r0008', tables: promotedTables, uploads_copied: true, http_status: 200 });

    // staging's settings, with its URLs rewritten to production's (serialized lengths right); production's blog_public
    const rewritten = 'http://alpha2.test/about';
    expect(await option(alpha, 'pl_promoted')).toBe(`a:1:{s:3:"url";s:${rewritten.length}:"${rewritten}";}`);
    expect(await option(alpha, 'home')).toBe('http://alpha2.test');
    expect(await option(alpha, 'siteurl')).toBe('http://alpha2.test');
    expect(await option(alpha, 'blog_public')).toBe(publicBefore);
    // production's content: its own comment, not staging's post
    expect((await sql(alpha, "SELECT COUNT(*) FROM wp_comments WHERE comment_author = 'PL production visitor';")).trim()).toBe('1');
    expect((await sql(alpha, "SELECT COUNT(*) FROM wp_posts WHERE post_name = 'pl-staging-only';")).trim()).toBe('0');
    expect((await sql(staging, "SELECT COUNT(*) FROM wp_posts WHERE post_name = 'pl-staging-only';")).trim()).toBe('1');
    // the uploads added (as production's site user), none deleted
    expect(await sh(`stat -c '%U:%G' ${alpha.base}/shared/uploads/promoted.txt; cat ${alpha.base}/shared/uploads/promoted.txt; ls ${alpha.base}/shared/uploads/evil.php`)).toBe(
      `${alpha.user}:w-alpha\nPROMOTED\n${alpha.base}/shared/uploads/evil.php\n`,
    );
    // staging's release, sealed for production's web group
    expect(await current(alpha)).toBe('releases/r0008');
    expect(await sh(`stat -c '%U:%G %a' ${alpha.base}/releases/r0008 ${alpha.base}/releases/r0008/index.php`)).toBe('root:w-alpha 750\nroot:w-alpha 640\n');
    const page = await http(node.ip, 'alpha2.test');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<meta name="pl-release" content="good">');
    expect(page.body).not.toContain('staging.alpha2.test');
    expect(page.headers).not.toMatch(/x-robots-tag/i);
    // the source was only read
    expect(await option(staging, 'home')).toBe('http://staging.alpha2.test');
    expect(await option(staging, 'blog_public')).toBe('0');

    const again = await runSite(ssh, 'site-promote.yml', vars);
    expect(again.rc).toBe(0);
    expect(again.changed).toBe(0);
    expect(again.result).toEqual(run.result);
  });

  it('a promotion whose guard no longer matches production is blocked and overwrites nothing', async () => {
    // the snapshot after the promotion (what the control plane records as the new baseline), then production drifts
    const before = await snapshotOf(alpha);
    await sql(alpha, "UPDATE wp_options SET option_value = CONCAT('PL drifted: ', option_value) WHERE option_name = 'blogdescription';");
    const drifted = await snapshotOf(alpha);
    const guard = guardOf(before);
    const run = await runSite(ssh, 'site-promote.yml', promoteVars('pm-0002', { ...guard, tables: { ...guard.tables, wp_pl_never_there: null } }));
    expect(run.rc).not.toBe(0);
    expect(run.result).toMatchObject({ overwritten: false, code: 'PROMOTION_BLOCKED', changed_tables: ['wp_options'], uploads_changed: false });
    expect(String(run.result!.reason)).toContain('wp_options');
    const after = await snapshotOf(alpha);
    expect(after.tables).toEqual(drifted.tables);
    expect(after.uploads).toEqual(drifted.uploads);
    expect(await current(alpha)).toBe('releases/r0008');
    expect(await sh(`ls ${alpha.base}/.pl/promotions`)).toBe('pm-0001.json\n');
    expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
  });

  it('a promotion that fails after it overwrote production puts the pre-promotion backup back', async () => {
    // a release that answers 500 only at production's domain: fine on staging, broken once promoted
    const deploy = await runSite(ssh, 'site-deploy.yml', nameVars(staging, { primary_domain: staging.domain, release_id: 'r0009', source: archiveSource(rel.hostfail) }));
    expect(failedTasks(deploy)).toEqual([]);
    await sql(staging, "INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('pl_rollback_probe', 'from staging', 'no');");
    const description = await option(alpha, 'blogdescription');
    const backup = await runSite(
      ssh,
      'site-backup.yml',
      nameVars(alpha, { env_name: 'production', backup_id: 'bk-pm-0003', scope: 'full', purpose: 'pre-promotion', db_password: alpha.secrets.dbPassword, restic_repository: null }),
    );
    expect(failedTasks(backup)).toEqual([]);
    const run = await runSite(ssh, 'site-promote.yml', promoteVars('pm-0003', null, { release_id: 'r0009' }));
    expect(run.rc).not.toBe(0);
    expect(run.result).toMatchObject({ overwritten: true, rolled_back: true });
    expect(String(run.result!.reason)).toMatch(/500|answer/i);
    // production as the backup had it: its release, its options, serving
    expect(await current(alpha)).toBe('releases/r0008');
    expect((await sql(alpha, "SELECT COUNT(*) FROM wp_options WHERE option_name = 'pl_rollback_probe';")).trim()).toBe('0');
    expect(await option(alpha, 'blogdescription')).toBe(description);
    expect((await sql(alpha, "SELECT COUNT(*) FROM wp_comments WHERE comment_author = 'PL production visitor';")).trim()).toBe('1');
    expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
    expect(await sh(`ls ${alpha.base}/.pl/promotions`)).toBe('pm-0001.json\n');
  });

  it('removes the clone on its own (second run changes nothing)', async () => {
    const removed = await runSite(ssh, 'site-environment-delete.yml', nameVars(staging, { env_name: 'staging' }));
    expect(failedTasks(removed)).toEqual([]);
    expect(removed.result).toEqual({ deleted: true, forgotten: [] });
    const left = await ssh.sh(`id ${staging.user} 2>&1; ls -d ${staging.base} /etc/php/8.2/fpm/pool.d/pl-alpha-staging.conf /etc/nginx/sites-enabled/pl-alpha-staging.conf /etc/logrotate.d/pl-alpha-staging 2>&1; echo "SHOW DATABASES LIKE '${staging.db}'" | mariadb -N`);
    expect(left.stdout).toMatch(/no such user/);
    expect(left.stdout.match(/No such file or directory/g)?.length).toBe(4);
    expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
    const removedAgain = await runSite(ssh, 'site-environment-delete.yml', nameVars(staging, { env_name: 'staging' }));
    expect(removedAgain.rc).toBe(0);
    expect(removedAgain.changed).toBe(0);
    // production is never removed this way
    const refused = await runSite(ssh, 'site-environment-delete.yml', nameVars(alpha, { env_name: 'production' }));
    expect(refused.rc).not.toBe(0);
    expect((await http(node.ip, 'alpha2.test')).status).toBe(200);
  });
});
