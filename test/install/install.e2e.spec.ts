/**
 * install.sh end to end on a fresh FULL test node (Debian 12 with the web stack's packages, nothing
 * configured; no internet, no npm: apt only through the harness's proxy). The host's Node binary and
 * this checkout (with node_modules and dist) are copied in, then install.sh runs as root with the
 * admin password on stdin (not a TTY): systemd service as `pressluft`, first admin, node "local" over
 * SSH to 127.0.0.1, whose bootstrap (by the service's own worker) switches the control plane to
 * pressluft@127.0.0.1 and locks root's SSH login: on this host the service user and the node's
 * management user are the same account. A second run (upgrade/repair) must change nothing that
 * matters, and a re-bootstrap afterwards must report changed=0. Needs root (test nodes); slot 0.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeView } from '../../src/application/nodes/node.view';
import { pollUntil } from '../support/poll-until';
import { downNode, ensureTemplate, NODES_SCRIPT, nodesBase, TestNode, upNode } from '../support/test-nodes';
import { CmdResult, makeKeyPair, runCmd, tmpDir } from '../playbooks/node-ssh';

jest.setTimeout(15 * 60_000);

const REPO = path.resolve(__dirname, '..', '..');
const SRC = '/root/pressluft-src';
const EMAIL = 'admin@example.test';
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The CLI exactly as install.sh's as_pressluft runs it: the pressluft user, the service's environment file. */
const AS_PRESSLUFT =
  'cd /opt/pressluft && umask 077 && set -a && . /etc/default/pressluft && set +a && ' +
  'setpriv --reuid=pressluft --regid=pressluft --init-groups /usr/local/bin/node bin/pressluft';

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

describe('install.sh on a fresh server (real node, real systemd, real sshd)', () => {
  let node: TestNode;
  let keyDir: string;
  // a fresh password each run: it must show up nowhere but in the login form
  const password = `pl-e2e-${randomBytes(18).toString('base64url')}`;
  let install1: CmdResult;
  let rootSshBefore: CmdResult;
  let token = '';
  let local: NodeJson;

  /** A bash script inside the node as root, with a clean environment (not the Jest process's), stdin optional. */
  const sh = (script: string, input?: string, timeoutMs = 120_000, env: string[] = []): Promise<CmdResult> =>
    runCmd(NODES_SCRIPT, ['exec', String(node.n), 'env', '-i', PATH_ENV, 'HOME=/root', 'LANG=C.UTF-8', ...env, 'bash', '-c', script], input, timeoutMs);
  const shOk = async (script: string, input?: string): Promise<string> => {
    const r = await sh(script, input);
    if (r.code !== 0) throw new Error(`in node: ${script}\nrc=${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r.stdout;
  };
  const cliOk = async (args: string): Promise<string> => shOk(`${AS_PRESSLUFT} ${args}`);
  const nodes = async (): Promise<NodeJson[]> =>
    (await cliOk('local node list'))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as NodeJson);
  const events = async (filter = ''): Promise<Array<{ type: string; streamId: string; data: Record<string, unknown> }>> =>
    (await cliOk(`local events export ${filter}`))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
  /** REST inside the node with the API token; returns status and parsed body. */
  const api = async (method: string, urlPath: string): Promise<{ status: number; body: any }> => {
    const out = await shOk(`curl -sS -X ${method} -H "Authorization: Bearer ${token}" -w '\\n%{http_code}' http://127.0.0.1:8080${urlPath}`);
    const nl = out.lastIndexOf('\n');
    const text = out.slice(0, nl);
    return { status: Number(out.slice(nl + 1)), body: text ? JSON.parse(text) : null };
  };
  const runInstall = (extraEnv: string[] = []): Promise<CmdResult> =>
    sh(`bash ${SRC}/install.sh --admin-email ${EMAIL}`, password, 10 * 60_000, extraEnv);
  const service = async () => {
    const active = (await sh('systemctl is-active pressluft')).stdout.trim();
    const show = await shOk('systemctl show -p MainPID -p NRestarts pressluft');
    const mainPid = Number(/MainPID=(\d+)/.exec(show)?.[1] ?? 0);
    const nRestarts = Number(/NRestarts=(\d+)/.exec(show)?.[1] ?? -1);
    const uid = mainPid > 0 ? (await shOk(`awk '/^Uid:/{print $2; exit}' /proc/${mainPid}/status`)).trim() : '';
    const user = uid ? (await shOk(`getent passwd ${uid} | cut -d: -f1`)).trim() : '';
    return { active, mainPid, nRestarts, user };
  };
  const healthz = () => sh('curl -fsS --max-time 10 http://127.0.0.1:8080/healthz');
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
  const cpKeyLines = async () => {
    const pub = (await cliOk('ssh-key')).trim();
    const keys = await shOk('cat /root/.ssh/authorized_keys');
    return keys.split('\n').filter((l) => l.trim() === pub).length;
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

  beforeAll(async () => {
    keyDir = tmpDir('pl-install-key-');
    const kg = await makeKeyPair(keyDir);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    await phase('template', () => ensureTemplate());
    node = await phase('node up (full)', () => upNode('full', 0, [path.join(keyDir, 'id_ed25519.pub')]));

    await phase('copy node binary + checkout', async () => {
      // Node 20 (same ABI and glibc as the host: better-sqlite3's native module works as built)
      await pipeInto(node, 'cat', [process.execPath], 'cat > /usr/local/bin/node && chmod 0755 /usr/local/bin/node');
      await pipeInto(
        node,
        'tar',
        ['-C', REPO, '--exclude=./.git', '--exclude=./data', '--exclude=./test-artifacts', '-cf', '-', '.'],
        `rm -rf ${SRC} && mkdir -p ${SRC} && tar -C ${SRC} -xf -`,
      );
      // our test key's private part: proves root may log in to 127.0.0.1 before the bootstrap, and not after
      await shOk('umask 077 && cat > /root/.ssh/pl_test_key', fs.readFileSync(path.join(keyDir, 'id_ed25519'), 'utf8'));
    });
    rootSshBefore = await sshRootLocal();
    install1 = await phase('install.sh (first run)', () => runInstall(['PRESSLUFT_LOG_LEVEL=info']));
    if (install1.code === 0) {
      token = (await cliOk('token create --name t --scope write')).trim();
    }
  });

  afterAll(async () => {
    if (node) await phase('node down', () => downNode(node));
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    console.log(`install e2e timings (s): ${timings.map(([n, s]) => `${n}=${s.toFixed(1)}`).join(', ')}`);
  });

  const sshRootLocal = () =>
    sh(
      'ssh -i /root/.ssh/pl_test_key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no ' +
        '-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 root@127.0.0.1 true',
    );

  it('install.sh exits 0 (node and npm-less build, first admin, node "local")', () => {
    if (install1.code !== 0) throw new Error(`install.sh failed (rc=${install1.code}):\n${install1.stdout.slice(-4000)}\n${install1.stderr.slice(-4000)}`);
    expect(install1.stdout).toContain('[pressluft-install] done');
    expect(token).toMatch(/\S{20,}/);
    // the node has no npm: this run must not have needed it
    expect(install1.stdout + install1.stderr).not.toMatch(/npm/i);
  });

  it('runs as a systemd service as the unprivileged user pressluft, /healthz answers', async () => {
    const s = await service();
    expect(s.active).toBe('active');
    expect(s.mainPid).toBeGreaterThan(0);
    expect(s.user).toBe('pressluft');
    expect((await shOk('systemctl is-enabled pressluft')).trim()).toBe('enabled');
    // the account gets sudo rules as the local node's management user: inside the service they must be useless
    const status = await shOk(`grep -E '^(NoNewPrivs|CapEff|CapBnd):' /proc/${s.mainPid}/status`);
    expect(status).toMatch(/NoNewPrivs:\s+1\b/);
    expect(status).toMatch(/CapEff:\s+0+\n/);
    expect(status).toMatch(/CapBnd:\s+0+\n/);
    const h = await healthz();
    expect(h.code).toBe(0);
    expect(JSON.parse(h.stdout)).toMatchObject({ status: 'ok' });
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
    for (const text of [env, journal, log, install1.stdout, install1.stderr]) expect(text).not.toContain(password);
    expect(db.trim()).toBe('0');
  });

  it('registers node "local" (127.0.0.1, host key pinned) and queues its bootstrap', async () => {
    const list = await nodes();
    expect(list).toHaveLength(1);
    local = list[0];
    expect(local).toMatchObject({ name: 'local', host: '127.0.0.1', port: 22, hostKeyFingerprint: node.hostKeyFingerprint });
    expect(rootSshBefore.code).toBe(0); // root could log in to 127.0.0.1 before the bootstrap
    expect(await cpKeyLines()).toBe(1);
  });

  it('the service bootstraps the local node over SSH: ready, management user pressluft, root login refused', async () => {
    const done = await phase('local bootstrap (poll until ready)', () =>
      pollUntil(
        async () => {
          const n = (await nodes()).find((x) => x.name === 'local');
          return n && n.status !== 'bootstrapping' ? n : null;
        },
        { timeoutMs: 8 * 60_000, intervalMs: 1000, description: 'node "local" leaves bootstrapping' },
      ),
    );
    if (done.status !== 'ready') {
      const jobs = await api('GET', `/api/v1/jobs?nodeId=${local.id}`);
      const logs = await Promise.all((jobs.body?.items ?? []).map((j: { id: string }) => runLog(j.id)));
      throw new Error(`node "local" is ${done.status}:\n${JSON.stringify(logs, null, 1).slice(-6000)}`);
    }
    local = done;
    expect(local.user).toBe('pressluft');
    expect(local.facts).toMatchObject({ management_user: 'pressluft', root_login: false });
    const switched = (await events(`--stream node-${local.id} --type NodeManagementUserSwitched`)).map((e) => e.data);
    expect(switched).toEqual([expect.objectContaining({ from: 'root', to: 'pressluft' })]);

    const after = await sshRootLocal();
    expect(after.code).toBe(255);
    expect(after.stderr).toMatch(/Permission denied/);
    expect(await shOk('sshd -T -C user=root,host=localhost,addr=127.0.0.1 | grep ^permitrootlogin')).toContain('permitrootlogin no');
  });

  it('after the bootstrap the service still runs on its data directory (same account, same home)', async () => {
    const s = await service();
    expect(s).toMatchObject({ active: 'active', user: 'pressluft', nRestarts: 0 });
    expect((await healthz()).code).toBe(0);
    // one account: the service user's data directory is the management user's home
    expect((await shOk('getent passwd pressluft')).trim()).toMatch(/^pressluft:x:\d+:\d+::\/var\/lib\/pressluft:\/bin\/bash$/);
    const modes = (await shOk(
      'cd /var/lib/pressluft && stat -c "%n %U %a" . .ssh .ssh/authorized_keys secret.key ssh ssh/id_ed25519.enc pressluft.db bundles runs',
    )).trim().split('\n');
    expect(modes).toEqual([
      '. pressluft 750',
      '.ssh pressluft 700',
      '.ssh/authorized_keys pressluft 600',
      'secret.key pressluft 600',
      'ssh pressluft 700',
      'ssh/id_ed25519.enc pressluft 600',
      'pressluft.db pressluft 600',
      'bundles root 700',
      'runs root 700',
    ]);
    // and it still writes: a sign-in appends events
    expect(await login(password)).toMatchObject({ login: 303, session: 1 });
  });

  it('a health check of the local node succeeds (as pressluft@127.0.0.1)', async () => {
    const req = await api('POST', `/api/v1/nodes/${local.id}/health-check`);
    expect(req.status).toBe(202);
    const job = await phase('health check', () => jobDone(req.body.job.id, 'health-check'));
    if (job.state !== 'succeeded') throw new Error(`health check ${job.state}: ${JSON.stringify(await runLog(job.id)).slice(-4000)}`);
    const n = (await api('GET', `/api/v1/nodes/${local.id}`)).body;
    expect(n).toMatchObject({ status: 'ready', user: 'pressluft' });
  });

  it('a second install.sh run (upgrade/repair) is idempotent', async () => {
    const pidBefore = (await service()).mainPid;
    const r = await phase('install.sh (second run)', () => runInstall());
    if (r.code !== 0) throw new Error(`second install.sh failed (rc=${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    expect(r.stdout).toContain(`admin ${EMAIL} exists already`);
    expect(r.stdout).toContain("node 'local' is registered already");
    const s = await service();
    expect(s).toMatchObject({ active: 'active', user: 'pressluft' });
    expect(s.mainPid).not.toBe(pidBefore); // restarted on the new code
    await pollUntil(async () => (await healthz()).code === 0, { timeoutMs: 60_000, description: '/healthz after the restart' });
    expect(await events('--type UserCreated')).toHaveLength(1);
    expect(await nodes()).toHaveLength(1);
    expect(await cpKeyLines()).toBe(1);
    expect(await login(password)).toMatchObject({ login: 303, home: 200, session: 1 });
    for (const text of [r.stdout, r.stderr]) expect(text).not.toContain(password);
  });

  it('a re-bootstrap after the second run changes nothing (install.sh and bootstrap.yml agree on the shared home)', async () => {
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
