import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/**
 * The admin pages in Debian's chromium (playwright-core, no downloaded browser): sign in, register a
 * node, create a site, watch its job's live log, inspect and export events, manage tokens, prove a
 * CSRF-less post is refused, sign out. Screenshots go to test-artifacts/screenshots/.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../../test-artifacts/screenshots');

describe('admin pages in a browser', () => {
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const provision = new ScriptedHandler('site.provision');
  const bootstrap = new ScriptedHandler('node.bootstrap').succeedWith({ facts: { os: 'debian-12', php: '8.3' } });
  const cspViolations: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ jobHandlers: [provision, bootstrap] });
    profile = mkdtempSync(join(tmpdir(), 'pressluft-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) cspViolations.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await t?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('signs in (an anonymous visit gets the login page), with keyboard focus visible', async () => {
    const res = await page.goto(t.url + '/sites');
    expect(res?.status()).toBe(401);
    expect(await page.title()).toBe('Sign in · Pressluft');
    await shot('01-login');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to content');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
    await page.fill('#f-email', t.admin.email);
    await page.fill('#f-password', 'wrong password!!');
    await page.click('main button[type=submit]');
    expect(await page.textContent('.alert')).toContain('INVALID_CREDENTIALS');
    expect(await page.inputValue('#f-email')).toBe(t.admin.email);
    await page.fill('#f-password', t.admin.password);
    await Promise.all([page.waitForURL(t.url + '/sites'), page.click('main button[type=submit]')]);
    expect(await page.title()).toBe('Sites · Pressluft');
    await page.goto(t.url + '/');
    expect(await page.title()).toBe('Dashboard · Pressluft');
  });

  it('registers a node through the form (errors next to the fields first)', async () => {
    await page.goto(t.url + '/nodes/new');
    await page.fill('#f-name', 'web-1');
    await page.fill('#f-host', '203.0.113.10');
    await page.fill('#f-port', '70000');
    await page.click('main button[type=submit]');
    expect(await page.textContent('#e-port')).toMatch(/port/);
    expect(await page.inputValue('#f-host')).toBe('203.0.113.10');
    await shot('02-node-form-errors');
    await page.fill('#f-port', '22');
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/nodes\/[0-9a-z]+/);
    await expectEventually(async () => {
      await page.reload();
      return (await page.textContent('dl.props')) ?? '';
    }, /ready/);
    expect(await page.textContent('pre.json')).toContain('debian-12');
    await shot('03-node-detail');
    await page.goto(t.url + '/nodes');
    await shot('04-nodes');
  });

  it('creates a site and watches its provisioning job log live over SSE', async () => {
    provision.hold();
    await page.goto(t.url + '/sites/new');
    await shot('05-site-form');
    await page.fill('#f-name', 'Acme Blog');
    await page.selectOption('#f-nodeId', { label: 'web-1 (ready)' });
    await page.fill('#f-domain', 'blog.example.com');
    await page.fill('#f-adminEmail', 'owner@example.com');
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/sites\/[0-9a-z]+\?created=1/);
    const jobHref = await page.getAttribute('table a[href^="/jobs/"]', 'href');
    await page.goto(t.url + jobHref!);
    await page.waitForSelector('#job-log li');
    await expectEventually(async () => (await page.textContent('#job-log')) ?? '', /JobStarted/);
    expect(await page.textContent('#job-log')).not.toContain('JobSucceeded');
    provision.release();
    await expectEventually(async () => (await page.textContent('#job-log')) ?? '', /JobSucceeded/);
    await expectEventually(async () => (await page.textContent('#log-status')) ?? '', /Finished: succeeded/);
    await shot('06-job-live-log');
    await page.goto(t.url + '/jobs');
    await shot('07-jobs');
    await page.goto(t.url + '/sites');
    await shot('08-sites');
    await page.click('text=Acme Blog');
    expect(await page.textContent('dl.props')).toContain('ACTIVE');
    await shot('09-site-detail');
    await page.click('text=Timeline');
    await shot('10-site-timeline');
    await page.goto(t.url + '/');
    await shot('11-dashboard');
  });

  it('opens the event inspector, filters, follows the causation chain, verifies and exports', async () => {
    await page.goto(t.url + '/events');
    await page.fill('#f-type', 'SiteCreated');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/type=SiteCreated/);
    await shot('12-events-filtered');
    await page.click('table.events tbody tr a[href^="/events/"]');
    expect(await page.title()).toMatch(/Event \d+: SiteCreated/);
    expect(await page.textContent('pre.json')).toContain('"type": "SiteCreated"');
    await shot('13-event-detail');
    await page.click('h2:has-text("Effects") + table a[href^="/events/"]');
    expect(await page.title()).toMatch(/JobQueued/);
    await page.goto(t.url + '/events?type=SiteCreated');
    const [jsonl] = await Promise.all([page.waitForEvent('download'), page.click('text=Export JSON lines')]);
    const lines = readFileSync((await jsonl.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.type)).toEqual(['SiteCreated']);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    expect(readFileSync((await csv.path())!, 'utf8')).toMatch(/^globalPosition,eventId,/);
    await page.click('text=Verify chain');
    expect(await page.textContent('main')).toMatch(/hash chain is intact/);
    await shot('14-verify');
  });

  it('creates an API token (shown once) and revokes it', async () => {
    await page.goto(t.url + '/tokens');
    await page.fill('#f-name', 'deploy-bot');
    await page.check('input[name=scope][value=write]');
    await page.click('form.card button[type=submit]');
    const secret = await page.inputValue('#new-token');
    expect(secret).toMatch(/^pl_/);
    await shot('15-token-created');
    expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(200);
    await page.click('button[aria-label="Revoke token deploy-bot"]');
    await page.waitForURL(t.url + '/tokens');
    expect(await page.textContent('tr.revoked')).toContain('deploy-bot');
    expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(401);
    await shot('16-tokens');
  });

  it('refuses a form post without the CSRF token (from the signed-in browser)', async () => {
    const before = t.eventCount();
    const status = await page.evaluate(async () => {
      const res = await fetch('/nodes', { method: 'POST', body: new URLSearchParams({ name: 'forged', host: '10.6.6.6' }) });
      return res.status;
    });
    expect(status).toBe(403);
    // The same with a real form the page builds without the hidden _csrf field.
    const submitted = page.waitForURL(t.url + '/nodes');
    await page.evaluate(`(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/nodes';
      for (const [name, value] of [['name', 'forged-2'], ['host', '10.6.6.7']]) {
        const input = document.createElement('input');
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    })()`);
    await submitted;
    expect(await page.textContent('main')).toContain('CSRF_FAILED');
    await shot('17-csrf-refused');
    expect(t.eventCount()).toBe(before);
  });

  it('signs out; the pages are refused afterwards; no CSP violations happened', async () => {
    await page.goto(t.url + '/');
    await Promise.all([page.waitForURL(t.url + '/login'), page.click('button:has-text("Sign out")')]);
    const res = await page.goto(t.url + '/sites');
    expect(res?.status()).toBe(401);
    expect(await page.title()).toBe('Sign in · Pressluft');
    expect(cspViolations).toEqual([]);
  });
});

async function expectEventually(read: () => Promise<string>, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await read();
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ${pattern} within ${timeoutMs} ms; last: ${last.slice(0, 300)}`);
}
