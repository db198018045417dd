/**
 * site-certificate.yml against a real ACME server (pebble on the host side of the node's link, its mock
 * DNS answering the node's address) on a full node bootstrapped by bootstrap.yml (which installs lego,
 * the challenge webroot and the Nginx snippets). The site is a minimal server block written here in the
 * shape docs/tls.md asks of every site vhost (the two includes, no server-level return).
 * One shared node; the steps build on each other. Needs root (test nodes).
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { startPebble, Pebble } from '../support/pebble';
import { downNode, ensureTemplate, TestNode, upNode } from '../support/test-nodes';
import { makeKeyPair, NodeSsh, PlaybookRun, runCmd, statsOf, tmpDir } from './node-ssh';

jest.setTimeout(30 * 60_000);

const BUNDLE = '/root/pl-bundle';
const ENV = 'tl-shop';
const PRIMARY = 'shop.test';
const ALIAS = 'www.shop.test';
const MARKER = 'pressluft-tls-test-page';

interface CertResult {
  domains: string[];
  serial: string | null;
  not_before: string | null;
  not_after: string | null;
  renewed: boolean;
  hsts?: boolean;
  error?: { code: string; message: string; domains: string[] };
}

describe('site-certificate.yml against pebble', () => {
  let node: TestNode;
  let ssh: NodeSsh;
  let keyDir: string;
  let pebble: Pebble;
  let root: string;
  let rootFile: string;
  let runs = 0;
  const outputs: string[] = [];

  const certVars = (extra: Record<string, unknown> = {}) => ({
    env_slug: ENV,
    primary_domain: PRIMARY,
    domain_aliases: [ALIAS],
    acme_directory_url: pebble.directoryUrl,
    acme_email: 'ops@pressluft.test',
    acme_ca_bundle: pebble.listenerCaPem,
    ...extra,
  });

  async function certify(vars: Record<string, unknown>): Promise<{ run: PlaybookRun; result: CertResult }> {
    const runDir = `/root/pl-runs/cert-${++runs}`;
    const run = await ssh.runPlaybook(BUNDLE, 'site-certificate.yml', runDir, vars);
    outputs.push((await ssh.shOk(`cat ${runDir}/output.log ${runDir}/events.jsonl`)).toString());
    const stats = run.events.filter((e) => e.event === 'playbook_on_stats').pop() as { custom?: { pl_result?: CertResult } } | undefined;
    const result = stats?.custom?.pl_result;
    if (!result) throw new Error(`no pl_result (rc=${run.rc}):\n${run.log}`);
    return { run, result };
  }

  /** curl from the test machine, the name resolved to the node, pebble's issuing root trusted. */
  const curl = (url: string, extra: string[] = []) => {
    const host = new URL(url).hostname;
    return runCmd('curl', ['--noproxy', '*', '-sS', '-m', '20', '--cacert', rootFile, '--resolve', `${host}:443:${node.ip}`, '--resolve', `${host}:80:${node.ip}`,
      '-w', '\n%{http_code} %{redirect_url}', ...extra, url]);
  };
  const status = async (url: string, extra: string[] = []) => {
    const r = await curl(url, extra);
    const last = r.stdout.trimEnd().split('\n').pop() ?? '';
    const [code, location = ''] = last.split(' ');
    return { code: Number(code), location, body: r.stdout, rc: r.code, stderr: r.stderr };
  };

  /** Serial of the certificate the node presents for `name` (hex, lower case). */
  const servedSerial = (name: string) =>
    new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: node.ip, port: 443, servername: name, ca: root }, () => {
        const serial = s.getPeerCertificate().serialNumber.toLowerCase().replace(/^0+/, '');
        s.end();
        resolve(serial);
      });
      s.on('error', reject);
    });

  beforeAll(async () => {
    keyDir = tmpDir('pl-tls-key-');
    const kg = await makeKeyPair(keyDir);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    await ensureTemplate();
    node = await upNode('full', 0, [path.join(keyDir, 'id_ed25519.pub')]);
    ssh = new NodeSsh(node.ip, path.join(keyDir, 'id_ed25519'));
    pebble = await startPebble(node.n);
    await ssh.uploadBundle(BUNDLE);
    const pubKey = fs.readFileSync(path.join(keyDir, 'id_ed25519.pub'), 'utf8').trim();
    // root keeps its key login (lock_root_login false) so the test can go on over SSH as root
    const boot = await ssh.runPlaybook(BUNDLE, 'bootstrap.yml', '/root/pl-runs/bootstrap', { pressluft_public_key: pubKey, lock_root_login: false });
    console.log(`bootstrap on full node ${node.n}: ${boot.seconds.toFixed(1)} s, rc=${boot.rc}`);
    if (boot.rc !== 0) throw new Error(`bootstrap failed:\n${boot.log}`);

    // A minimal site in the shape docs/tls.md asks of every site vhost.
    await ssh.shOk(`mkdir -p /var/www/${ENV} && echo ${MARKER} > /var/www/${ENV}/index.html`);
    await ssh.shOk(`cat > /etc/nginx/sites-enabled/${ENV}.conf && nginx -t -q && bash ${BUNDLE}/bin/pl-nginx-reload`, {
      input: `server {
    listen 80;
    server_name ${ALIAS};
    include /etc/nginx/pressluft/acme-challenge.conf;
    include /etc/nginx/pressluft/https/${ENV}/*.conf;
    location / { return 301 $scheme://${PRIMARY}$request_uri; }
}
server {
    listen 80;
    server_name ${PRIMARY};
    include /etc/nginx/pressluft/acme-challenge.conf;
    include /etc/nginx/pressluft/https/${ENV}/*.conf;
    root /var/www/${ENV};
    location / { try_files $uri $uri/ =404; }
}
`,
    });
  });

  afterAll(async () => {
    if (pebble) await pebble.stop();
    if (node) await downNode(node);
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    if (rootFile) fs.rmSync(path.dirname(rootFile), { recursive: true, force: true });
  });

  let first: CertResult;

  it('issues a certificate from pebble and serves the site over HTTPS', async () => {
    // over HTTP before: the site answers, no redirect yet
    root = await pebble.issuingRootPem();
    rootFile = path.join(tmpDir('pl-tls-root-'), 'root.pem');
    fs.writeFileSync(rootFile, root);
    expect(await status(`http://${PRIMARY}/`)).toMatchObject({ code: 200 });

    const { run, result } = await certify(certVars());
    if (run.rc !== 0) throw new Error(`site-certificate failed:\n${run.log}`);
    first = result;
    expect(result).toMatchObject({ domains: [ALIAS, PRIMARY].sort(), renewed: true, hsts: false });
    expect(result.serial).toMatch(/^[0-9a-f]+$/);
    expect(Date.parse(result.not_after!)).toBeGreaterThan(Date.now());

    const page = await status(`https://${PRIMARY}/`);
    expect(page).toMatchObject({ code: 200, rc: 0 });
    expect(page.body).toContain(MARKER);
    expect(await servedSerial(PRIMARY)).toBe(result.serial!.replace(/^0+/, ''));
  });

  it('redirects HTTP to HTTPS except the ACME challenge path, and refuses TLS below 1.2', async () => {
    expect(await status(`http://${PRIMARY}/some/page?x=1`)).toMatchObject({ code: 301, location: `https://${PRIMARY}/some/page?x=1` });
    expect(await status(`http://${PRIMARY}/.well-known/acme-challenge/missing-token`)).toMatchObject({ code: 404 });
    // the client allows TLS 1.1 (SECLEVEL 0), so a refusal comes from the server
    expect((await status(`https://${PRIMARY}/`, ['--tlsv1.1', '--tls-max', '1.1', '--ciphers', 'DEFAULT@SECLEVEL=0'])).rc).not.toBe(0);
    expect((await status(`https://${PRIMARY}/`, ['--tlsv1.2', '--tls-max', '1.2'])).code).toBe(200);
    // a name no site claims gets no certificate at all (the catch-all refuses the handshake)
    expect((await status('https://unknown.test/')).rc).not.toBe(0);
  });

  it('redirects the alias to the primary over HTTPS', async () => {
    expect(await status(`https://${ALIAS}/a?b=c`)).toMatchObject({ code: 301, location: `https://${PRIMARY}/a?b=c` });
  });

  it('keeps the private key on the node (0600 root) and out of every run output', async () => {
    const key = await ssh.shOk(`cat /etc/pressluft/tls/${ENV}/privkey.pem`);
    expect(key).toContain('PRIVATE KEY');
    expect((await ssh.shOk(`stat -L -c '%U %a' /etc/pressluft/tls/${ENV}/privkey.pem`)).trim()).toBe('root 600');
    expect((await ssh.shOk(`stat -c '%U %a' /etc/pressluft/tls/${ENV}`)).trim()).toBe('root 700');
    // the ACME client's own copy is gone: the key exists once (besides lego's account key)
    expect((await ssh.shOk(`grep -rl --exclude-dir=accounts 'PRIVATE KEY' /etc/pressluft`)).trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^/etc/pressluft/tls/${ENV}/[0-9a-f]+/privkey.pem$`)),
    ]);
    const keyBody = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const out of outputs) for (const line of keyBody) expect(out).not.toContain(line);
  });

  it('changes nothing on a second run without force', async () => {
    const { run, result } = await certify(certVars());
    expect(run.rc).toBe(0);
    expect(statsOf(run)).toMatchObject({ changed: 0, failures: 0 });
    expect(result).toMatchObject({ serial: first.serial, renewed: false });
  });

  it('replaces the certificate on a forced renewal without a failed request', async () => {
    let done = false;
    let ok = 0;
    const failures: string[] = [];
    const serialsSeen = new Set<string>();
    const loop = (async () => {
      // new TLS connection per request, so every handshake meets whatever certificate is live
      for (let i = 0; !done && i < 100_000; i++) {
        const r = await httpsGet(node.ip, PRIMARY, root);
        if (r.status === 200 && r.body.includes(MARKER)) ok++;
        else failures.push(`${r.status} ${r.error ?? ''}`);
        if (r.serial) serialsSeen.add(r.serial);
      }
    })();
    const { run, result } = await certify(certVars({ force: true }));
    done = true;
    await loop;
    if (run.rc !== 0) throw new Error(`forced renewal failed:\n${run.log}`);
    console.log(`forced renewal: ${ok} requests during the run, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(result.renewed).toBe(true);
    expect(result.serial).not.toBe(first.serial);
    // the loop ran across the switch: it met the old certificate and the new one
    expect([...serialsSeen].sort()).toEqual([first.serial, result.serial].map((x) => x!.replace(/^0+/, '')).sort());
    expect(await servedSerial(PRIMARY)).toBe(result.serial!.replace(/^0+/, ''));
    // the one before stays for a rollback, older ones go
    const dirs = (await ssh.shOk(`find /etc/pressluft/tls/${ENV} -mindepth 1 -maxdepth 1 -type d -printf '%f\\n'`)).trim().split('\n').sort();
    expect(dirs).toEqual([first.serial, result.serial].sort());
    first = result;
  });

  it('fails cleanly with CERT_DOMAIN_UNREACHABLE for a name pointed elsewhere and keeps the previous certificate', async () => {
    const bad = 'shop-elsewhere.test';
    // the host side of the node's link: nothing answers there on port 80
    await pebble.pointDomain(bad, `10.254.${node.n}.1`);
    const { run, result } = await certify(certVars({ domain_aliases: [ALIAS, bad] }));
    expect(run.rc).not.toBe(0);
    expect(result.error).toMatchObject({ code: 'CERT_DOMAIN_UNREACHABLE', domains: [bad] });
    expect(result.error!.message).toContain(bad);
    expect(result).toMatchObject({ renewed: false, serial: first.serial });
    const failed = run.events.find((e) => e.event === 'runner_on_failed');
    expect(failed?.msg).toMatch(/^CERT_DOMAIN_UNREACHABLE: /);
    expect(await servedSerial(PRIMARY)).toBe(first.serial!.replace(/^0+/, ''));
    expect(await status(`https://${PRIMARY}/`)).toMatchObject({ code: 200 });
  });

  it('a new site whose name points elsewhere keeps serving over HTTP', async () => {
    const env = 'tl-new';
    const name = 'new-elsewhere.test';
    await pebble.pointDomain(name, `10.254.${node.n}.1`);
    await ssh.shOk(`mkdir -p /var/www/${env} && echo ${MARKER}-new > /var/www/${env}/index.html`);
    await ssh.shOk(`cat > /etc/nginx/sites-enabled/${env}.conf && nginx -t -q && bash ${BUNDLE}/bin/pl-nginx-reload`, {
      input: `server {
    listen 80;
    server_name ${name};
    include /etc/nginx/pressluft/acme-challenge.conf;
    include /etc/nginx/pressluft/https/${env}/*.conf;
    root /var/www/${env};
    location / { try_files $uri $uri/ =404; }
}
`,
    });
    const { run, result } = await certify(certVars({ env_slug: env, primary_domain: name, domain_aliases: [] }));
    expect(run.rc).not.toBe(0);
    expect(result).toMatchObject({ renewed: false, serial: null, error: { code: 'CERT_DOMAIN_UNREACHABLE', domains: [name] } });
    const page = await status(`http://${name}/`);
    expect(page).toMatchObject({ code: 200 });
    expect(page.body).toContain(`${MARKER}-new`);
    expect((await ssh.sh(`ls /etc/nginx/pressluft/https/${env}/`)).stdout.trim()).toBe('');
  });

  it('switches HSTS on for the environment', async () => {
    const { run, result } = await certify(certVars({ hsts: true }));
    expect(run.rc).toBe(0);
    expect(result).toMatchObject({ renewed: false, hsts: true, serial: first.serial });
    const head = await runCmd('curl', ['--noproxy', '*', '-sS', '-I', '--cacert', rootFile, '--resolve', `${PRIMARY}:443:${node.ip}`, `https://${PRIMARY}/`]);
    expect(head.stdout).toMatch(/strict-transport-security: max-age=31536000/i);
  });

  it('keeps the previous certificate when nginx refuses the configuration with the new one (CERT_INSTALL_FAILED)', async () => {
    // another vhost broken behind the playbook's back: `nginx -t` fails after the new certificate is issued
    await ssh.shOk(`echo 'not nginx;' > /etc/nginx/sites-enabled/zz-broken.conf`);
    try {
      const { run, result } = await certify(certVars({ force: true, hsts: true }));
      expect(run.rc).not.toBe(0);
      expect(result).toMatchObject({ renewed: false, serial: first.serial, error: { code: 'CERT_INSTALL_FAILED' } });
      expect(result.error!.message).toContain('zz-broken.conf');
    } finally {
      await ssh.shOk('rm -f /etc/nginx/sites-enabled/zz-broken.conf');
    }
    expect((await ssh.shOk(`readlink /etc/pressluft/tls/${ENV}/live`)).trim()).toBe(first.serial);
    expect((await ssh.shOk(`find /etc/pressluft/tls/${ENV} -mindepth 1 -maxdepth 1 -type d | wc -l`)).trim()).toBe('2');
    expect(await servedSerial(PRIMARY)).toBe(first.serial!.replace(/^0+/, ''));
    expect(await status(`https://${PRIMARY}/`)).toMatchObject({ code: 200 });
  });
});

interface Answer {
  status: number;
  body: string;
  /** serial of the certificate the server presented (hex, lower case, no leading zeros) */
  serial?: string;
  error?: string;
}

/** One HTTPS GET on a fresh connection to `ip`, SNI and Host = `name`, trusting only `ca`. */
function httpsGet(ip: string, name: string, ca: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = https.request({ host: ip, port: 443, path: '/', servername: name, headers: { host: name }, ca, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      const serial = (res.socket as tls.TLSSocket).getPeerCertificate().serialNumber?.toLowerCase().replace(/^0+/, '');
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), serial }));
      res.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    req.end();
  });
}
