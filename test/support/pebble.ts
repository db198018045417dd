/**
 * A real ACME server for certificate tests: Debian's `pebble` + `pebble-challtestsrv` (mock DNS) on the
 * host side of a test node's link (10.254.N.1). See docs/tls.md ("Tests").
 *
 * - pebble's own HTTPS listener gets a throwaway CA made with openssl here (`listenerCaPem`): the node's
 *   ACME client is told to trust it (what PRESSLUFT_ACME_CA_FILE does in production).
 * - The mock DNS answers every name with the node's address, so pebble's validator fetches
 *   http://<domain>/.well-known/acme-challenge/… from the node's Nginx; `pointDomain` sends one name elsewhere.
 * - The issuing root is new at every start: `issuingRootPem()` reads it from the management port (127.0.0.1).
 * - Ports: the ACME directory binds 10.254.N.1:14000 (the address is this node's own); the loopback ports are
 *   derived from N (management 15000+N, DNS 16000+N, DNS management 17000+N), so runs on other nodes never clash.
 * - Only processes started here are ever signalled, by PID (recorded in the state dir, checked against
 *   /proc/PID/cmdline before a leftover of an earlier run is stopped).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { pollUntil } from './poll-until';

export interface Pebble {
  n: number;
  /** ACME directory URL the node's client uses (https://10.254.N.1:14000/dir). */
  directoryUrl: string;
  /** PEM of the CA that signed pebble's HTTPS listener (hand it to the node's client to trust). */
  listenerCaPem: string;
  /** PEM of the root that signs issued certificates (fetched from the management port). */
  issuingRootPem(): Promise<string>;
  /** Make the mock DNS answer `name` with `ipv4` instead of the node's address. */
  pointDomain(name: string, ipv4: string): Promise<void>;
  /** Back to the default answer (the node's address) for `name`. */
  resetDomain(name: string): Promise<void>;
  /** Stop both processes (SIGTERM, then SIGKILL) and remove the state dir. */
  stop(): Promise<void>;
}

const STATE_ROOT = '/var/tmp/pressluft-pebble';
const ACME_PORT = 14000;

export function pebblePorts(n: number) {
  if (!Number.isInteger(n) || n < 1 || n > 254) throw new Error(`bad node number ${n}`);
  return { acme: ACME_PORT, management: 15000 + n, dns: 16000 + n, dnsManagement: 17000 + n };
}

export async function startPebble(n: number): Promise<Pebble> {
  const ports = pebblePorts(n);
  const hostIp = `10.254.${n}.1`;
  const nodeIp = `10.254.${n}.2`;
  const dir = path.join(STATE_ROOT, String(n));
  stopLeftovers(dir, { pebble: dir, challtestsrv: `127.0.0.1:${ports.dnsManagement}` });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [addr, port] of [[hostIp, ports.acme], ['127.0.0.1', ports.management], ['127.0.0.1', ports.dns], ['127.0.0.1', ports.dnsManagement]] as const) {
    await assertPortFree(addr, port);
  }

  const listenerCaPem = makeListenerCertificate(dir, hostIp);
  const configFile = path.join(dir, 'pebble-config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      pebble: {
        listenAddress: `${hostIp}:${ports.acme}`,
        managementListenAddress: `127.0.0.1:${ports.management}`,
        certificate: path.join(dir, 'listener.pem'),
        privateKey: path.join(dir, 'listener.key'),
        // The validator fetches http://<domain>:80/.well-known/acme-challenge/… from the node.
        httpPort: 80,
        tlsPort: 443,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        retryAfter: { authz: 1, order: 1 },
      },
    }),
  );

  const procs: { name: string; child: ChildProcess }[] = [];
  const startProc = (name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const log = fs.openSync(path.join(dir, `${name}.log`), 'a');
    const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`${cmd} did not start`);
    fs.writeFileSync(path.join(dir, `${name}.pid`), String(child.pid));
    procs.push({ name, child });
  };

  const stop = async () => {
    for (const { child } of procs.reverse()) await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    startProc('challtestsrv', 'pebble-challtestsrv', [
      '-defaultIPv4', nodeIp,
      '-defaultIPv6', '',
      '-dns01', `127.0.0.1:${ports.dns}`,
      '-http01', '',
      '-https01', '',
      '-tlsalpn01', '',
      '-management', `127.0.0.1:${ports.dnsManagement}`,
    ]);
    startProc('pebble', 'pebble', ['-config', configFile, '-dnsserver', `127.0.0.1:${ports.dns}`], {
      // no random validation sleeps, no nonces rejected on purpose, and as little authorization reuse as
      // pebble allows: 0 still reuses a valid authorization of the same account and name about once in
      // 100 orders (its check is rand.Intn(100) > share). A test that needs a name validated again (a
      // renewal meant to fail) makes the node's ACME client use a new account.
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
      PEBBLE_AUTHZREUSE: '0',
    });
    const directoryUrl = `https://${hostIp}:${ports.acme}/dir`;
    await pollUntil(async () => (await request(directoryUrl, listenerCaPem)).status === 200, {
      timeoutMs: 30_000,
      description: `pebble directory at ${directoryUrl} (log: ${dir}/pebble.log)`,
    });
    const dnsMgmt = `http://127.0.0.1:${ports.dnsManagement}`;
    await pollUntil(async () => (await request(`${dnsMgmt}/`, undefined)).status > 0, { timeoutMs: 30_000, description: 'pebble-challtestsrv management' });

    const dnsPost = async (what: string, body: unknown) => {
      const r = await request(`${dnsMgmt}/${what}`, undefined, JSON.stringify(body));
      if (r.status !== 200) throw new Error(`challtestsrv ${what}: HTTP ${r.status} ${r.body}`);
    };
    return {
      n,
      directoryUrl,
      listenerCaPem,
      issuingRootPem: async () => {
        const r = await request(`https://127.0.0.1:${ports.management}/roots/0`, listenerCaPem);
        if (r.status !== 200 || !r.body.includes('BEGIN CERTIFICATE')) throw new Error(`pebble roots/0: HTTP ${r.status}`);
        return r.body;
      },
      pointDomain: (name, ipv4) => dnsPost('add-a', { host: name, addresses: [ipv4] }),
      resetDomain: (name) => dnsPost('clear-a', { host: name }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A throwaway CA and a listener certificate for 10.254.N.1 and 127.0.0.1 (pebble's management port):
 * `dir`/listener.key and listener.pem; returns the CA's PEM. Also used by https-file-server.ts.
 */
export function makeListenerCertificate(dir: string, hostIp: string): string {
  const f = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Pressluft test pebble listener CA']);
  openssl(['req', ...ec, '-keyout', f('listener.key'), '-out', f('listener.csr'), '-subj', '/CN=pebble']);
  fs.writeFileSync(f('listener.ext'), `subjectAltName=IP:${hostIp},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['x509', '-req', '-in', f('listener.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('listener.pem'), '-days', '2', '-extfile', f('listener.ext')]);
  return fs.readFileSync(f('ca.pem'), 'utf8');
}

interface HttpAnswer {
  status: number;
  body: string;
}

/** GET (or POST with `body`) with an explicit CA for https; status 0 when the connection fails. */
function request(url: string, ca: string | undefined, body?: string): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      { method: body === undefined ? 'GET' : 'POST', ca, timeout: 5000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e) => reject(new Error(`pebble: ${host}:${port} is not free (${(e as Error).message}); another run on node number ${port % 1000}?`)));
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

function alive(pid: number): string | null {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline === '' ? null : cmdline; // empty: a zombie
  } catch {
    return null;
  }
}

/**
 * Stop processes an earlier run of this node number left behind: recorded PIDs whose command line is
 * pebble's and names this run's config dir or port (`markers`), so a reused PID is never signalled.
 */
function stopLeftovers(dir: string, markers: Record<'pebble' | 'challtestsrv', string>): void {
  for (const name of ['pebble', 'challtestsrv'] as const) {
    const pidFile = path.join(dir, `${name}.pid`);
    if (!fs.existsSync(pidFile)) continue;
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const cmdline = Number.isInteger(pid) && pid > 1 ? alive(pid) : null;
    if (cmdline !== null && cmdline.startsWith('pebble') && cmdline.includes(markers[name])) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
