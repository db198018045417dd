/**
 * A BARE test node (sshd + python3 only) bootstrapped for real through the API: POST /nodes pins the
 * host key and queues node.bootstrap; the handler installs ansible-core over SSH (one package step),
 * runs the real bootstrap.yml through the detached runner and records the node's facts
 * (NodeBootstrapped, GET /nodes/{id}). Bootstrap creates the management user `pressluft` and turns
 * root's SSH login off: the node switches to it (NodeManagementUserSwitched root -> pressluft), root is
 * refused, and everything after that runs as pressluft through its one sudo command, the entry point
 * /usr/local/sbin/pressluft-node: `sudo -n -l` lists only it, every other sudo invocation is refused, the
 * entry point refuses bytes that do not match their hash, bad ids and path traversal; a bundle upload, a
 * 60 MB content-addressed upload, a second bootstrap reporting changed=0 and a health check go through it.
 * Then what bootstrap.yml left on the node (the checks of the former playbook-level suite, which ran the
 * same playbook the same way, `ansible-playbook -c local` on the node, on a second bare node): ordered task
 * events, the Nginx catch-all (444 on port 80, TLS handshakes refused on 443, the ACME challenge path served
 * from the webroot), the TLS snippets, the services, MariaDB on loopback only, no Apache, the firewall
 * dropping other ports, the facts, the root-owned directories of the entry point. Needs root (test nodes);
 * node slot 2.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeAddress } from '../../../src/application/ports/remote-shell.port';
import { AnsibleRemoteRunner } from '../../../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../../../src/infrastructure/remote-runner/sqlite-run-store';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { openDatabase } from '../../../src/infrastructure/sqlite/database';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';
import { testJobContext } from '../../support/job-context';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';
import { PLAYBOOKS_DIR, runCmd } from '../../playbooks/node-ssh';

jest.setTimeout(30 * 60_000);

describe('bootstrap of a bare node through the API (real node, real playbook)', () => {
  let t: TestApp;
  let keyDir: string;
  let node: TestNode;
  let key: FileControlPlaneKey;
  let firewall = false;
  const shells: Ssh2RemoteShell[] = [];
  let nodeId = '';
  let firstJobId = '';
  let firstRunId = '';

  const finished = (id: string, timeoutMs: number) =>
    pollUntil(async () => {
      const j = (await t.request('GET', `/api/v1/jobs/${id}`)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
    }, { timeoutMs, intervalMs: 500, description: `job ${id} finished` });
  const runLog = async (jobId: string) => (await t.request('GET', `/api/v1/jobs/${jobId}/run-log?limit=1000`)).body;

  beforeAll(async () => {
    await ensureTemplate();
    keyDir = mkdtempSync(join(tmpdir(), 'pl-boot-data-'));
    // The control plane's key is made first (in the data dir the app then uses), so the node can
    // trust it before we know whether the node can run a firewall.
    key = FileControlPlaneKey.loadOrCreate(keyDir, SecretBox.openOrCreate(keyDir));
    writeFileSync(join(keyDir, 'cp.pub'), key.publicKey() + '\n');
    node = await upNode('bare', 2, [join(keyDir, 'cp.pub')]);
    const cap = await execOnNode(node, ['grep', '^CapBnd:', '/proc/1/status']);
    firewall = (BigInt('0x' + (cap.stdout.split(/\s+/)[1] ?? '0')) & (1n << 12n)) !== 0n;
    // The harness grants CAP_NET_ADMIN: a node without it is a harness bug, and the firewall would go untested.
    if (!firewall) throw new Error(`node ${node.n} lacks CAP_NET_ADMIN: the firewall cannot be tested`);
    t = await startTestApp({
      jobHandlers: 'real',
      env: { PRESSLUFT_DATA_DIR: keyDir, PRESSLUFT_RUN_POLL_MS: '250', PRESSLUFT_MANAGE_FIREWALL: firewall ? 'on' : 'off' },
    });
  });

  afterAll(async () => {
    for (const sh of shells) await sh.close();
    await t?.close();
    if (node) await downNode(node);
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('bootstraps, records facts, and a second bootstrap reports changed=0', async () => {
    expect((await execOnNode(node, ['sh', '-c', 'command -v ansible-playbook || echo none'])).stdout.trim()).toBe('none');
    const t0 = Date.now();
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'bare-1', host: node.ip });
    expect(reg.status).toBe(202);
    expect(reg.body.node).toMatchObject({ status: 'bootstrapping', hostKeyFingerprint: node.hostKeyFingerprint });
    const id = reg.body.node.id;
    nodeId = id;
    firstJobId = reg.body.job.id;
    const first = await finished(reg.body.job.id, 25 * 60_000);
    const firstLog = await runLog(reg.body.job.id);
    if (first.state !== 'succeeded') throw new Error(`bootstrap failed: ${JSON.stringify(first.error)}\n${firstLog.lines.map((l: { text: string }) => l.text).join('\n')}`);
    console.log(`bootstrap of a bare node through the API: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(firstLog.lines.map((l: { text: string }) => l.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^ansible installed on debian 12/)]));
    expect(firstLog.runs).toHaveLength(1);
    expect(firstLog.runs[0]).toMatchObject({ playbook: 'bootstrap.yml', state: 'succeeded', rc: 0 });
    expect((firstLog.runs[0].stats.localhost as { changed: number }).changed).toBeGreaterThan(5);
    firstRunId = firstLog.runs[0].runId;

    const view = (await t.request('GET', `/api/v1/nodes/${id}`)).body;
    expect(view).toMatchObject({ status: 'ready', facts: { os: 'Debian', os_version: '12', php_version: '8.2', service_manager: 'systemd', firewall } });
    expect(view.facts.nginx_version).toEqual(expect.any(String));
    expect(view.facts).toMatchObject({ management_user: 'pressluft', root_login: false });
    const history = (await t.request('GET', `/api/v1/nodes/${id}/events`)).body.events;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['NodeRegistered', 'NodeBootstrapRequested', 'NodeBootstrapped', 'NodeManagementUserSwitched']);
    expect(history[2].data.facts).toEqual(view.facts);
    expect(history[3].data).toEqual({ nodeId: id, from: 'root', to: 'pressluft' });
    // The read model follows: every later job connects as pressluft.
    expect(view.user).toBe('pressluft');

    // Root's SSH login is refused now (same key); pressluft logs in and has only its sudo commands.
    const shell = new Ssh2RemoteShell(key, { connectTimeoutMs: 10_000 });
    shells.push(shell);
    const as = (user: string): NodeAddress => ({ nodeId: `${id}-${user}`, host: node.ip, port: 22, user, hostKeyFingerprint: node.hostKeyFingerprint });
    await expect(shell.exec(as('root'), ['true'])).rejects.toMatchObject({ code: 'NODE_UNREACHABLE', message: expect.stringMatching(/authentication/i) });
    expect((await shell.exec(as('pressluft'), ['id', '-un'])).stdout.trim()).toBe('pressluft');
    const sshdT = await execOnNode(node, ['sh', '-c', 'sshd -T | grep -E "^(permitrootlogin|passwordauthentication) "']);
    expect(sshdT.stdout).toContain('permitrootlogin no');
    expect(sshdT.stdout).toContain('passwordauthentication no');

    // The management user's sudo is exactly the entry point; every other sudo invocation is refused.
    const pl = as('pressluft');
    const sudoList = (await shell.exec(pl, ['sudo', '-n', '-l'])).stdout;
    const rules = sudoList.slice(sudoList.indexOf('may run the following commands')).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    expect(rules).toEqual(['(root) NOPASSWD: /usr/local/sbin/pressluft-node']);
    for (const argv of [
      ['/usr/bin/id'],
      ['/usr/bin/cat', '/var/lib/pressluft/facts.json'],
      ['/usr/bin/tar', '-xzf', '-', '--no-same-owner', '-C', '/var/lib/pressluft/bundles/x'],
      ['/usr/bin/mkdir', '-p', '-m', '0700', '/var/lib/pressluft/runs/x'],
      ['sh', '-c', 'id'],
      ['env', 'PL_NODE_ROOT=/tmp', '/usr/local/sbin/pressluft-node', 'version'],
      ['PL_NODE_ROOT=/tmp', '/usr/local/sbin/pressluft-node', 'version'],
      ['-u', 'root', '/bin/bash', '-c', 'id'],
      ['/usr/bin/apt-get', 'update', '-q'],
    ]) {
      const res = await shell.exec(pl, ['sudo', '-n', ...argv]);
      if (res.code === 0) throw new Error(`sudo ${argv.join(' ')} was allowed: ${res.stdout}`);
    }
    const entry = (args: string[], stdin?: Buffer) => shell.exec(pl, ['sudo', '-n', '/usr/local/sbin/pressluft-node', ...args], { stdin });
    expect((await entry(['version'])).stdout.trim()).toBe('pressluft-node 1');
    expect(JSON.parse((await entry(['read', 'facts'])).stdout)).toMatchObject({ management_user: 'pressluft' });
    // The entry point refuses bytes that do not match their hash, bad ids, traversal, unknown commands.
    const fakeHash = createHash('sha256').update('what the bytes should have been').digest('hex');
    expect(await entry(['put-bundle', fakeHash], Buffer.from('other bytes'))).toMatchObject({ code: 3 });
    expect(await entry(['put-upload', fakeHash], Buffer.from('other bytes'))).toMatchObject({ code: 3 });
    for (const args of [
      ['put-vars', '../../../etc/cron.d'],
      ['put-vars', 'a/b'],
      ['put-vars', '.hidden'],
      ['put-bundle', '../x'],
      ['has-upload', `../${fakeHash.slice(3)}`],
      ['run', fakeHash, 'start', 'r1', '../../etc/x.yml'],
      ['run', fakeHash, 'start', 'r1', 'x.sh'],
      ['run', '../../../../tmp', 'start', 'r1', 'ping.yml'],
      ['run', fakeHash, 'exec', 'r1'],
      ['run', fakeHash, 'poll', 'r1', '0;id', '1'],
      ['read', '../../../etc/shadow'],
      ['sh'],
    ]) {
      expect({ args, code: (await entry(args, Buffer.from('{}'))).code }).toEqual({ args, code: 2 });
    }
    expect((await entry(['run', fakeHash, 'status', 'r1'])).code).toBe(1); // not a verified bundle
    const refused = await execOnNode(node, ['sh', '-c', `ls -a /var/lib/pressluft/bundles /var/lib/pressluft/uploads /var/lib/pressluft/runs; test -e /etc/cron.d/vars.json && echo PLANTED`]);
    expect(refused.stdout).not.toContain(fakeHash);
    expect(refused.stdout).not.toContain('PLANTED');
    expect(refused.stdout).not.toContain('.incoming');

    // A bundle the node has not seen goes up through the entry point (verified, unpacked atomically), and
    // a 60 MB file is uploaded content-addressed (streamed), once.
    const bundleDir = mkdtempSync(join(tmpdir(), 'pl-boot-bundle-'));
    cpSync(resolve(__dirname, '..', '..', '..', 'playbooks'), bundleDir, { recursive: true });
    writeFileSync(join(bundleDir, 'marker.txt'), `${Date.now()}\n`);
    const big = join(bundleDir, 'big.bin');
    writeFileSync(big, randomBytes(60 * 1024 * 1024));
    const db = openDatabase({ file: join(keyDir, 'runner-test.db') });
    try {
      const runner = new AnsibleRemoteRunner(shell, new SqliteRunStore(db), { playbooksDir: bundleDir, pollIntervalMs: 250 });
      const ctx = testJobContext({ id: 'sudo-path' });
      const ping = await runner.run(pl, 'ping', {}, ctx);
      expect(ping).toMatchObject({ rc: 0, changed: 0 });
      const owners = await execOnNode(node, ['sh', '-c', `stat -c '%U %a' /var/lib/pressluft/runs/${ping.runId}/vars.json; ls /var/lib/pressluft/bundles | wc -l`]);
      expect(owners.stdout.trim().split('\n')).toEqual(['root 600', '2']);
      const up = await runner.upload(pl, big, ctx);
      const sha = createHash('sha256').update(readFileSync(big)).digest('hex');
      expect(up).toEqual({ path: `/var/lib/pressluft/uploads/${sha}`, sha256: sha, size: 60 * 1024 * 1024, uploaded: true });
      const onNode = await execOnNode(node, ['sh', '-c', `stat -c '%U %a %s' ${up.path}; sha256sum ${up.path} | cut -d' ' -f1; ls -a /var/lib/pressluft/uploads | grep -c incoming || true`]);
      expect(onNode.stdout.trim().split('\n')).toEqual([`root 600 ${60 * 1024 * 1024}`, sha, '0']);
      expect(await runner.upload(pl, big, ctx)).toMatchObject({ uploaded: false, path: up.path });
    } finally {
      db.close();
      rmSync(bundleDir, { recursive: true, force: true });
    }

    const again = await t.request('POST', `/api/v1/nodes/${id}/bootstrap`);
    expect(again.status).toBe(202);
    const second = await finished(again.body.job.id, 10 * 60_000);
    expect(second.state).toBe('succeeded');
    const secondLog = await runLog(again.body.job.id);
    expect(secondLog.lines.map((l: { text: string }) => l.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ansible present on debian 12/), expect.stringMatching(/^running bootstrap\.yml as pressluft /)]),
    );
    const stats = secondLog.runs[0].stats.localhost;
    const events = (await t.request('GET', `/api/v1/jobs/${again.body.job.id}/runs/${secondLog.runs[0].runId}/events?limit=1000`)).body.items;
    const changedTasks = events.filter((e: { event: string; changed: boolean }) => e.event === 'runner_on_ok' && e.changed).map((e: { task: string }) => e.task);
    expect(changedTasks).toEqual([]);
    expect(stats).toMatchObject({ changed: 0, failures: 0, unreachable: 0 });
    expect((await t.request('GET', `/api/v1/nodes/${id}`)).body.status).toBe('ready');

    const check = await t.request('POST', `/api/v1/nodes/${id}/health-check`);
    const checked = await finished(check.body.job.id, 5 * 60_000);
    expect(checked.state).toBe('succeeded');
    const checkLog = await runLog(check.body.job.id);
    const health = JSON.parse((checkLog.lines.find((l: { text: string }) => l.text.startsWith('health: ')) as { text: string }).text.slice('health: '.length));
    expect(health).toMatchObject({ healthy: true, services: { nginx: 'running', 'php8.2-fpm': 'running', mariadb: 'running' } });
    // The second bootstrap added NodeBootstrapRequested + NodeBootstrapped; the passing check added nothing.
    expect((await t.request('GET', `/api/v1/nodes/${id}/events`)).body.events.map((e: { type: string }) => e.type)).toEqual([
      'NodeRegistered',
      'NodeBootstrapRequested',
      'NodeBootstrapped',
      'NodeManagementUserSwitched',
      'NodeBootstrapRequested',
      'NodeBootstrapped',
    ]);
    expect((await t.request('GET', `/api/v1/nodes/${id}`)).body.user).toBe('pressluft');
  });

  /** A shell script as root inside the node (nsenter: root's SSH login is off now); fails on a non-zero exit. */
  const onNode = async (script: string): Promise<string> => {
    const r = await execOnNode(node, ['sh', '-c', script]);
    if (r.code !== 0) throw new Error(`in node ${node.n}: ${script}\nrc=${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r.stdout;
  };
  const curl = (args: string[]) => runCmd('curl', ['--noproxy', '*', '-sS', '-m', '10', ...args]);

  it('the first run stored every task event in order (seq 1..n as the callback numbered them)', async () => {
    const items: Array<{ seq: number; event: string }> = [];
    for (let after = 0; ; ) {
      const page = (await t.request('GET', `/api/v1/jobs/${firstJobId}/runs/${firstRunId}/events?after=${after}&limit=1000`)).body;
      if (page.items.length === 0) break;
      items.push(...page.items);
      after = page.next;
    }
    const kinds = new Set(items.map((e) => e.event));
    for (const k of ['playbook_start', 'task_start', 'runner_on_ok', 'handler_task_start', 'playbook_on_stats']) expect(kinds).toContain(k);
    expect(items.map((e) => e.seq)).toEqual(items.map((_, i) => i + 1));
  });

  it('Nginx: no answer for an unknown host on port 80 (444), TLS handshakes for it refused on 443, the ACME challenge path served from the webroot', async () => {
    const plain = await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: unknown.invalid', `http://${node.ip}/`]);
    expect(plain.stdout).toBe('000');
    expect(plain.code).toBe(52); // curl: empty reply from server
    for (const target of [[`https://${node.ip}/`], ['--resolve', `unknown.invalid:443:${node.ip}`, 'https://unknown.invalid/']]) {
      const tls = await curl(['-k', '-o', '/dev/null', ...target]);
      expect({ target, code: tls.code, refused: /unrecognized name/.test(tls.stderr) }).toEqual({ target, code: 35, refused: true });
    }
    // lego writes HTTP-01 tokens into the webroot; every port-80 server (the catch-all too) serves them
    const token = `pl-e2e-${Date.now()}`;
    await onNode(`printf '%s' ${token}.key > /var/www/acme/.well-known/acme-challenge/${token}`);
    const challenge = await curl(['-w', '\n%{http_code}', '-H', 'Host: unknown.invalid', `http://${node.ip}/.well-known/acme-challenge/${token}`]);
    expect(challenge.stdout).toBe(`${token}.key\n200`);
    await onNode(`rm /var/www/acme/.well-known/acme-challenge/${token}`);
    const gone = await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: unknown.invalid', `http://${node.ip}/.well-known/acme-challenge/${token}`]);
    expect(gone.stdout).toBe('404');

    const conf = await onNode('nginx -T 2>/dev/null');
    expect(conf).toMatch(/^\s*server_tokens off;/m);
    expect(conf).toMatch(/^\s*ssl_protocols TLSv1\.2 TLSv1\.3;/m);
    expect(conf).toMatch(/^\s*ssl_reject_handshake on;/m);
    expect((await execOnNode(node, ['test', '-e', '/etc/nginx/sites-enabled/default'])).code).toBe(1);
    expect((await onNode('openssl pkeyparam -in /etc/nginx/pressluft/ffdhe2048.pem -noout -text')).toString()).toMatch(/GROUP: ffdhe2048/);
    expect(
      (await onNode('stat -c "%n %U %a" /etc/nginx/pressluft/acme-challenge.conf /etc/nginx/pressluft/tls-params.conf /etc/pressluft/tls /etc/pressluft/acme /var/www/acme/.well-known/acme-challenge'))
        .trim()
        .split('\n'),
    ).toEqual([
      '/etc/nginx/pressluft/acme-challenge.conf root 644',
      '/etc/nginx/pressluft/tls-params.conf root 644',
      '/etc/pressluft/tls root 700',
      '/etc/pressluft/acme root 700',
      '/var/www/acme/.well-known/acme-challenge root 755',
    ]);
  });

  it('nginx, php-fpm, mariadb and fail2ban run; MariaDB listens on 127.0.0.1 only; no Apache came with PHP', async () => {
    expect((await onNode('systemctl is-active nginx php8.2-fpm mariadb fail2ban')).trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    const listen = await onNode("ss -Hltn 'sport = :3306'");
    expect(listen).toContain('127.0.0.1:3306');
    expect(listen).not.toMatch(/0\.0\.0\.0:3306|\*:3306/);
    expect((await execOnNode(node, ['sh', '-c', 'dpkg -s apache2 apache2-bin libapache2-mod-php8.2 >/dev/null 2>&1'])).code).not.toBe(0);
  });

  it("the entry point is the bundle's copy with this node's root, root-owned; its directories are root's", async () => {
    expect((await execOnNode(node, ['visudo', '-cf', '/etc/sudoers.d/pressluft'])).code).toBe(0);
    expect((await onNode('stat -c "%U %G %a" /usr/local/sbin/pressluft-node')).trim()).toBe('root root 755');
    const source = readFileSync(join(PLAYBOOKS_DIR, 'bin', 'pressluft-node'), 'utf8');
    expect(await onNode('cat /usr/local/sbin/pressluft-node')).toBe(source.replace(/^PL_DEFAULT_ROOT=.*$/m, 'PL_DEFAULT_ROOT=/var/lib/pressluft'));
    expect((await onNode('stat -c "%U %a" /var/lib/pressluft /var/lib/pressluft/runs /var/lib/pressluft/bundles /var/lib/pressluft/uploads /var/www/sites')).trim().split('\n')).toEqual([
      'pressluft 700',
      'root 700',
      'root 700',
      'root 700',
      'root 711',
    ]);
  });

  it('the firewall drops ports that are not allowed (no refusal, a timeout); SSH, HTTP and HTTPS stay open', async () => {
    expect(firewall).toBe(true);
    expect((await execOnNode(node, ['nft', 'list', 'table', 'inet', 'pressluft'])).code).toBe(0);
    expect((await onNode('systemctl is-enabled nftables')).trim()).toBe('enabled');
    await onNode('systemd-run --unit=pl-fwtest python3 -m http.server 8081 >/dev/null 2>&1');
    try {
      await pollUntil(async () => (await execOnNode(node, ['sh', '-c', "ss -Hltn 'sport = :8081' | grep -q 8081"])).code === 0, { timeoutMs: 30_000, description: 'test listener on :8081' });
      const r = await curl(['-o', '/dev/null', '--connect-timeout', '3', `http://${node.ip}:8081/`]);
      expect(r.code).toBe(28); // dropped: the connect times out
      expect((await onNode('curl -sS -o /dev/null -w "%{http_code}" http://127.0.0.1:8081/')).trim()).toBe('200'); // it was listening
    } finally {
      await execOnNode(node, ['systemctl', 'stop', 'pl-fwtest']);
    }
    const sshOpen = await runCmd('bash', ['-c', `exec 3<>/dev/tcp/${node.ip}/22 && head -c 4 <&3`], undefined, 10_000);
    expect(sshOpen.stdout).toBe('SSH-');
  });

  it('facts.json and health.json describe the node', async () => {
    const facts = JSON.parse(await onNode('cat /var/lib/pressluft/facts.json'));
    expect(facts).toMatchObject({ os: 'Debian', php_version: '8.2', service_manager: 'systemd', firewall: true, management_user: 'pressluft', root_login: false });
    expect(typeof facts.cpu_count).toBe('number');
    expect(facts.memory_mb).toBeGreaterThan(0);
    expect(facts.nginx_version).toMatch(/^1\./);
    expect(facts.mariadb_version).toMatch(/10\./);
    expect((await t.request('GET', `/api/v1/nodes/${nodeId}`)).body.facts).toEqual(facts);
    const health = JSON.parse(await onNode('cat /var/lib/pressluft/health.json'));
    expect(health).toMatchObject({ healthy: true, services: { nginx: 'running', 'php8.2-fpm': 'running', mariadb: 'running' } });
    expect(health.disk_free_mb['/']).toBeGreaterThan(0);
  });
});
