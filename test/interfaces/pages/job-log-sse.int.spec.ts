import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/** An open SSE reader that collects the text and notices when the server ends the stream. */
function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const state = { status: 0, text: '', ended: false, close: () => controller.abort() };
  const ready = fetch(url, { headers, signal: controller.signal }).then(async (res) => {
    state.status = res.status;
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          state.text += decoder.decode(value, { stream: true });
        }
      } catch {
        /* aborted by the test */
      }
      state.ended = true;
    })();
  });
  return { state, ready };
}

/** Issue 13.4: live logs re-check their session, end with it, and are limited per session. */
describe('live job log (SSE) and its session', () => {
  let t: TestApp;
  const health = new ScriptedHandler('node.health-check');
  let jobId: string;
  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [health], env: { PRESSLUFT_SSE_STREAMS_PER_SESSION: '2' } });
    health.hold();
    const node = await t.request('POST', '/api/v1/nodes', { name: 'sse-node', host: '10.30.0.1' });
    jobId = (await t.request('POST', `/api/v1/nodes/${node.body.node.id}/health-check`)).body.job.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/jobs/${jobId}`)).body.state === 'running', { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    health.release();
    await t.close();
  });
  const logUrl = () => `${t.url}/api/v1/jobs/${jobId}/log`;

  it('a stream ends with reason "unauthenticated" soon after its session is logged out, while the job still runs', async () => {
    const session = await t.login();
    const live = openStream(logUrl(), { cookie: session.cookie });
    await live.ready;
    expect(live.state.status).toBe(200);
    await pollUntil(() => /JobStarted/.test(live.state.text), { timeoutMs: 10_000, description: 'first lines' });
    const out = await fetch(t.url + '/logout', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf }).toString(),
    });
    expect(out.status).toBe(303);
    await pollUntil(() => live.state.ended, { timeoutMs: 10_000, description: 'stream ended by the server' });
    expect(live.state.text).toMatch(/event: end\ndata: \{"reason":"unauthenticated"\}/);
    expect((await t.request('GET', `/api/v1/jobs/${jobId}`)).body.state).toBe('running');
  });

  it('a stream authenticated by an API token ends when the token is revoked', async () => {
    const session = await t.login();
    const created = await t.requestAs(null, 'POST', '/api/v1/tokens', { name: 'sse reader', scope: 'read' }, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    const live = openStream(logUrl(), { authorization: `Bearer ${created.body.secret}` });
    await live.ready;
    expect(live.state.status).toBe(200);
    await t.requestAs(null, 'DELETE', `/api/v1/tokens/${created.body.token.id}`, undefined, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    await pollUntil(() => live.state.ended, { timeoutMs: 10_000, description: 'stream ended by the server' });
    expect(live.state.text).toContain('"reason":"unauthenticated"');
  });

  it('one session holds at most PRESSLUFT_SSE_STREAMS_PER_SESSION streams; closing one frees its place; another session is not affected', async () => {
    const session = await t.login();
    const a = openStream(logUrl(), { cookie: session.cookie });
    const b = openStream(logUrl(), { cookie: session.cookie });
    await Promise.all([a.ready, b.ready]);
    expect([a.state.status, b.state.status]).toEqual([200, 200]);
    const third = await fetch(logUrl(), { headers: { cookie: session.cookie } });
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({ code: 'RATE_LIMITED', message: expect.any(String), details: { limit: 'streams', retryAfterSeconds: 5 } });
    expect(third.headers.get('retry-after')).toBe('5');
    const other = openStream(logUrl(), { cookie: (await t.login()).cookie });
    await other.ready;
    expect(other.state.status).toBe(200);
    other.state.close();
    a.state.close();
    const again = await pollUntil(
      async () => {
        const res = await fetch(logUrl(), { headers: { cookie: session.cookie }, signal: AbortSignal.timeout(2000) }).catch(() => null);
        if (res?.status === 200) return res;
        await res?.body?.cancel();
        return null;
      },
      { timeoutMs: 10_000, description: 'a place is free again' },
    );
    expect(again.status).toBe(200);
    await again.body?.cancel();
    b.state.close();
  });

  it('a stream ends with the final state when the job finishes', async () => {
    const live = openStream(logUrl(), { authorization: `Bearer ${t.token.secret}` });
    await live.ready;
    health.release();
    await pollUntil(() => live.state.ended, { timeoutMs: 10_000, description: 'stream ended with the job' });
    expect(live.state.text).toMatch(/event: end\ndata: \{"state":"succeeded"\}/);
  });
});
