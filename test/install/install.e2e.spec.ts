/**
 * install.sh end to end on a BARE test node (Debian 12 with systemd, sshd, python3 and sudo only: no
 * Node.js, no web stack; apt only through the harness's proxy, no other network). The test builds what
 * a server without a checkout gets: a Node.js archive in the nodejs.org layout
 * (node-vX-linux-ARCH.tar.xz with bin/, include/, share/, repacked from tools/node24's registry
 * binary) with the SHASUMS256.txt it writes, and a release archive from `npm run release` (plus a
 * second one, the same build repacked with a bumped version string, for the upgrade). install.sh is
 * copied in alone (no checkout) and runs as root with the admin password on stdin (not a TTY):
 *   1. --no-start: Node.js from the archive (verified) into /opt/pressluft/node, the release verified
 *      and installed, first admin, node "local" registered with a restricted root key;
 *   2. a normal run with --domain panel.test: the service starts, bootstraps the local node (web stack
 *      through apt), switches to pressluft@127.0.0.1, install.sh removes the control plane's key from
 *      root's keys, and puts the local Nginx in front of the control plane with a certificate from pebble
 *      (test/support/pebble.ts on the node's link): the admin signs in over HTTPS from the test machine and
 *      creates an API token through a CSRF-protected form; the renewal unit keeps the certificate;
 *   0. piped into bash (`curl … | bash -s --`) with --admin-email and no terminal: refused before anything changes;
 *   3. the upgrade to the bumped release after a site's worth of events, the way the README's one-line
 *      install runs (`curl https://…/install.sh | bash -s -- --release-url https://… --release-sha256 …`
 *      against an HTTPS server on the node link): new code runs, migrations ran
 *      once, every event and read-model row kept, the chain verifies; a re-bootstrap reports changed=0;
 *   4. `pressluft db backup` while the service runs and the restore of docs/operations.md: the log is
 *      the backup's again, what came later is gone, the node is still reached;
 *   5. --uninstall keeps the data (a reinstall finds every event), --uninstall --purge removes it.
 * Needs root (test nodes); slot 0.
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeView } from '../../src/application/nodes/node.view';
import { startHttpsFileServer, HttpsFileServer } from '../support/https-file-server';
import { startPebble, Pebble } from '../support/pebble';
import { pollUntil } from '../support/poll-until';
import { downNode, ensureTemplate, NODES_SCRIPT, nodesBase, TestNode, upNode } from '../support/test-nodes';
import { CmdResult, makeKeyPair, runCmd, tmpDir } from '../playbooks/node-ssh';

jest.setTimeout(45 * 60_000); // each step on its own: a bare node's bootstrap installs the whole web stack through apt

const REPO = path.resolve(__dirname, '..', '..');
const PKG = '/root/pl'; // install.sh, the Node archive with its SHASUMS256.txt, the release archives
const EMAIL = 'admin@example.test';
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const NODE_BIN = '/opt/pressluft/node/bin/node';
/** The CLI exactly as install.sh's as_pressluft runs it: the pressluft user, the service's environment file. */
const AS_PRESSLUFT =
  'cd /opt/pressluft && umask 077 && set -a && . /etc/default/pressluft && set +a && ' +
  `setpriv --reuid=pressluft --regid=pressluft --init-groups ${NODE_BIN} bin/pressluft`;
const ROOT_KEY_OPTIONS = 'from="127.0.0.1",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty';
const PANEL = 'panel.test';
/** Where the test puts pebble's listener CA on the node (PRESSLUFT_ACME_CA_FILE: readable by the service). */
const ACME_CA = '/etc/pressluft-test-acme-ca.pem';
/** the CA of the test's release server (https-file-server.ts): trusted through CURL_CA_BUNDLE only */
const FILES_CA = '/root/pl-files-ca.pem';

const NODE_PKG_DIR = path.join(REPO, 'tools', 'node24', 'node_modules', `node-linux-${process.arch}`);
const NODE_VERSION = (JSON.parse(fs.readFileSync(path.join(NODE_PKG_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const NODE_TOP = `node-v${NODE_VERSION}-linux-${process.arch}`;
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const VERSION2 = `${VERSION}-e2e.2`;
const releaseName = (v: string) => `pressluft-${v}-node${process.versions.node.split('.')[0]}-linux-${process.arch}.tar.gz`;

/** A line of `pressluft node list` (JSON of the node view). */
type NodeJson = NodeView;

const timings: Array<[string, number]> = [];
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    const s = (Date.now() - t0) / 1000;
    timings.push([name, s]);
    console.log(`install e2e: ${name}: ${s.toFixed(1)} s`);
  }
}

async function hostOk(script: string, timeoutMs = 15 * 60_000): Promise<string> {
  const r = await runCmd('bash', ['-c', script], undefined, timeoutMs);
  if (r.code !== 0) throw new Error(`on the host: ${script}\nrc=${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

describe('install.sh on a bare server: Node.js and a release archive, upgrade, uninstall (real node, real systemd, real sshd)', () => {
  let node: TestNode;
  let keyDir: string;
  let artifacts: string;
  // a fresh password each run: it must show up nowhere but in the login form
  const password = `pl-e2e-${randomBytes(18).toString('base64url')}`;
  let install1: CmdResult;
  let install2: CmdResult;
  let rootKeysAfter1 = '';
  let rootSshBefore: CmdResult;
  let token = '';
  let local: NodeJson;
  let pebble: Pebble;
  let files: HttpsFileServer; // install.sh and the release archives over HTTPS, as a release URL serves them
  let panelRoot = '';

  /** A bash script inside the node as root, with a clean environment (not the Jest process's), stdin optional. */
  const sh = (script: string, input?: string, timeoutMs = 120_000, env: string[] = []): Promise<CmdResult> =>
    runCmd(NODES_SCRIPT, ['exec', String(node.n), 'env', '-i', PATH_ENV, 'HOME=/root', 'LANG=C.UTF-8', ...env, 'bash', '-c', script], input, timeoutMs);
  const shOk = async (script: string, input?: string): Promise<string> => {
    const r = await sh(script, input);
    if (r.code !== 0) throw new Error(`in node: ${script}\nrc=${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r.stdout;
  };
  const cliOk = async (args: string): Promise<string> => shOk(`${AS_PRESSLUFT} ${args}`);
  const jsonLines = <T>(text: string): T[] =>
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as T);
  const nodes = async (): Promise<NodeJson[]> => jsonLines<NodeJson>(await cliOk('local node list'));
  const events = async (filter = ''): Promise<Array<{ type: string; streamId: string; data: Record<string, unknown> }>> =>
    jsonLines(await cliOk(`local events export ${filter}`));
  /** REST inside the node with the API token; returns status and parsed body. */
  const api = async (method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const data = body === undefined ? '' : `-H 'Content-Type: application/json' --data-binary @-`;
    const out = await shOk(
      `curl -sS -X ${method} -H "Authorization: Bearer ${token}" ${data} -w '\\n%{http_code}' http://127.0.0.1:8080${urlPath}`,
      body === undefined ? undefined : JSON.stringify(body),
    );
    const nl = out.lastIndexOf('\n');
    const text = out.slice(0, nl);
    return { status: Number(out.slice(nl + 1)), body: text ? JSON.parse(text) : null };
  };
  const install = (args: string, env: string[] = [], timeoutMs = 10 * 60_000): Promise<CmdResult> =>
    sh(`bash ${PKG}/install.sh ${args}`, password, timeoutMs, env);
  const withNode = `--node-archive ${PKG}/${NODE_TOP}.tar.xz --node-shasums ${PKG}/SHASUMS256.txt`;
  const release = (v: string) => `--release-archive ${PKG}/${releaseName(v)}`;
  const service = async () => {
    const active = (await sh('systemctl is-active pressluft')).stdout.trim();
    const show = await shOk('systemctl show -p MainPID -p NRestarts -p ExecStart pressluft');
    const mainPid = Number(/MainPID=(\d+)/.exec(show)?.[1] ?? 0);
    const nRestarts = Number(/NRestarts=(\d+)/.exec(show)?.[1] ?? -1);
    const execStart = /ExecStart=\{ path=(\S+)/.exec(show)?.[1] ?? '';
    const uid = mainPid > 0 ? (await shOk(`awk '/^Uid:/{print $2; exit}' /proc/${mainPid}/status`)).trim() : '';
    const user = uid ? (await shOk(`getent passwd ${uid} | cut -d: -f1`)).trim() : '';
    return { active, mainPid, nRestarts, user, execStart };
  };
  const healthz = () => sh('curl -fsS --max-time 10 http://127.0.0.1:8080/healthz');
  const buildInfo = async () => /^pressluft_build_info\{version="([^"]+)",node="([^"]+)"\} 1$/m.exec(
    (await shOk(`curl -fsS -H "Authorization: Bearer ${token}" http://127.0.0.1:8080/metrics`)),
  );
  /** The pages' sign-in form (double-submit CSRF cookie), password from stdin; then GET / with the session. */
  const login = async (pw: string) => {
    const out = await shOk(
      [
        'set -eu',
        'jar=$(mktemp); trap \'rm -f "$jar"\' EXIT',
        'curl -fsS -c "$jar" -o /dev/null http://127.0.0.1:8080/login',
        'csrf=$(awk \'$6 == "pl_login_csrf" {print $7}\' "$jar")',
        '[ -n "$csrf" ] || { echo "no login csrf cookie" >&2; exit 1; }',
        `code=$(curl -sS -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$csrf" --data-urlencode "email=${EMAIL}" --data-urlencode "password@-" http://127.0.0.1:8080/login)`,
        'home=$(curl -sS -b "$jar" -o /dev/null -w \'%{http_code}\' -H "Accept: text/html" http://127.0.0.1:8080/)',
        'session=$(awk \'$6 == "pl_session" && $7 != "" {n++} END {print n+0}\' "$jar")',
        'echo "login=$code home=$home session=$session"',
      ].join('\n'),
      pw,
    );
    const m = /login=(\d+) home=(\d+) session=(\d+)/.exec(out);
    if (!m) throw new Error(`login script said: ${out}`);
    return { login: Number(m[1]), home: Number(m[2]), session: Number(m[3]) };
  };
  /** Lines of root's authorized_keys that hold the control plane's key (with or without options). */
  const cpKeyLines = async (): Promise<string[]> => {
    const blob = (await cliOk('ssh-key')).trim().split(/\s+/)[1];
    const keys = await shOk('cat /root/.ssh/authorized_keys');
    return keys.split('\n').filter((l) => l.includes(blob));
  };
  const jobDone = (jobId: string, what: string) =>
    pollUntil(
      async () => {
        const r = await api('GET', `/api/v1/jobs/${jobId}`);
        return ['succeeded', 'failed', 'cancelled'].includes(r.body?.state) ? r.body : null;
      },
      { timeoutMs: 8 * 60_000, intervalMs: 1000, description: `${what} job ${jobId} finished` },
    );
  const runLog = async (jobId: string) => (await api('GET', `/api/v1/jobs/${jobId}/run-log`)).body;
  /** Every rm_ table and schema_migrations, read with the installed better-sqlite3 as the service user. */
  const dumpTables = async (): Promise<Record<string, unknown[]>> =>
    JSON.parse(
      await shOk(
        'cd /opt/pressluft && setpriv --reuid=pressluft --regid=pressluft --init-groups ' +
          `${NODE_BIN} -e '` +
          'const db = new (require("better-sqlite3"))("/var/lib/pressluft/pressluft.db", { readonly: true });' +
          'const names = db.prepare("SELECT name FROM sqlite_master WHERE type = ? AND (name LIKE ? OR name = ?) ORDER BY name").pluck().all("table", "rm_%", "schema_migrations");' +
          'const out = {}; for (const n of names) out[n] = db.prepare("SELECT * FROM " + n + " ORDER BY 1, 2").all();' +
          "process.stdout.write(JSON.stringify(out));'",
      ),
    );
  const rawEvents = async (): Promise<string[]> => (await cliOk('local events export')).split('\n').filter((l) => l.trim() !== '');

  beforeAll(async () => {
    keyDir = tmpDir('pl-install-key-');
    artifacts = tmpDir('pl-install-art-');
    const kg = await makeKeyPair(keyDir);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    await phase('template', () => ensureTemplate());
    await phase('Node.js archive (nodejs.org layout) + SHASUMS256.txt', () =>
      hostOk(
        [
          'set -euo pipefail',
          `cd ${artifacts}`,
          `mkdir ${NODE_TOP} && cp -a ${NODE_PKG_DIR}/bin ${NODE_PKG_DIR}/include ${NODE_PKG_DIR}/share ${NODE_TOP}/`,
          `tar --owner=0 --group=0 -cf - ${NODE_TOP} | xz -1 -T2 > ${NODE_TOP}.tar.xz && rm -rf ${NODE_TOP}`,
          // a SHASUMS256.txt as nodejs.org publishes it: other archives of the release are listed too
          `{ echo "${'0'.repeat(64)}  node-v${NODE_VERSION}-linux-s390x.tar.xz"; sha256sum ${NODE_TOP}.tar.xz; } > SHASUMS256.txt`,
          `cp ${REPO}/install.sh .`,
        ].join('\n'),
      ),
    );
    await phase('npm run release', () => hostOk(`cd ${REPO} && npm run --silent release -- --out ${artifacts} >/dev/null`));
    await phase('release with a bumped version (repacked)', () =>
      hostOk(
        [
          'set -euo pipefail',
          `cd ${artifacts} && mkdir b && tar -C b -xzf ${releaseName(VERSION)}`,
          `a=${releaseName(VERSION).replace(/\.tar\.gz$/, '')} z=${releaseName(VERSION2).replace(/\.tar\.gz$/, '')}`,
          'mv "b/$a" "b/$z"',
          `sed -i 's/"version":"${VERSION}"/"version":"${VERSION2}"/' "b/$z/release.json"`,
          `sed -i '0,/"version": "${VERSION}"/s//"version": "${VERSION2}"/' "b/$z/package.json"`,
          `grep -q '"version":"${VERSION2}"' "b/$z/release.json" && grep -q '"version": "${VERSION2}"' "b/$z/package.json"`,
          'tar -C b --owner=0 --group=0 --numeric-owner -czf "$z.tar.gz" "$z" && rm -rf b && sha256sum "$z.tar.gz" > "$z.tar.gz.sha256"',
        ].join('\n'),
      ),
    );
    node = await phase('node up (bare)', () => upNode('bare', 0, [path.join(keyDir, 'id_ed25519.pub')]));
    await phase('copy install.sh, Node.js archive and releases', async () => {
      await pipeInto(node, 'tar', ['-C', artifacts, '-cf', '-', '.'], `rm -rf ${PKG} && mkdir -p ${PKG} && tar -C ${PKG} -xf -`);
      // our test key's private part: proves root may log in to 127.0.0.1 before the bootstrap, and not after
      await shOk('umask 077 && cat > /root/.ssh/pl_test_key', fs.readFileSync(path.join(keyDir, 'id_ed25519'), 'utf8'));
    });
    pebble = await phase('pebble (ACME for --domain)', () => startPebble(node.n));
    await shOk(`cat > ${ACME_CA} && chmod 0644 ${ACME_CA}`, pebble.listenerCaPem);
    files = await phase('release server (HTTPS on the node link)', () => startHttpsFileServer(artifacts, node.n));
    await shOk(`cat > ${FILES_CA}`, files.caPem);
    const bare = await sh('command -v node; command -v npm; command -v curl; command -v xz; dpkg -l nginx 2>/dev/null | grep ^ii; true');
    if (bare.stdout.trim() !== '') throw new Error(`the bare node is not bare: ${bare.stdout}`);
    rootSshBefore = await sshRootLocal();
  });

  afterAll(async () => {
    if (pebble) await pebble.stop();
    if (files) await files.stop();
    if (node) await phase('node down', () => downNode(node));
    for (const dir of [keyDir, artifacts]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    console.log(`install e2e timings (s): ${timings.map(([n, s]) => `${n}=${s.toFixed(1)}`).join(', ')}`);
  });

  const sshRootLocal = () =>
    sh(
      'ssh -i /root/.ssh/pl_test_key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no ' +
        '-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 root@127.0.0.1 true',
    );
  const failed = (what: string, r: CmdResult) => new Error(`${what} failed (rc=${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);

  it('piped into bash (`curl … | bash -s --`) with --admin-email and no terminal: refuses at once and changes nothing', async () => {
    // the bare node has no curl yet (install.sh installs it): cat pipes the same script the same way
    const r = await sh(`cat ${PKG}/install.sh | bash -s -- ${withNode} --release-url ${files.url}/${releaseName(VERSION)} --release-sha256 ${'ab'.repeat(32)} --admin-email ${EMAIL}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no terminal to read the admin password from (the script came through a pipe)');
    expect(r.stderr).toContain('nothing was changed');
    expect(files.requests).toEqual([]); // nothing downloaded
    const left = await sh('ls -d /opt/pressluft /var/lib/pressluft /etc/default/pressluft 2>&1; id pressluft 2>&1; command -v curl; true');
    expect(left.stdout).not.toMatch(/^\/(opt|var|etc)\//m);
    expect(left.stdout).toContain('no such user');
    expect(left.stdout).not.toContain('/usr/bin/curl'); // not even the OS packages step ran
  });

  it('installs Node.js 24 from the archive, verified against SHASUMS256.txt, into /opt/pressluft/node (no npm needed)', async () => {
    install1 = await phase('install.sh --no-start (Node.js, release, admin, node "local")', () =>
      install(`${withNode} ${release(VERSION)} --admin-email ${EMAIL} --no-start`, [
        'PRESSLUFT_LOG_LEVEL=info',
        'PRESSLUFT_HEALTH_CHECK_INTERVAL_MS=0', // no periodic jobs: the upgrade check compares whole tables
        // the ACME settings of the service, which --domain uses for the control plane's certificate too
        'PRESSLUFT_ACME_EMAIL=ops@pressluft.test',
        `PRESSLUFT_ACME_DIRECTORY_URL=${pebble.directoryUrl}`,
        `PRESSLUFT_ACME_CA_FILE=${ACME_CA}`,
      ]),
    );
    if (install1.code !== 0) throw failed('install.sh --no-start', install1);
    rootKeysAfter1 = (await cpKeyLines()).join('\n');
    expect(install1.stdout).toContain(`Node.js archive ${NODE_TOP}.tar.xz verified against ${PKG}/SHASUMS256.txt`);
    expect(install1.stdout).toContain(`release archive verified (sha256 `);
    expect(install1.stdout).toContain(`Pressluft ${VERSION} (release for Node.js 24, ${process.arch})`);
    expect((await shOk(`${NODE_BIN} --version`)).trim()).toBe(`v${NODE_VERSION}`);
    expect((await shOk('readlink -f /usr/local/bin/node')).trim()).toBe(NODE_BIN); // the server had no node
    expect((await shOk('stat -c "%U %a" /opt/pressluft/node/bin/node')).trim()).toBe('root 755');
    expect((await shOk('cat /opt/pressluft/release.json'))).toContain(`"version":"${VERSION}"`);
    expect((await shOk('ls /opt/pressluft')).split('\n').filter(Boolean).sort()).toEqual(
      ['README.md', 'bin', 'dist', 'docs', 'install.sh', 'node', 'node_modules', 'package-lock.json', 'package.json', 'playbooks', 'release.json', 'src'],
    );
    expect(install1.stdout + install1.stderr).not.toMatch(/\bnpm\b/); // no npm on the node, none needed
    // --no-start: enabled, not started
    expect((await sh('systemctl is-active pressluft')).stdout.trim()).toBe('inactive');
  });

  it('refuses a Node.js archive or a release that does not match its checksum, and installs nothing', async () => {
    const bad = await shOk(`cp ${PKG}/${NODE_TOP}.tar.xz /root/${NODE_TOP}.tar.xz && printf x >> /root/${NODE_TOP}.tar.xz && echo ok`);
    expect(bad.trim()).toBe('ok');
    const before = await shOk(`sha256sum ${NODE_BIN} /opt/pressluft/release.json`);
    const r1 = await install(`--node-archive /root/${NODE_TOP}.tar.xz --node-shasums ${PKG}/SHASUMS256.txt ${release(VERSION)} --no-start --no-local-node`);
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toContain(`${NODE_TOP}.tar.xz does not match its sha256 in ${PKG}/SHASUMS256.txt: not installed`);
    const r2 = await install(`${release(VERSION)} --release-sha256 ${'ab'.repeat(32)} --no-start --no-local-node`);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toContain('does not match sha256');
    const r3 = await sh(`cd /root && bash ${PKG}/install.sh --no-start`);
    expect(r3.code).not.toBe(0);
    expect(r3.stderr).toContain('give --release-archive FILE or --release-url URL --release-sha256 HEX');
    expect(await shOk(`sha256sum ${NODE_BIN} /opt/pressluft/release.json`)).toBe(before);
  });

  it('root gets the control plane key only restricted to 127.0.0.1 without forwarding or terminal, and loses it after the switch', async () => {
    expect(rootKeysAfter1.split('\n')).toEqual([expect.stringMatching(new RegExp(`^${ROOT_KEY_OPTIONS.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ssh-ed25519 `))]);
    install2 = await phase('install.sh --domain (starts the service, waits for the local bootstrap, HTTPS front)', () =>
      install(`${release(VERSION)} --admin-email ${EMAIL} --bootstrap-timeout 2300 --domain ${PANEL}`, [], 40 * 60_000),
    );
    if (install2.code !== 0) throw failed('install.sh (second run)', install2);
    expect(install2.stdout + install2.stderr).not.toMatch(/\bnpm\b/);
    token = (await cliOk('token create --name t --scope write')).trim();
    expect(install2.stdout).toContain("removed the control plane's key from /root/.ssh/authorized_keys");
    expect(await cpKeyLines()).toEqual([]);
    const ownKey = fs.readFileSync(path.join(keyDir, 'id_ed25519.pub'), 'utf8').trim().split(/\s+/)[1];
    expect(await shOk('cat /root/.ssh/authorized_keys')).toContain(ownKey); // only the control plane's line went
  });

  it('runs as a systemd service as the unprivileged user pressluft on the installed Node.js, /healthz answers', async () => {
    const s = await service();
    expect(s.active).toBe('active');
    expect(s.mainPid).toBeGreaterThan(0);
    expect(s.user).toBe('pressluft');
    expect(s.execStart).toBe(NODE_BIN);
    expect((await shOk('systemctl is-enabled pressluft')).trim()).toBe('enabled');
    // the account gets sudo rules as the local node's management user: inside the service they must be useless
    const status = await shOk(`grep -E '^(NoNewPrivs|CapEff|CapBnd):' /proc/${s.mainPid}/status`);
    expect(status).toMatch(/NoNewPrivs:\s+1\b/);
    expect(status).toMatch(/CapEff:\s+0+\n/);
    expect(status).toMatch(/CapBnd:\s+0+\n/);
    const h = await healthz();
    expect(h.code).toBe(0);
    expect(JSON.parse(h.stdout)).toMatchObject({ status: 'ok' });
    expect((await buildInfo())?.slice(1)).toEqual([VERSION, `v${NODE_VERSION}`]);
    const env = await shOk('cat /etc/default/pressluft');
    expect(env).toContain('PRESSLUFT_DATA_DIR=/var/lib/pressluft');
    expect(env).toContain('PRESSLUFT_HTTP_HOST=127.0.0.1');
    expect(env).toContain('PRESSLUFT_LOG_LEVEL=info'); // a PRESSLUFT_* given to install.sh reaches the service
  });

  it('the admin signs in over HTTP with the password from stdin; a wrong password is refused', async () => {
    const bad = await login(`${password}-wrong`);
    expect(bad.login).not.toBe(303);
    expect(bad.session).toBe(0);
    expect(bad.home).not.toBe(200);
    const good = await login(password);
    expect(good).toEqual({ login: 303, home: 200, session: 1 });
  });

  it('the password is nowhere: not in /etc/default/pressluft, the journal, the event log or the database file', async () => {
    const env = await shOk('cat /etc/default/pressluft');
    const journal = await shOk('journalctl -u pressluft --no-pager -o cat');
    const log = await cliOk('local events export');
    const db = await shOk('pw=$(cat); cat /var/lib/pressluft/pressluft.db* | grep -caF -e "$pw" || true', password);
    expect(journal).toContain('pressluft listening'); // the right journal
    expect(log).toContain('"type":"UserCreated"');
    expect(log).toContain(EMAIL);
    for (const text of [env, journal, log, install1.stdout, install1.stderr, install2.stdout, install2.stderr]) expect(text).not.toContain(password);
    expect(db.trim()).toBe('0');
  });

  it('bootstraps the local node on the bare server (web stack through apt): ready as pressluft, root login refused', async () => {
    const list = await nodes();
    expect(list).toHaveLength(1);
    local = list[0];
    expect(local).toMatchObject({ name: 'local', host: '127.0.0.1', port: 22, hostKeyFingerprint: node.hostKeyFingerprint, status: 'ready', user: 'pressluft' });
    expect(rootSshBefore.code).toBe(0); // root could log in to 127.0.0.1 before the bootstrap
    expect(local.facts).toMatchObject({ management_user: 'pressluft', root_login: false });
    const switched = (await events(`--stream node-${local.id} --type NodeManagementUserSwitched`)).map((e) => e.data);
    expect(switched).toEqual([expect.objectContaining({ from: 'root', to: 'pressluft' })]);
    expect((await shOk('systemctl is-active nginx mariadb')).trim().split('\n')).toEqual(['active', 'active']);

    const after = await sshRootLocal();
    expect(after.code).toBe(255);
    expect(after.stderr).toMatch(/Permission denied/);
    expect(await shOk('sshd -T -C user=root,host=localhost,addr=127.0.0.1 | grep ^permitrootlogin')).toContain('permitrootlogin no');
  });

  it('after the bootstrap the service still runs on its data directory (same account, same home)', async () => {
    const s = await service();
    expect(s).toMatchObject({ active: 'active', user: 'pressluft', nRestarts: 0 });
    // one account: the service user's data directory is the management user's home
    expect((await shOk('getent passwd pressluft')).trim()).toMatch(/^pressluft:x:\d+:\d+::\/var\/lib\/pressluft:\/bin\/bash$/);
    const modes = (await shOk(
      'cd /var/lib/pressluft && stat -c "%n %U %a" . .ssh .ssh/authorized_keys secret.key ssh ssh/id_ed25519.enc pressluft.db bundles runs',
    )).trim().split('\n');
    expect(modes).toEqual([
      '. pressluft 700', // private, as the service keeps it; bootstrap.yml gives the management home the same mode
      '.ssh pressluft 700',
      '.ssh/authorized_keys pressluft 600',
      'secret.key pressluft 600',
      'ssh pressluft 700',
      'ssh/id_ed25519.enc pressluft 600',
      'pressluft.db pressluft 600',
      'bundles root 700',
      'runs root 700',
    ]);
  });

  it('a health check of the local node succeeds (as pressluft@127.0.0.1)', async () => {
    const req = await api('POST', `/api/v1/nodes/${local.id}/health-check`);
    expect(req.status).toBe(202);
    const job = await phase('health check', () => jobDone(req.body.job.id, 'health-check'));
    if (job.state !== 'succeeded') throw new Error(`health check ${job.state}: ${JSON.stringify(await runLog(job.id)).slice(-4000)}`);
    expect((await api('GET', `/api/v1/nodes/${local.id}`)).body).toMatchObject({ status: 'ready', user: 'pressluft' });
  });

  /** curl on the test machine against the node's Nginx, panel.test resolved to the node, pebble's issuing root trusted. */
  const panelCurl = async (args: string[], input?: string): Promise<CmdResult> => {
    const rootFile = path.join(artifacts, 'pebble-root.pem');
    fs.writeFileSync(rootFile, panelRoot);
    return runCmd('curl', ['--noproxy', '*', '-sS', '-m', '30', '--cacert', rootFile, '--resolve', `${PANEL}:443:${node.ip}`, '--resolve', `${PANEL}:80:${node.ip}`, ...args], input);
  };

  it('--domain: the local Nginx serves the control plane at https://panel.test with a certificate from the ACME server; the service stays on loopback', async () => {
    expect(install2.stdout).toContain(`the control plane answers at https://${PANEL}/`);
    panelRoot = await pebble.issuingRootPem();
    const health = await panelCurl(['-D', '-', `https://${PANEL}/healthz`]);
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/^HTTP\/[\d.]+ 200/);
    expect(health.stdout).toMatch(/^strict-transport-security: max-age=\d+/im);
    expect(health.stdout).toContain('"status":"ok"');
    // plain HTTP only redirects (and answers the ACME challenge): no sign-in form over HTTP
    expect((await panelCurl(['-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://${PANEL}/login`])).stdout).toBe(`301 https://${PANEL}/login`);
    // the service itself listens on loopback only, and believes the proxy
    expect((await shOk("ss -Hltn 'sport = :8080' | awk '{print $4}'")).trim()).toBe('127.0.0.1:8080');
    expect(await shOk('cat /etc/default/pressluft')).toContain('\nPRESSLUFT_TRUST_PROXY=on\n');
    // the key stays on the node, root-only; the playbook variables (with the ACME settings) too
    expect((await shOk(`stat -L -c '%U %a' /etc/pressluft/tls/pressluft--panel/privkey.pem /etc/pressluft/panel/certificate.json`)).trim().split('\n')).toEqual(['root 600', 'root 600']);
    expect((await shOk('systemctl is-enabled pressluft-panel-certificate.timer; systemctl is-active pressluft-panel-certificate.timer')).trim().split('\n')).toEqual(['enabled', 'active']);
  });

  it('signs in over HTTPS from another machine and performs a CSRF-protected action; the sign-in is recorded with that machine\'s address', async () => {
    const script = [
      'set -eu',
      `curl_() { curl --noproxy '*' -sS -m 30 --cacert ${path.join(artifacts, 'pebble-root.pem')} --resolve ${PANEL}:443:${node.ip} "$@"; }`,
      'jar=$(mktemp); trap \'rm -f "$jar"\' EXIT',
      `curl_ -c "$jar" -o /dev/null https://${PANEL}/login`,
      'csrf=$(awk \'$6 == "pl_login_csrf" {print $7}\' "$jar")',
      `login=$(curl_ -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' -H 'Origin: https://${PANEL}' --data-urlencode "_csrf=$csrf" --data-urlencode "email=${EMAIL}" --data-urlencode "password@-" https://${PANEL}/login)`,
      // Netscape cookie file: column 4 is the Secure flag
      'secure=$(awk \'$6 == "pl_session" && $7 != "" {print $4}\' "$jar")',
      `form=$(curl_ -b "$jar" https://${PANEL}/tokens | sed -n 's/.*name="_csrf" value="\\([^"]*\\)".*/\\1/p' | head -1)`,
      `created=$(curl_ -b "$jar" -o /dev/null -w '%{http_code}' -H 'Origin: https://${PANEL}' --data-urlencode "_csrf=$form" --data-urlencode name=via-https --data-urlencode scope=read https://${PANEL}/tokens)`,
      `foreign=$(curl_ -b "$jar" -o /dev/null -w '%{http_code}' -H 'Origin: https://evil.example' --data-urlencode "_csrf=$form" --data-urlencode name=cross-site --data-urlencode scope=read https://${PANEL}/tokens)`,
      'echo "login=$login secure=$secure created=$created foreign=$foreign"',
    ].join('\n');
    // on the test machine, the password on stdin
    const r = await runCmd('bash', ['-c', script], password, 120_000);
    if (r.code !== 0) throw failed('sign-in over HTTPS', r);
    expect(r.stdout.trim()).toBe('login=303 secure=TRUE created=201 foreign=403');
    // (the tokens list is for signed-in users, not for API tokens: read the log)
    const tokens = (await events('--type ApiTokenCreated')).map((e) => e.data.name);
    expect(tokens).toContain('via-https');
    expect(tokens).not.toContain('cross-site');
    // the client address is the test machine's side of the link, as Nginx saw it (the login throttle's key too)
    const logins = await events('--type UserLoggedIn');
    expect(logins.at(-1)!.data.ip).toBe(`10.254.${node.n}.1`);
  });

  it('in Chromium through HTTPS: signs in and creates an API token through the CSRF-protected form; the session cookie is Secure', async () => {
    const profile = tmpDir('pl-install-chromium-');
    // the name resolves to the node; pebble's root is not in Chromium's store (curl above checked the chain against it)
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      ignoreHTTPSErrors: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-proxy-server', `--host-resolver-rules=MAP ${PANEL} ${node.ip}`],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`https://${PANEL}/login`);
      await page.fill('#f-email', EMAIL);
      await page.fill('#f-password', password);
      await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('main button[type=submit]')]);
      expect(new URL(page.url()).protocol).toBe('https:');
      expect(await page.title()).toMatch(/ · Pressluft$/);
      const session = (await context.cookies(`https://${PANEL}`)).find((c) => c.name === 'pl_session');
      expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      await page.goto(`https://${PANEL}/tokens`);
      await page.fill('#f-name', 'via-chromium');
      await page.check('input[name=scope][value=read]');
      await page.click('form.card button[type=submit]');
      expect(await page.inputValue('#new-token')).toMatch(/^pl_/);
      expect((await events('--type ApiTokenCreated')).map((e) => e.data.name)).toContain('via-chromium');
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  it('the renewal unit checks the control plane\'s certificate and keeps it while it is not due', async () => {
    const before = (await shOk('openssl x509 -noout -serial -in /etc/pressluft/tls/pressluft--panel/fullchain.pem')).trim();
    await shOk('systemctl start pressluft-panel-certificate.service');
    expect((await shOk('systemctl show -p Result --value pressluft-panel-certificate.service')).trim()).toBe('success');
    expect(await shOk('journalctl -u pressluft-panel-certificate.service --no-pager -o cat')).toMatch(/certificate \S+ for panel\.test valid until \S+ \(kept, renewal from /);
    expect((await shOk('openssl x509 -noout -serial -in /etc/pressluft/tls/pressluft--panel/fullchain.pem')).trim()).toBe(before);
    expect((await panelCurl(['-o', '/dev/null', '-w', '%{http_code}', `https://${PANEL}/healthz`])).stdout).toBe('200');
  });

  let eventsBefore: string[] = [];
  let tablesBefore: Record<string, unknown[]> = {};
  it('upgrade: a newer release over a site\'s events restarts the service on the new code and keeps every event and row', async () => {
    // A site's worth of events. Its provisioning ends on its own, before the snapshot: this server is
    // offline (test nodes have no route out) and has no PRESSLUFT_WORDPRESS_ARCHIVE, so WordPress core
    // cannot be fetched and the job fails after its quick retries; the site is FAILED, and nothing (no
    // job, no scheduler: no certificate for a site that is not ACTIVE) changes the log behind our back.
    // (Cancelling the job right after the create raced those retries: on a loaded machine the job had
    // already failed, and the cancel rightly answered 409 JOB_NOT_CANCELLABLE.)
    const created = await api('POST', '/api/v1/sites', { name: 'Upgrade Site', nodeId: local.id, domain: 'upgrade.example.test', adminEmail: EMAIL });
    expect(created.status).toBe(202);
    const provision = await jobDone(created.body.job.id, 'site.provision');
    expect(provision).toMatchObject({ kind: 'site.provision', state: 'failed', error: { code: 'WORDPRESS_ARCHIVE_UNAVAILABLE' } });
    expect((await api('GET', `/api/v1/sites/${created.body.site.id}`)).body).toMatchObject({ state: 'FAILED' });
    eventsBefore = await rawEvents();
    tablesBefore = await dumpTables();
    expect(eventsBefore.some((l) => l.includes('"type":"SiteCreated"'))).toBe(true);
    expect(tablesBefore.rm_sites).toHaveLength(1);
    const migrations = tablesBefore.schema_migrations as Array<{ version: number; applied_at: string }>;
    expect(migrations.length).toBeGreaterThan(0);
    const before = await service();

    // the way the README's one-line install runs: install.sh and the release fetched over HTTPS, the script piped into bash
    const url = `${files.url}/${releaseName(VERSION2)}`;
    const sha = fs.readFileSync(path.join(artifacts, `${releaseName(VERSION2)}.sha256`), 'utf8').split(/\s+/)[0];
    const r = await phase('curl … install.sh | bash (upgrade to the bumped release from its URL)', () =>
      sh(`set -o pipefail; curl -fsSL ${files.url}/install.sh | bash -s -- --release-url ${url} --release-sha256 ${sha} --admin-email ${EMAIL}`, undefined, 10 * 60_000, [
        `CURL_CA_BUNDLE=${FILES_CA}`,
      ]),
    );
    if (r.code !== 0) throw failed('upgrade', r);
    expect(files.requests).toEqual(['/install.sh', `/${releaseName(VERSION2)}`]);
    expect(r.stdout).toContain(`downloading ${url}`);
    expect(r.stdout).toContain(`release archive verified (sha256 ${sha})`);
    expect(r.stdout).toContain(`Pressluft ${VERSION2} (release`);
    expect(r.stdout).toContain(`admin ${EMAIL} exists already`);
    expect(r.stdout).toContain("node 'local' is registered already");
    expect(r.stdout).toContain(`Node.js v${NODE_VERSION} in /opt/pressluft/node`);
    expect(r.stdout).not.toContain('Node.js archive'); // kept, not unpacked again
    const s = await service();
    expect(s).toMatchObject({ active: 'active', user: 'pressluft' });
    expect(s.mainPid).not.toBe(before.mainPid);
    await pollUntil(async () => (await healthz()).code === 0, { timeoutMs: 60_000, description: '/healthz after the upgrade' });
    expect((await buildInfo())?.[1]).toBe(VERSION2); // the running process is the new code
    expect(await shOk('cat /opt/pressluft/release.json')).toContain(`"version":"${VERSION2}"`);

    expect(await rawEvents()).toEqual(eventsBefore); // every event, byte for byte (hashes included)
    const tablesAfter = await dumpTables();
    expect(tablesAfter).toEqual(tablesBefore); // every read-model row, and schema_migrations: applied once, untouched
    expect(JSON.parse(await cliOk('events verify --json'))).toMatchObject({ ok: true, checked: eventsBefore.length });
    // the rows are what the log says: a rebuild from the log gives the same tables
    await cliOk('projections rebuild');
    expect(await dumpTables()).toEqual(tablesBefore);
    expect(await nodes()).toHaveLength(1);
    expect(await events('--type UserCreated')).toHaveLength(1);
    expect(await cpKeyLines()).toEqual([]);
    expect(await login(password)).toMatchObject({ login: 303, home: 200, session: 1 });
    for (const text of [r.stdout, r.stderr]) expect(text).not.toContain(password);
  });

  it('a re-bootstrap after the upgrade changes nothing (install.sh and bootstrap.yml agree on the shared home)', async () => {
    const req = await api('POST', `/api/v1/nodes/${local.id}/bootstrap`);
    expect(req.status).toBe(202);
    const job = await phase('re-bootstrap', () => jobDone(req.body.job.id, 'bootstrap'));
    const logBody = await runLog(job.id);
    if (job.state !== 'succeeded') throw new Error(`re-bootstrap ${job.state}: ${JSON.stringify(logBody).slice(-4000)}`);
    const lines: string[] = (logBody.lines ?? []).map((l: { text: string }) => l.text);
    const changed = lines.flatMap((l, i) => (l.trim().startsWith('changed:') ? [lines[i - 1]] : []));
    expect(changed).toEqual([]);
    expect(logBody.runs.at(-1).stats.localhost).toMatchObject({ changed: 0, failures: 0 });
    expect((await service()).active).toBe('active');
    expect((await api('GET', `/api/v1/nodes/${local.id}`)).body).toMatchObject({ status: 'ready', user: 'pressluft' });
  });

  it('the database is backed up while the service runs and restored as docs/control-plane-backup.md says: the log is the backup\'s again and the control plane still reaches its node', async () => {
    // docs/control-plane-backup.md (Backup, Restore): as pressluft with the service's settings, from root's shell
    const asPressluftDocs = (cmd: string) =>
      `cd /root && sudo -u pressluft sh -c 'set -a; . /etc/default/pressluft; exec /opt/pressluft/node/bin/node /opt/pressluft/bin/pressluft ${cmd}'`;
    const atBackup = await rawEvents();
    const backup = await phase('db backup (service running)', () => shOk(asPressluftDocs('db backup /var/lib/pressluft/before-restore-test.db')));
    expect(JSON.parse(backup)).toMatchObject({ file: '/var/lib/pressluft/before-restore-test.db', events: atBackup.length, headPosition: expect.any(Number) });
    expect((await service()).active).toBe('active');
    expect((await shOk('stat -c "%U %a" /var/lib/pressluft/before-restore-test.db')).trim()).toBe('pressluft 600');
    // recorded after the backup, so the restore must drop it: a token (its event and its row)
    const later = (await cliOk('token create --name after-backup --scope read')).trim();
    const afterBackup = await rawEvents();
    expect(afterBackup.length).toBeGreaterThan(atBackup.length);
    expect((await shOk(`curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${later}" http://127.0.0.1:8080/api/v1/nodes`)).trim()).toBe('200');

    await phase('restore (as documented)', () =>
      shOk(
        [
          'set -euo pipefail',
          'systemctl stop pressluft',
          'install -o pressluft -g pressluft -m 0600 /var/lib/pressluft/before-restore-test.db /var/lib/pressluft/pressluft.db',
          'rm -f /var/lib/pressluft/pressluft.db-wal /var/lib/pressluft/pressluft.db-shm',
          asPressluftDocs('events verify'),
          'systemctl start pressluft',
        ].join('\n'),
      ),
    );
    await pollUntil(async () => (await healthz()).code === 0, { timeoutMs: 120_000, description: '/healthz after the restore' });
    expect(await rawEvents()).toEqual(atBackup);
    expect(JSON.parse(await cliOk('events verify --json'))).toMatchObject({ ok: true, checked: atBackup.length });
    expect((await shOk(`curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${later}" http://127.0.0.1:8080/api/v1/nodes`)).trim()).toBe('401');
    // same secret.key and ssh/: the control plane still works on its node as pressluft
    const req = await api('POST', `/api/v1/nodes/${local.id}/health-check`);
    expect(req.status).toBe(202);
    const job = await phase('health check after the restore', () => jobDone(req.body.job.id, 'health-check'));
    if (job.state !== 'succeeded') throw new Error(`health check after the restore ${job.state}: ${JSON.stringify(await runLog(job.id)).slice(-4000)}`);
    await shOk('rm /var/lib/pressluft/before-restore-test.db');
  });

  it('--uninstall removes the service and the code and keeps the data: a reinstall finds every event', async () => {
    const logBefore = await rawEvents();
    const u = await phase('install.sh --uninstall', () => install('--uninstall'));
    if (u.code !== 0) throw failed('uninstall', u);
    expect((await sh('systemctl is-active pressluft')).stdout.trim()).not.toBe('active');
    expect((await sh('test -e /etc/systemd/system/pressluft.service || test -e /opt/pressluft || test -e /usr/local/bin/node')).code).not.toBe(0);
    // the HTTPS front goes with the service (the certificate stays until --purge)
    expect((await sh('test -e /etc/nginx/sites-enabled/pressluft-panel.conf || test -e /etc/systemd/system/pressluft-panel-certificate.timer')).code).not.toBe(0);
    expect((await shOk('nginx -t -q && echo ok')).trim()).toBe('ok');
    // and the kept settings no longer believe a proxy that is gone (a reinstall with --domain sets it again)
    expect(await shOk('cat /etc/default/pressluft')).not.toContain('PRESSLUFT_TRUST_PROXY');
    expect(u.stdout).toContain('PRESSLUFT_TRUST_PROXY=on removed from /etc/default/pressluft');
    expect((await shOk('stat -c "%U %a" /var/lib/pressluft/pressluft.db /var/lib/pressluft/secret.key /etc/default/pressluft')).trim().split('\n'))
      .toEqual(['pressluft 600', 'pressluft 600', 'root 644']);
    expect((await sh('id pressluft')).code).toBe(0);

    const again = await phase('install.sh after uninstall', () => install(`${withNode} ${release(VERSION2)} --admin-email ${EMAIL}`));
    if (again.code !== 0) throw failed('reinstall', again);
    expect(again.stdout).toContain(`admin ${EMAIL} exists already`);
    expect(again.stdout).toContain("node 'local' is registered already");
    expect((await rawEvents()).slice(0, logBefore.length)).toEqual(logBefore);
    expect(JSON.parse(await cliOk('events verify --json'))).toMatchObject({ ok: true });
    expect((await service()).active).toBe('active');
  });

  it('--uninstall --purge removes the data directory, the settings and the user too', async () => {
    const p = await phase('install.sh --uninstall --purge', () => install('--uninstall --purge'));
    if (p.code !== 0) throw failed('purge', p);
    for (const f of ['/etc/systemd/system/pressluft.service', '/opt/pressluft', '/var/lib/pressluft', '/etc/default/pressluft', '/etc/sudoers.d/pressluft', '/usr/local/bin/node',
      '/etc/pressluft/panel', '/etc/pressluft/tls/pressluft--panel']) {
      expect((await sh(`test -e ${f}`)).code).toBe(1);
    }
    expect((await sh('id pressluft')).code).not.toBe(0);
  });
});

/** `cmd args` on the host piped into `script` run as root in the node (nsenter), both must succeed. */
function pipeInto(node: TestNode, cmd: string, args: string[], script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const producer = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const consumer = spawn(NODES_SCRIPT, ['exec', String(node.n), 'sh', '-c', script], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, PL_NODES_BASE: String(nodesBase()) },
    });
    // stdin is a socket (not a pipe) in the node: read it with cat/tar, never open /dev/stdin
    producer.stdout.pipe(consumer.stdin);
    consumer.stdin.on('error', () => undefined); // the consumer's exit code tells
    let perr = '';
    let cerr = '';
    producer.stderr.on('data', (b: Buffer) => (perr += b.toString()));
    consumer.stderr.on('data', (b: Buffer) => (cerr += b.toString()));
    const pDone = new Promise<number>((r) => producer.on('close', (code) => r(code ?? 1)));
    const cDone = new Promise<number>((r) => consumer.on('close', (code) => r(code ?? 1)));
    Promise.all([pDone, cDone]).then(([p, c]) => {
      // tar exits 1 for "file changed as we read it" (the checkout is shared with running work); that is fine here
      if (p > (cmd === 'tar' ? 1 : 0) || c !== 0) reject(new Error(`${cmd} | node ${node.n}: ${script} failed (${p}/${c}): ${perr.slice(-2000)} ${cerr.slice(-2000)}`));
      else resolve();
    }, reject);
  });
}
