import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { EventStore } from '../../../src/application/ports/event-store.port';
import { VerifyAnchorQuery } from '../../../src/application/events/verify-anchor/verify-anchor.query';
import type { AnchorVerifyResult } from '../../../src/application/events/verify-anchor/verify-anchor.handler';
import { appendFiller } from '../../support/event-chain';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';

/** Issue 13.13: verification streams in chunks and never blocks the HTTP server; anchors are written on a schedule. */
describe('chain verification alongside HTTP', () => {
  let t: TestApp;
  let offsite: string;
  beforeAll(async () => {
    offsite = mkdtempSync(join(tmpdir(), 'pl-offsite-'));
    t = await startTestApp({ env: { PRESSLUFT_ANCHOR_INTERVAL_MS: '200', PRESSLUFT_ANCHOR_OFFSITE_DIR: offsite } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(offsite, { recursive: true, force: true });
  });

  it('/healthz answers between the chunks of a verify of a large log (interleaving, not timing)', async () => {
    appendFiller(t.db, 40_000);
    const order: string[] = [];
    const store = t.app.get(EventStore);
    const verifying = store.verify({ onChunk: (checked) => order.push(`chunk ${checked}`) }).then((r) => (order.push('verified'), r));
    // Keep asking /healthz until verify is done; each answer is noted where it arrived.
    let done = false;
    void verifying.then(() => (done = true));
    while (!done) {
      const res = await fetch(t.url + '/healthz');
      order.push(`healthz ${res.status}`);
    }
    const result = await verifying;
    expect(result).toEqual({ ok: true, checked: 40_000 + 2 });
    const firstChunk = order.findIndex((e) => e.startsWith('chunk'));
    const answeredDuring = order.slice(firstChunk, order.indexOf('verified')).filter((e) => e === 'healthz 200');
    expect(firstChunk).toBeGreaterThanOrEqual(0);
    expect(answeredDuring.length).toBeGreaterThan(0);
    expect(order.filter((e) => e.startsWith('chunk')).length).toBeGreaterThan(10);
  }, 120_000);

  it('writes a signed anchor of the grown log into the off-site directory on its own, and it verifies', async () => {
    const head = t.app.get(EventStore).head()!;
    const file = await pollUntil(
      () => readdirSync(offsite).map((f) => join(offsite, f)).find((f) => JSON.parse(readFileSync(f, 'utf8')).position >= head.position),
      { timeoutMs: 30_000, description: 'scheduled anchor of the current head' },
    );
    const anchor = JSON.parse(readFileSync(file, 'utf8'));
    const result = await t.app.get(QueryBus).execute<VerifyAnchorQuery, AnchorVerifyResult>(new VerifyAnchorQuery(anchor));
    expect(result).toMatchObject({ ok: true, anchor: { position: anchor.position, hash: anchor.hash } });
  }, 60_000);
});
