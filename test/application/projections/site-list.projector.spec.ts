import type { RecordedEvent } from '../../../src/application/ports/event-store.port';
import { siteListProjection } from '../../../src/application/projections/site-list.projector';
import type { SiteRow } from '../../../src/application/sites/site.view';

let position = 0;
function recorded(type: string, data: Record<string, unknown>, streamVersion: number): RecordedEvent {
  position += 1;
  return {
    globalPosition: position,
    eventId: `e${position}`,
    streamId: 'site-1',
    streamVersion,
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: 'user:u1', commandId: `c${position}`, correlationId: 'k' },
    recordedAt: `2026-12-02T10:00:0${streamVersion}.000Z`,
    hash: 'h',
  } as RecordedEvent;
}

function fold(events: RecordedEvent[]): SiteRow | undefined {
  let row: SiteRow | undefined;
  for (const e of events) if (siteListProjection.handles(e.type)) row = siteListProjection.evolve(row, e, ['site-1']) ?? undefined;
  return row;
}

describe('site-list projection (rm_sites)', () => {
  const created = recorded(
    'SiteCreated',
    { siteId: 'site-1', name: 'Shop', slug: 'shop', nodeId: 'n1', primaryDomain: 'shop.test', adminEmail: 'o@example.com', phpVersion: '8.2', environment: {} },
    1,
  );
  const provisioned = recorded('SiteProvisioned', { siteId: 'site-1', environment: 'production', releaseId: 'r1' }, 2);

  it('given an active site, when its health changes, then the row follows the stream version (the ETag clients send as If-Match) and nothing else moves', () => {
    const health = recorded('EnvironmentHealthChanged', { siteId: 'site-1', environment: 'production', status: 'unhealthy', httpStatus: 502, dbOk: true, reason: 'HTTP 502' }, 3);
    const before = fold([created, provisioned])!;
    const after = fold([created, provisioned, health])!;
    expect(after.version).toBe(3);
    expect({ ...after, version: before.version, updated_at: before.updated_at }).toEqual(before);
  });

  it('given a new site, when it is provisioned, then it is ACTIVE at the event\'s version', () => {
    expect(fold([created, provisioned])).toMatchObject({ id: 'site-1', state: 'ACTIVE', version: 2, last_error: null });
  });
});
