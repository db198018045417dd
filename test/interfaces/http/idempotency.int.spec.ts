import { CommandBus } from '@nestjs/cqrs';
import { CreateApiTokenCommand } from '../../../src/application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../../src/application/auth/create-api-token/create-api-token.handler';
import { startTestApp, TestApp } from '../../support/test-app';

/** Issue 13.2: Idempotency-Key is scoped to caller + route and bound to the request it came with. */
describe('Idempotency-Key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const key = (k: string) => ({ 'idempotency-key': k });

  it('a repeat with the same body returns the first result and appends nothing', async () => {
    const first = await t.request('POST', '/api/v1/nodes', { name: 'idem-a', host: '10.0.0.11' }, key('k-same'));
    expect(first.status).toBe(202);
    const before = t.eventCount();
    // The same fields in another order are the same request.
    const again = await t.request('POST', '/api/v1/nodes', { host: '10.0.0.11', name: 'idem-a' }, key('k-same'));
    expect(again.status).toBe(202);
    expect(again.body.node.id).toBe(first.body.node.id);
    expect(t.eventCount()).toBe(before);
  });

  it('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED and appends nothing', async () => {
    const first = await t.request('POST', '/api/v1/nodes', { name: 'idem-b', host: '10.0.0.12' }, key('k-body'));
    expect(first.status).toBe(202);
    const before = t.eventCount();
    const other = await t.request('POST', '/api/v1/nodes', { name: 'idem-c', host: '10.0.0.13' }, key('k-body'));
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String), details: { header: 'Idempotency-Key' } });
    expect(t.eventCount()).toBe(before);
    expect((await t.request('GET', '/api/v1/nodes')).body.items.map((n: { name: string }) => n.name)).not.toContain('idem-c');
  });

  it('the same key on another route (and on the same route for another resource path) is independent or refused, never a 500', async () => {
    const node = await t.request('POST', '/api/v1/nodes', { name: 'idem-d', host: '10.0.0.14' }, key('k-route'));
    expect(node.status).toBe(202);
    const other = await t.request('POST', `/api/v1/nodes/${node.body.node.id}/host-key`, { fingerprint: 'SHA256:' + 'B'.repeat(43) }, key('k-route'));
    expect(other.status).toBe(200);
    const check = await t.request('POST', `/api/v1/nodes/${node.body.node.id}/health-check`, undefined, key('k-route'));
    expect(check.status).toBe(202);
    const second = await t.request('POST', '/api/v1/nodes', { name: 'idem-e', host: '10.0.0.15' });
    const otherCheck = await t.request('POST', `/api/v1/nodes/${second.body.node.id}/health-check`, undefined, key('k-route'));
    expect([otherCheck.status, otherCheck.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('another caller with the same key is another command', async () => {
    const created = await t.app
      .get(CommandBus)
      .execute<CreateApiTokenCommand, CreateApiTokenResult>(new CreateApiTokenCommand('second caller', 'write', { actor: `user:${t.admin.id}`, commandId: 'second-caller', correlationId: 'test' }));
    const mine = await t.request('POST', '/api/v1/nodes', { name: 'idem-f', host: '10.0.0.16' }, key('k-caller'));
    const theirs = await t.requestAs(created.secret, 'POST', '/api/v1/nodes', { name: 'idem-g', host: '10.0.0.17' }, key('k-caller'));
    expect([mine.status, theirs.status]).toEqual([202, 202]);
    expect(theirs.body.node.id).not.toBe(mine.body.node.id);
  });

  it('is ignored where nobody is signed in: two sign-ins with one key are two sessions', async () => {
    const page = await fetch(t.url + '/login');
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const signIn = (password: string) =>
      fetch(t.url + '/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'k-login' },
        body: new URLSearchParams({ _csrf: csrf, email: t.admin.email, password }).toString(),
      });
    expect((await signIn('not the password')).status).toBe(401);
    const sessions = [];
    for (let i = 0; i < 2; i++) {
      const res = await signIn(t.admin.password);
      expect(res.status).toBe(303);
      sessions.push(res.headers.getSetCookie().find((c) => c.startsWith('pl_session='))!.split(';')[0]);
    }
    expect(sessions[0]).not.toBe(sessions[1]);
    for (const session of sessions) expect((await fetch(t.url + '/api/v1/sites', { headers: { cookie: session } })).status).toBe(200);
  });
});
