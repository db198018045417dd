/**
 * The API commands of the CLI end to end: a real `pressluft serve` process on loopback with a real
 * SQLite file, the CLI as a separate process that knows only the URL and a token, a throwaway sshd on
 * 127.0.0.1 as the node (root login with the control plane's key) and real Ansible runs: the gated
 * stand-in of bootstrap.yml (test/support/test-bundle.ts) and the real health-check.yml.
 * Needs root, /usr/sbin/sshd and /usr/bin/ansible-playbook on this host.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliResult, freePort, runCli, spawnCli } from '../../support/cli';
import { LocalSshd, startLocalSshd } from '../../support/local-sshd';
import { pollUntil } from '../../support/poll-until';
import { makeFakeBootstrapBundle } from '../../support/test-bundle';

jest.setTimeout(5 * 60_000);

/** A CLI process whose output is collected while it runs. */
function running(args: string[], env: Record<string, string>): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

describe('pressluft CLI as an API client (real serve process, real sshd, real Ansible)', () => {
  let dataDir: string;
  let configHome: string;
  let remoteRoot: string;
  let bundle: ReturnType<typeof makeFakeBootstrapBundle>;
  let sshd: LocalSshd;
  let server: ReturnType<typeof running>;
  let url: string;
  let serverEnv: Record<string, string>;
  /** The client's environment: no data directory, only its own config home. */
  let client: Record<string, string>;
  let writeToken = '';
  let readToken = '';
  let nodeId = '';
  let bootstrapJobId = '';

  const cli = (args: string[], stdin?: string, extra: Record<string, string> = {}): Promise<CliResult> => runCli(args, { ...client, ...extra }, stdin);
  const configPath = () => join(configHome, 'pressluft', 'config.json');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pl-cli-api-data-'));
    configHome = mkdtempSync(join(tmpdir(), 'pl-cli-api-config-'));
    remoteRoot = mkdtempSync(join(tmpdir(), 'pl-cli-api-root-'));
    bundle = makeFakeBootstrapBundle();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    serverEnv = {
      PRESSLUFT_DATA_DIR: dataDir,
      PRESSLUFT_HTTP_PORT: String(port),
      PRESSLUFT_LOG_LEVEL: 'info', // the request and job lines carry the request id (a test reads them)
      PRESSLUFT_PLAYBOOKS_DIR: bundle.dir,
      PRESSLUFT_REMOTE_ROOT: remoteRoot,
      PRESSLUFT_RUN_POLL_MS: '100',
      PRESSLUFT_HEALTH_CHECK_INTERVAL_MS: '0',
      PRESSLUFT_JOB_BACKOFF_BASE_MS: '50',
    };
    // Local commands on the server's data directory: the key for the node, two tokens.
    const key = await runCli(['ssh-key'], serverEnv);
    expect(key.code).toBe(0);
    sshd = await startLocalSshd([key.stdout.trim()]);
    writeToken = (await runCli(['token', 'create', '--name', 'laptop', '--scope', 'write'], serverEnv)).stdout.trim();
    readToken = (await runCli(['token', 'create', '--name', 'dashboards', '--scope', 'read'], serverEnv)).stdout.trim();
    expect([writeToken, readToken]).toEqual([expect.stringMatching(/^pl_/), expect.stringMatching(/^pl_/)]);
    server = running(['serve'], serverEnv);
    await pollUntil(async () => (await fetch(`${url}/healthz`)).ok, { timeoutMs: 60_000, intervalMs: 100, description: 'serve answers /healthz' });
    // The client has no data directory at all: everything it knows comes from login.
    client = { XDG_CONFIG_HOME: configHome, PRESSLUFT_URL: '', PRESSLUFT_TOKEN: '', PRESSLUFT_DATA_DIR: join(configHome, 'no-data-here') };
  }, 120_000);

  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exit;
    }
    await sshd?.stop();
    bundle?.remove();
    for (const dir of [dataDir, configHome, remoteRoot]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('login refuses a wrong token with its API code and stores nothing', async () => {
    const r = await cli(['login', '--url', url], 'pl_nosuchtoken_' + 'x'.repeat(43) + '\n');
    expect([r.code, r.stderr.trim()]).toEqual([1, 'pressluft: UNAUTHENTICATED: The API token is invalid, revoked or expired. (HTTP 401)']);
    expect(existsSync(configPath())).toBe(false);
    const unreachable = await cli(['login', '--url', `http://127.0.0.1:${await freePort()}`], writeToken + '\n');
    expect([unreachable.code, unreachable.stderr.trim()]).toEqual([1, expect.stringMatching(/^pressluft: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/)]);
  });

  it('login reads the token from stdin, checks it and stores URL + token in a 0600 file; whoami uses it', async () => {
    const r = await cli(['login', '--url', `${url}/`], writeToken + '\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`logged in to ${url} as token laptop (write)`);
    expect(statSync(configPath()).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'pressluft')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(configPath(), 'utf8'))).toEqual({ url, token: writeToken });
    const me = await cli(['whoami', '--json']);
    expect(JSON.parse(me.stdout)).toMatchObject({ url, kind: 'token', scope: 'write', tokenName: 'laptop', actor: expect.stringMatching(/^token:/) });
  });

  it('PRESSLUFT_URL and PRESSLUFT_TOKEN override the stored login; the stored token never goes to another server', async () => {
    const me = await cli(['whoami', '--json'], undefined, { PRESSLUFT_TOKEN: readToken });
    expect(JSON.parse(me.stdout)).toMatchObject({ scope: 'read', tokenName: 'dashboards', from: 'PRESSLUFT_TOKEN' });
    // The stored URL spelled another way is the same server: the stored token goes with it.
    const same = await cli(['whoami', '--json'], undefined, { PRESSLUFT_URL: `${url}/` });
    expect(JSON.parse(same.stdout)).toMatchObject({ url, tokenName: 'laptop' });
    // A second live control plane with its own data directory and token.
    const otherDir = mkdtempSync(join(tmpdir(), 'pl-cli-api-other-'));
    const otherPort = await freePort();
    const otherUrl = `http://127.0.0.1:${otherPort}`;
    const otherEnv = { ...serverEnv, PRESSLUFT_DATA_DIR: otherDir, PRESSLUFT_HTTP_PORT: String(otherPort) };
    const otherToken = (await runCli(['token', 'create', '--name', 'other-server', '--scope', 'read'], otherEnv)).stdout.trim();
    const other = running(['serve'], otherEnv);
    try {
      await pollUntil(async () => (await fetch(`${otherUrl}/healthz`).catch(() => undefined))?.ok, { timeoutMs: 60_000, intervalMs: 100, description: 'the second serve answers /healthz' });
      const switched = await cli(['whoami', '--json'], undefined, { PRESSLUFT_URL: otherUrl, PRESSLUFT_TOKEN: otherToken });
      expect(JSON.parse(switched.stdout)).toMatchObject({ url: otherUrl, tokenName: 'other-server', from: 'PRESSLUFT_TOKEN' });
      const listed = await cli(['node', 'list', '--json'], undefined, { PRESSLUFT_URL: otherUrl, PRESSLUFT_TOKEN: otherToken });
      expect(JSON.parse(listed.stdout)).toEqual({ items: [] }); // the other server's nodes, not this one's
      // PRESSLUFT_URL alone: refused before any request, so the laptop token is not offered to the other server.
      const alone = await cli(['whoami'], undefined, { PRESSLUFT_URL: otherUrl });
      expect([alone.code, alone.stderr.trim()]).toEqual([
        1,
        `pressluft: PRESSLUFT_URL is ${otherUrl} but the stored login is for ${url}: set PRESSLUFT_TOKEN for ${otherUrl} too, or run pressluft login --url ${otherUrl}`,
      ]);
    } finally {
      other.child.kill('SIGTERM');
      await other.exit;
      rmSync(otherDir, { recursive: true, force: true });
    }
    const elsewhere = await cli(['whoami'], undefined, { PRESSLUFT_URL: `http://127.0.0.1:${await freePort()}`, PRESSLUFT_TOKEN: readToken });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/cannot reach/);
  }, 180_000);

  it('node add pins the host key and queues the bootstrap; job wait shows the current Ansible task and ends with the outcome', async () => {
    const added = await cli(['node', 'add', '--name', 'local', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--json']);
    expect(added.code).toBe(0);
    const { node, job } = JSON.parse(added.stdout);
    expect(node).toMatchObject({ name: 'local', status: 'bootstrapping', hostKeyFingerprint: sshd.fingerprint });
    expect(job).toMatchObject({ kind: 'node.bootstrap' });
    nodeId = node.id;
    bootstrapJobId = job.id;

    const wait = running(['job', 'wait', job.id], client);
    // The stand-in waits for its gate file: the progress line names that task while it runs.
    await pollUntil(() => wait.stderr().includes('TASK [Wait for the gate file]'), { timeoutMs: 120_000, description: 'progress names the running task' });
    expect(wait.stderr()).toContain(`job ${job.id} node.bootstrap`);
    writeFileSync(join(remoteRoot, 'gate'), '');
    expect(await wait.exit).toBe(0);
    expect(wait.stdout()).toMatch(/^state: +succeeded$/m);
    expect(wait.stdout()).toMatch(/^duration: +\d+\.\d s$/m);
    // The Ansible recap per host of the run: the stand-in changes one file (facts.json).
    expect(wait.stdout()).toMatch(/^PLAYBOOK +RUN +STATE +HOST +OK +CHANGED +FAILED +SKIPPED +UNREACHABLE +DURATION$/m);
    expect(wait.stdout()).toMatch(/^bootstrap\.yml +\S+ +succeeded +localhost +3 +1 +0 +0 +0 +\d+\.\d s$/m);
  });

  it('node list and node show: an aligned table by default, one JSON document with --json', async () => {
    const table = await cli(['node', 'list']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +HOST +STATUS +OS +UPDATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${nodeId} +local +root@127\\.0\\.0\\.1:${sshd.port} +ready +`));
    expect(lines[1].indexOf('ready')).toBe(lines[0].indexOf('STATUS'));
    const json = JSON.parse((await cli(['node', 'list', '--json'])).stdout);
    expect(json).toEqual({ items: [expect.objectContaining({ id: nodeId, status: 'ready', facts: expect.objectContaining({ fake_bootstrap: true }) })] });
    const show = await cli(['node', 'show', nodeId]);
    expect(show.stdout).toMatch(new RegExp(`^host key: +${sshd.fingerprint.replace(/[+/]/g, '\\$&')}$`, 'm'));
    expect(JSON.parse((await cli(['--json', 'node', 'show', nodeId])).stdout)).toMatchObject({ id: nodeId, hostKeyFingerprint: sshd.fingerprint });
  });

  it('node health-check --wait runs the real health-check.yml; job show and job list report it', async () => {
    // Not runCli: its 60 s limit is shorter than a loaded machine may need to gather facts.
    const check = running(['node', 'health-check', nodeId, '--wait'], client);
    const code = await check.exit;
    expect(code === 0 ? 'exit 0' : check.stderr()).toBe('exit 0');
    const r = { stdout: check.stdout() };
    expect(r.stdout).toMatch(/^kind: +node\.health-check$/m);
    expect(r.stdout).toMatch(/^health-check\.yml +\S+ +succeeded +localhost +\d+ +0 +0 +\d+ +0 /m); // changed=0
    const jobs = JSON.parse((await cli(['job', 'list', '--node', nodeId, '--json'])).stdout).items;
    expect(jobs.map((j: { kind: string; state: string }) => [j.kind, j.state])).toEqual([
      ['node.bootstrap', 'succeeded'],
      ['node.health-check', 'succeeded'],
    ]);
    const shown = JSON.parse((await cli(['job', 'show', bootstrapJobId, '--json'])).stdout);
    expect(shown).toMatchObject({ id: bootstrapJobId, state: 'succeeded', nodeId, outcome: { durationMs: expect.any(Number) } });
    expect(shown.outcome.runs).toEqual([
      expect.objectContaining({ playbook: 'bootstrap.yml', state: 'succeeded', rc: 0, hosts: { localhost: { ok: 3, changed: 1, failed: 0, skipped: 0, unreachable: 0 } } }),
    ]);
    // The same runs in /metrics (prom-client): remote run durations by playbook and outcome, job attempts by kind.
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${readToken}` } })).text();
    expect(metrics).toMatch(/^pressluft_remote_run_duration_seconds_count\{playbook="bootstrap\.yml",outcome="succeeded"\} 1$/m);
    expect(metrics).toMatch(/^pressluft_job_duration_seconds_count\{kind="node\.health-check",outcome="succeeded"\} 1$/m);
    expect(metrics).toMatch(/^pressluft_node_up\{node="[0-9a-z]+",name="local",status="ready"\} 1$/m);
  });

  it("the request's id reaches the job's log lines: the request, 'job started' and 'job ended' carry the same reqId", async () => {
    const reqId = 'cli-e2e-health-1';
    const res = await fetch(`${url}/api/v1/nodes/${nodeId}/health-check`, { method: 'POST', headers: { authorization: `Bearer ${writeToken}`, 'x-correlation-id': reqId } });
    expect([res.status, res.headers.get('x-correlation-id')]).toEqual([202, reqId]);
    const { job } = (await res.json()) as { job: { id: string } };
    // The server writes JSON lines: its stdout is a pipe, not a terminal.
    const lines = () =>
      server
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ended = await pollUntil(() => lines().find((l) => l.msg === 'job ended' && l.jobId === job.id), { timeoutMs: 180_000, description: 'the job ends' });
    expect(ended).toMatchObject({ reqId, kind: 'node.health-check', outcome: 'succeeded', nodeId });
    expect(lines().find((l) => l.msg === 'job started' && l.jobId === job.id)).toMatchObject({ reqId, attempt: 1 });
    expect(lines().find((l) => l.msg === 'request' && l.reqId === reqId)).toMatchObject({ route: '/api/v1/nodes/:id/health-check', status: 202 });
  });

  it('a cancelled job: job log prints its lines to the end and exits 1 with the state', async () => {
    unlinkSync(join(remoteRoot, 'gate'));
    const again = JSON.parse((await cli(['node', 'bootstrap', nodeId, '--json'])).stdout);
    const log = running(['job', 'log', again.job.id], client);
    await pollUntil(() => log.stdout().includes('TASK [Wait for the gate file]'), { timeoutMs: 120_000, description: 'the log reaches the gated task' });
    const cancelled = await cli(['job', 'cancel', again.job.id, '--json']);
    expect(cancelled.code).toBe(0);
    expect(await log.exit).toBe(1);
    expect(log.stderr().trim().split('\n').pop()).toMatch(new RegExp(`^pressluft: job ${again.job.id} \\(node\\.bootstrap\\) (cancelled|failed): `));
    expect(log.stdout()).toMatch(/ ansible +TASK \[Announce\]$/m);
  });

  it('errors are one line with the API error code; a read token cannot change anything', async () => {
    const missing = await cli(['node', 'show', 'nosuchnode']);
    expect([missing.code, missing.stderr]).toEqual([1, 'pressluft: NOT_FOUND: node nosuchnode does not exist (HTTP 404)\n']);
    const invalid = await cli(['node', 'add', '--name', 'x', '--host', 'bad host!']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^pressluft: VALIDATION_FAILED: host "bad host!" is invalid.* \(HTTP 400\)\n$/);
    const readOnly = await cli(['job', 'retry', bootstrapJobId], undefined, { PRESSLUFT_TOKEN: readToken });
    expect([readOnly.code, readOnly.stderr]).toEqual([1, 'pressluft: FORBIDDEN: This API token is read-only. (HTTP 403)\n']);
    const usage = await cli(['job', 'show']);
    expect([usage.code, usage.stderr]).toEqual([2, "pressluft: missing required argument 'id'\n"]);
  });

  it('events list, tail and export read the log over the API', async () => {
    const total = ((await (await fetch(`${url}/healthz`)).json()) as { events: number }).events;
    const exported = (await cli(['events', 'export'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(exported.map((e) => e.globalPosition)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const tail = await cli(['events', 'tail', '--limit', '2', '--json']);
    expect(tail.stdout.trim().split('\n').map((l) => JSON.parse(l).globalPosition)).toEqual([total - 1, total]);
    const page = JSON.parse((await cli(['event', 'list', '--stream', `node-${nodeId}`, '--json'])).stdout);
    expect(page.items[0]).toMatchObject({ type: 'NodeRegistered', streamId: `node-${nodeId}` });
    const table = await cli(['events', 'list', '--type', 'NodeRegistered']);
    expect(table.stdout.split('\n')[0]).toMatch(/^POSITION +RECORDED +STREAM +TYPE +ACTOR$/);
    expect(table.stdout).toContain('NodeRegistered');
  });

  it('bash completion is generated from the command tree', async () => {
    const script = (await cli(['completion', 'bash'])).stdout;
    const complete = (line: string) =>
      execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _pressluft; echo "\${COMPREPLY[*]}"`]).toString().trim();
    expect(complete("pressluft node ''").split(' ')).toEqual(expect.arrayContaining(['list', 'show', 'add', 'bootstrap', 'health-check']));
    expect(complete('pressluft jo')).toBe('job');
    expect(complete('pressluft node add --ho').split(' ')).toEqual(['--host', '--host-key-fingerprint']);
  });

  it('logout removes the stored login', async () => {
    const r = await cli(['logout']);
    expect(r.code).toBe(0);
    expect(existsSync(configPath())).toBe(false);
    expect((await cli(['node', 'list'])).stderr).toMatch(/^pressluft: not logged in/);
  });
});
