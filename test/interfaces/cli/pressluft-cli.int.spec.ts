import { ALL_PROJECTIONS } from '../../../src/application/projections/all-projections';
import { openDatabase } from '../../../src/infrastructure/sqlite/database';
import { execFileSync, spawn } from 'node:child_process';
import { CLI, exited, freePort, runCli, spawnCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/** The local commands of the `pressluft` CLI as a real process on the same data directory as a (stopped) server. */
describe('pressluft CLI', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let events: number;

  beforeAll(async () => {
    const provision = new ScriptedHandler('site.provision');
    t = await startTestApp({ jobHandlers: [provision] });
    const node = (await t.request('POST', '/api/v1/nodes', { name: 'cli-node', host: '10.0.0.1' })).body.node;
    for (let i = 0; i < 3; i++) {
      const site = (await t.request('POST', '/api/v1/sites', { name: `Cli ${i}`, nodeId: node.id, domain: `cli${i}.example.com`, adminEmail: 'a@example.com' })).body.site;
      await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${site.id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    }
    events = t.eventCount();
    env = { PRESSLUFT_DATA_DIR: t.dataDir, PRESSLUFT_LOG_LEVEL: 'error' };
    await t.app.close(); // the CLI works on the data directory, with or without a running server
  }, 60_000);
  afterAll(() => t.close());

  it('events verify: checks the whole chain and exits 0', async () => {
    const r = await runCli(['events', 'verify', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, checked: events });
  });

  it('local events export: every event as a JSON line in order; filters narrow it', async () => {
    const all = await runCli(['local', 'events', 'export'], env);
    const lines = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(events);
    expect(lines.map((e) => e.globalPosition)).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    const created = await runCli(['local', 'events', 'export', '--type', 'SiteCreated'], env);
    expect(created.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('projections rebuild: replays the log into identical tables', async () => {
    const db = openDatabase({ file: t.settings.databaseFile });
    const snapshot = () => ALL_PROJECTIONS.map((p) => db.prepare(`SELECT * FROM ${p.table} ORDER BY ${p.primaryKey.join(', ')}`).all());
    const before = snapshot();
    const r = await runCli(['projections', 'rebuild'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ events, rows: { rm_sites: 3, rm_nodes: 1 } });
    expect(snapshot()).toEqual(before);
    db.close();
  });

  it('local node list: every registered node as a JSON line, without a server or a login', async () => {
    const list = await runCli(['local', 'node', 'list'], env);
    const nodes = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(nodes).toEqual([expect.objectContaining({ name: 'cli-node', host: '10.0.0.1', status: expect.any(String), facts: {} })]);
  });

  it('API commands without a login say how to log in (exit 1), and never touch the data directory', async () => {
    const r = await runCli(['node', 'list'], { ...env, XDG_CONFIG_HOME: t.dataDir, PRESSLUFT_URL: '', PRESSLUFT_TOKEN: '' });
    expect([r.code, r.stderr.trim()]).toEqual([1, 'pressluft: not logged in: run pressluft login --url URL (or set PRESSLUFT_URL and PRESSLUFT_TOKEN)']);
  });

  it("help lists API and local commands apart, and marks the local subcommands of an API group [local]", async () => {
    const help = (await runCli(['--help'], env)).stdout;
    const group = (title: string) =>
      help
        .split(/\n\n/)
        .find((block) => block.startsWith(title))!
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[0].split('|')[0]);
    expect(group('API commands')).toEqual(['login', 'logout', 'whoami', 'node', 'site', 'env', 'promote', 'certificate', 'backup', 'restore', 'job', 'events', 'completion']);
    expect(group('Local commands')).toEqual(['serve', 'db', 'admin', 'token', 'ssh-key', 'projections', 'local']);
    const events = (await runCli(['events', '--help'], env)).stdout;
    const marked = (name: string) => new RegExp(`^  ${name}\\b.*\\[local\\]`, 'm').test(events);
    expect(['list', 'tail', 'export', 'verify', 'anchor'].map((c) => [c, marked(c)])).toEqual([
      ['list', false],
      ['tail', false],
      ['export', false],
      ['verify', true],
      ['anchor', true],
    ]);
    // What the label promises: a [local] command works on the data directory without any login.
    const verify = await runCli(['events', 'verify', '--json'], { ...env, XDG_CONFIG_HOME: t.dataDir, PRESSLUFT_URL: '', PRESSLUFT_TOKEN: '' });
    expect(verify.code).toBe(0);
  });

  it('exits non-zero with a one-line reason: unknown command, bad flag, broken chain', async () => {
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).not.toBe(0);
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, "pressluft: unknown command 'frobnicate'"]);
    const badFlag = await runCli(['events', 'tail', '--limit', 'lots'], env);
    expect([badFlag.code, badFlag.stderr.split('\n')[0]]).toEqual([2, 'pressluft: --limit must be a positive integer']);
    const db = openDatabase({ file: t.settings.databaseFile });
    const original = (db.prepare('SELECT data FROM events WHERE global_position = 1').get() as { data: string }).data;
    db.prepare(`UPDATE events SET data = json_set(data, '$.name', 'evil') WHERE global_position = 1`).run();
    try {
      const broken = await runCli(['events', 'verify'], env);
      expect(broken.code).toBe(1);
      expect(broken.stderr.trim()).toMatch(/^pressluft: hash chain broken at position 1: /);
    } finally {
      // Put the event back: the tests below serve this database, and serve refuses a broken chain.
      db.prepare('UPDATE events SET data = ? WHERE global_position = 1').run(original);
      db.close();
    }
  });

  let apiToken = '';
  it('admin create (password on stdin) and token create (printed once): recorded with the CLI actor, no secret in any event', async () => {
    const password = 'correct horse battery staple';
    const admin = await runCli(['admin', 'create', '--email', 'ops@example.com'], env, password + '\n');
    expect(admin.code).toBe(0);
    const short = await runCli(['admin', 'create', '--email', 'short@example.com'], env, 'short\n');
    expect(short.code).not.toBe(0);
    expect(short.stderr.split('\n')[0]).toMatch(/^pressluft: .*password/i);
    const token = await runCli(['token', 'create', '--name', 'ci', '--scope', 'read'], env);
    expect(token.code).toBe(0);
    apiToken = token.stdout.trim();
    expect(apiToken).toMatch(/^pl_\S+$/);
    const log = (await runCli(['local', 'events', 'export'], env)).stdout;
    // The test app made its own admin and token first; the CLI's are the last two.
    const types = log.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => ['UserCreated', 'ApiTokenCreated'].includes(e.type));
    expect(types.slice(-2).map((e) => [e.type, e.metadata.actor])).toEqual([
      ['UserCreated', expect.stringMatching(/^cli:/)],
      ['ApiTokenCreated', expect.stringMatching(/^cli:/)],
    ]);
    expect(log).not.toContain(password);
    expect(log).not.toContain(apiToken);
  });

  it('serve: answers /healthz on the configured loopback port and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnCli(['serve'], { ...env, PRESSLUFT_HTTP_PORT: String(port), PRESSLUFT_LOG_LEVEL: 'info' });
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const health = await pollUntil(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          return res.ok ? res.json() : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(health).toMatchObject({ status: 'ok', events: expect.any(Number) });
      // The token made by the CLI authenticates against the served API; anonymous requests do not.
      const authed = await fetch(`http://127.0.0.1:${port}/api/v1/sites`, { headers: { authorization: `Bearer ${apiToken}` } });
      expect(authed.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/sites`)).status).toBe(401);
      // stdout is a pipe here, so the format 'auto' writes JSON lines for a log collector.
      const lines = stdout.trim().split('\n');
      expect(lines.every((l) => l.startsWith('{'))).toBe(true);
      expect(lines.map((l) => JSON.parse(l).msg)).toEqual(expect.arrayContaining(['pressluft listening', 'request']));
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000); // start-up on a loaded machine (6 parallel sessions) took 30 s+; a budget, not an assertion

  it('serve on a terminal (a real pty from script(1)): readable, coloured lines instead of JSON', async () => {
    const port = await freePort();
    const serveEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PRESSLUFT_HTTP_PORT: String(port), PRESSLUFT_LOG_LEVEL: 'info' };
    delete serveEnv.PRESSLUFT_LOG_FORMAT; // 'auto', the default
    // script(1) gives the command a pseudo-terminal as stdin/stdout/stderr and copies what it writes to ours.
    const script = spawn('script', ['-qfec', `exec '${process.execPath}' '${CLI}' serve`, '/dev/null'], { env: serveEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    script.stdout.on('data', (d) => (output += d));
    const scriptExited = exited(script);
    try {
      await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok, { timeoutMs: 60_000, intervalMs: 100, description: 'serve answers /healthz' });
      await pollUntil(() => /INFO.*: .*request/.test(output), { timeoutMs: 10_000, description: 'the request line reaches the terminal' });
      expect(output).toMatch(/\x1b\[\d+m/); // colours: only for a terminal
      const text = output.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
      expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: pressluft listening$/m);
      expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request$/m);
      expect(text).toMatch(/^ +route: "\/healthz"$/m);
      expect(text.split('\n').some((l) => l.startsWith('{'))).toBe(false);
    } finally {
      // The serve process is script's only child: stop it by its PID, script then ends on its own.
      const pid = Number(execFileSync('pgrep', ['-P', String(script.pid)]).toString().trim());
      process.kill(pid, 'SIGTERM');
      expect((await scriptExited).code).toBe(0);
    }
  }, 120_000);
});
