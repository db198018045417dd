/**
 * bootstrap.yml on a BARE node (sshd + python3 only; apt through the harness's proxy), run like the
 * control plane runs it (ansible-playbook -c local on the node, events to $PL_RUN_DIR/events.jsonl):
 * root logs in over SSH before, the first run (rc 0) locks root's SSH login (lock_root_login defaults
 * to true) and the pressluft user logs in with the same key; the runs (second: changed=0) and the
 * root checks go through nsenter. health-check.yml runs on the bootstrapped node too. Needs root (test nodes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../support/test-nodes';
import { CmdResult, makeKeyPair, NodeSsh, PlaybookRun, runCmd, statsOf, tmpDir } from './node-ssh';

jest.setTimeout(30 * 60_000);

const BUNDLE = '/root/pl-bundle';

describe('bootstrap.yml on a bare node', () => {
  let node: TestNode;
  let ssh: NodeSsh;
  let keyDir: string;
  let pubKey: string;
  let firewall = false;
  let first: PlaybookRun;
  let second: PlaybookRun;
  let rootLoginBefore: CmdResult;
  let rootLoginAfterFirst: CmdResult;

  beforeAll(async () => {
    keyDir = tmpDir('pl-pb-key-');
    const kg = await makeKeyPair(keyDir);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    pubKey = fs.readFileSync(path.join(keyDir, 'id_ed25519.pub'), 'utf8').trim();
    await ensureTemplate();
    node = await upNode('bare', 0, [path.join(keyDir, 'id_ed25519.pub')]);
    ssh = new NodeSsh(node.ip, path.join(keyDir, 'id_ed25519'));

    // The firewall needs CAP_NET_ADMIN inside the node (the harness grants it; a node without it is a harness bug).
    const cap = await execOnNode(node, ['grep', '^CapBnd:', '/proc/1/status']);
    const mask = BigInt('0x' + (cap.stdout.split(/\s+/)[1] ?? '0'));
    firewall = (mask & (1n << 12n)) !== 0n;
    if (!firewall) throw new Error(`node ${node.n} lacks CAP_NET_ADMIN: the firewall cannot be tested`);

    // What the control plane does before bootstrap: python3 + ansible-core, one package step.
    const t0 = Date.now();
    await ssh.shOk('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible-core >/dev/null', {
      timeoutMs: 15 * 60_000,
    });
    console.log(`ansible-core install on bare node ${node.n}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await ssh.uploadBundle(BUNDLE);

    const vars = { pressluft_public_key: pubKey, manage_firewall: firewall };
    // The first run locks root's SSH login (lock_root_login defaults to true): from here on root
    // commands go through nsenter (no SSH), and SSH is used as pressluft.
    rootLoginBefore = await ssh.sshAs('root', 'true');
    ssh.rootExec = async (command, input, timeoutMs) => {
      const b64 = input === undefined ? '' : Buffer.from(input).toString('base64');
      const line = input === undefined ? command : `printf '%s' '${b64}' | base64 -d | { ${command}\n}`;
      return execOnNode(node, ['sh', '-c', line], timeoutMs ?? 20 * 60_000);
    };
    first = await ssh.runPlaybook(BUNDLE, 'bootstrap.yml', '/root/pl-runs/bootstrap-1', vars);
    console.log(`bootstrap first run: ${first.seconds.toFixed(1)} s, rc=${first.rc}`);
    rootLoginAfterFirst = await ssh.sshAs('root', 'true');
    second = await ssh.runPlaybook(BUNDLE, 'bootstrap.yml', '/root/pl-runs/bootstrap-2', vars);
    console.log(`bootstrap second run: ${second.seconds.toFixed(1)} s, rc=${second.rc}`);
  });

  afterAll(async () => {
    if (node) await downNode(node);
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('first run succeeds and changes the node', () => {
    if (first.rc !== 0) throw new Error(`bootstrap failed (rc=${first.rc}):\n${first.log}`);
    const s = statsOf(first);
    expect(s.failures).toBe(0);
    expect(s.unreachable).toBe(0);
    expect(s.changed).toBeGreaterThan(5);
  });

  it('second run reports changed=0 (idempotent)', () => {
    expect(second.rc).toBe(0);
    const s = statsOf(second);
    const changedTasks = second.events.filter((e) => e.event === 'runner_on_ok' && e.changed).map((e) => e.task);
    expect(changedTasks).toEqual([]);
    expect(s).toMatchObject({ changed: 0, failures: 0, unreachable: 0 });
  });

  it('events.jsonl holds ordered task events', () => {
    const kinds = new Set(first.events.map((e) => e.event));
    for (const k of ['playbook_start', 'task_start', 'runner_on_ok', 'handler_task_start', 'playbook_on_stats']) expect(kinds).toContain(k);
    expect(first.events.map((e) => e.seq)).toEqual(first.events.map((_, i) => i + 1));
  });

  it('nginx closes requests for an unknown host without an answer (444)', async () => {
    const r = await runCmd('curl', ['--noproxy', '*', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-m', '10', '-H', 'Host: unknown.invalid', `http://${node.ip}/`]);
    expect(r.stdout).toBe('000');
    expect(r.code).toBe(52); // curl: empty reply from server
    const headers = await ssh.shOk('nginx -T 2>/dev/null | grep -c "server_tokens off"');
    expect(Number(headers.trim())).toBeGreaterThan(0);
    expect((await ssh.sh('test -e /etc/nginx/sites-enabled/default')).code).toBe(1);
  });

  it('nginx, php-fpm and mariadb are active; mariadb listens on 127.0.0.1 only', async () => {
    const out = await ssh.shOk('systemctl is-active nginx php8.2-fpm mariadb fail2ban');
    expect(out.trim().split('\n')).toEqual(['active', 'active', 'active', 'active']);
    const listen = await ssh.shOk("ss -Hltn 'sport = :3306'");
    expect(listen).toContain('127.0.0.1:3306');
    expect(listen).not.toMatch(/0\.0\.0\.0:3306|\*:3306/);
    expect((await ssh.sh('dpkg -s apache2 apache2-bin libapache2-mod-php8.2 >/dev/null 2>&1')).code).not.toBe(0);
  });

  it('the pressluft user logs in with the key and its one sudo command is the entry point', async () => {
    expect((await ssh.sh('visudo -cf /etc/sudoers.d/pressluft')).code).toBe(0);
    expect((await ssh.shOk('id -un', { user: 'pressluft' })).trim()).toBe('pressluft');
    const list = await ssh.shOk('sudo -n -l', { user: 'pressluft' });
    const rules = list.slice(list.indexOf('may run the following commands')).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    expect(rules).toEqual(['(root) NOPASSWD: /usr/local/sbin/pressluft-node']);
    expect(JSON.parse(await ssh.shOk('sudo -n /usr/local/sbin/pressluft-node read facts', { user: 'pressluft' }))).toMatchObject({ management_user: 'pressluft' });
    expect((await ssh.shOk('sudo -n /usr/local/sbin/pressluft-node version', { user: 'pressluft' })).trim()).toBe('pressluft-node 1');
    // The installed copy is the bundle's, with this node's root, and only root may change it.
    expect((await ssh.shOk('stat -c "%U %G %a" /usr/local/sbin/pressluft-node')).trim()).toBe('root root 755');
    expect((await ssh.sh(`diff ${BUNDLE}/bin/pressluft-node /usr/local/sbin/pressluft-node`)).code).toBe(0);
    for (const cmd of ['sudo -n /usr/bin/id', 'sudo -n /usr/bin/cat /var/lib/pressluft/facts.json', 'sudo -n /usr/bin/cat /etc/shadow', 'sudo -n sh -c id', 'sudo -n /usr/bin/test -f /etc/shadow']) {
      expect({ cmd, code: (await ssh.sh(cmd, { user: 'pressluft' })).code }).not.toEqual({ cmd, code: 0 });
    }
    expect((await ssh.sh('sudo -n /usr/local/sbin/pressluft-node put-vars ../x </dev/null', { user: 'pressluft' })).code).toBe(2);
    expect((await ssh.shOk('stat -c "%U %a" /var/lib/pressluft/runs /var/lib/pressluft/bundles /var/lib/pressluft/uploads /var/www/sites')).trim().split('\n')).toEqual([
      'root 700',
      'root 700',
      'root 700',
      'root 711',
    ]);
  });

  it('sshd refuses passwords and root (lock_root_login defaults to true); SSH still works after the firewall', async () => {
    const cfg = await ssh.shOk('sshd -T | grep -E "^(passwordauthentication|permitrootlogin) "');
    expect(cfg).toContain('passwordauthentication no');
    expect(cfg).toContain('permitrootlogin no');
    expect(rootLoginBefore.code).toBe(0);
    expect(rootLoginAfterFirst.code).toBe(255);
    expect(rootLoginAfterFirst.stderr).toMatch(/Permission denied/);
    expect((await ssh.shOk('echo still-here', { user: 'pressluft' })).trim()).toBe('still-here');
    if (firewall) {
      expect((await ssh.sh('nft list table inet pressluft')).code).toBe(0);
      expect((await ssh.shOk('systemctl is-enabled nftables')).trim()).toBe('enabled');
      // a port that is not allowed is dropped (timeout), not refused
      await ssh.shOk('systemd-run --unit=pl-fwtest python3 -m http.server 8081 >/dev/null 2>&1');
      const r = await runCmd('curl', ['--noproxy', '*', '-sS', '-o', '/dev/null', '--connect-timeout', '3', `http://${node.ip}:8081/`]);
      expect(r.code).toBe(28);
      await ssh.sh('systemctl stop pl-fwtest');
    }
  });

  it('writes facts.json for the control plane', async () => {
    const facts = JSON.parse(await ssh.shOk('cat /var/lib/pressluft/facts.json'));
    expect(facts).toMatchObject({ os: 'Debian', php_version: '8.2', service_manager: 'systemd', firewall, management_user: 'pressluft', root_login: false });
    expect(typeof facts.cpu_count).toBe('number');
    expect(facts.memory_mb).toBeGreaterThan(0);
    expect(facts.nginx_version).toMatch(/^1\./);
    expect(facts.mariadb_version).toMatch(/10\./);
  });

  it('health-check.yml reports a healthy node and changes nothing', async () => {
    const run = await ssh.runPlaybook(BUNDLE, 'health-check.yml', '/root/pl-runs/health-1', { health_fail_on_unhealthy: true });
    console.log(`health-check run: ${run.seconds.toFixed(1)} s`);
    if (run.rc !== 0) throw new Error(`health-check failed:\n${run.log}`);
    expect(statsOf(run)).toMatchObject({ changed: 0, failures: 0 });
    const health = JSON.parse(await ssh.shOk('cat /var/lib/pressluft/health.json'));
    expect(health.healthy).toBe(true);
    expect(health.services).toEqual({ nginx: 'running', 'php8.2-fpm': 'running', mariadb: 'running' });
    expect(health.disk_free_mb['/']).toBeGreaterThan(0);
  });
});
