/**
 * The command handlers that answer a repeat themselves (before DecideAndAppend) keep the request hash
 * rule too: the same command id with another request is IDEMPOTENCY_KEY_REUSED and appends nothing,
 * whichever interface sent it (the HTTP layer checks first, the handlers are the second line).
 */
import { CommandBus } from '@nestjs/cqrs';
import { CreateApiTokenCommand } from '../../../src/application/auth/create-api-token/create-api-token.command';
import { RegisterNodeCommand } from '../../../src/application/nodes/register-node/register-node.command';
import { CreateSiteCommand } from '../../../src/application/sites/create-site/create-site.command';
import { startTestApp, TestApp } from '../../support/test-app';

describe('a command id reused with another request', () => {
  let t: TestApp;
  let bus: CommandBus;
  beforeAll(async () => {
    t = await startTestApp();
    bus = t.app.get(CommandBus);
  });
  afterAll(() => t.close());

  const meta = (commandId: string, requestHash: string, actor = t.token.actor) => ({ actor, commandId, correlationId: commandId, requestHash });

  it('given a node registered with a key, when the key comes again with another body, then IDEMPOTENCY_KEY_REUSED and no event; the same body repeats', async () => {
    const first = await bus.execute(new RegisterNodeCommand({ name: 'idem-1', host: '10.0.0.1' }, meta('idem-node', 'hash-a')));
    const events = t.eventCount();
    await expect(bus.execute(new RegisterNodeCommand({ name: 'idem-2', host: '10.0.0.2' }, meta('idem-node', 'hash-b')))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(t.eventCount()).toBe(events);
    await expect(bus.execute(new RegisterNodeCommand({ name: 'idem-1', host: '10.0.0.1' }, meta('idem-node', 'hash-a')))).resolves.toMatchObject({
      nodeId: (first as { nodeId: string }).nodeId,
    });
    expect(t.eventCount()).toBe(events);
  });

  it('the same for a site and an API token', async () => {
    t.db.prepare("UPDATE rm_nodes SET status = 'ready'").run();
    const nodeId = (t.db.prepare("SELECT id FROM rm_nodes WHERE name = 'idem-1'").get() as { id: string }).id;
    const site = (domain: string) => ({ name: `Idem ${domain}`, nodeId, domain, adminEmail: 'a@example.com' });
    await bus.execute(new CreateSiteCommand(site('idem-a.example.com'), meta('idem-site', 'hash-a')));
    await bus.execute(new CreateApiTokenCommand('idem-token', 'read', meta('idem-token', 'hash-a', `user:${t.admin.id}`)));
    const events = t.eventCount();
    await expect(bus.execute(new CreateSiteCommand(site('idem-b.example.com'), meta('idem-site', 'hash-b')))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(bus.execute(new CreateApiTokenCommand('other-token', 'write', meta('idem-token', 'hash-b', `user:${t.admin.id}`)))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(t.eventCount()).toBe(events);
    expect(t.db.prepare("SELECT count(*) AS n FROM rm_sites WHERE primary_domain = 'idem-b.example.com'").get()).toEqual({ n: 0 });
  });
});
