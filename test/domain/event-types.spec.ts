import { DomainError } from '../../src/domain/common/domain-error';
import { currentSchemaVersion, EVENT_TYPES, isKnownEventType, upcast, upcastSiteCreatedV1 } from '../../src/domain/event-types';
import { JOB_EVENT_TYPES } from '../../src/domain/job/job.events';
import { NODE_EVENT_TYPES } from '../../src/domain/node/node.events';
import { siteDecider } from '../../src/domain/site/site.decider';
import { SITE_EVENT_TYPES, SiteEvent } from '../../src/domain/site/site.events';
import { API_TOKEN_EVENT_TYPES, USER_EVENT_TYPES } from '../../src/domain/user/user.events';
import { CERTIFICATE_EVENT_TYPES } from '../../src/domain/certificate/certificate.events';
import { given } from '../support/decider-spec';

const siteCreatedV1 = {
  siteId: 's1',
  name: 'My Shop',
  slug: 'my-shop',
  nodeId: 'n1',
  domain: 'shop.example.com',
  adminEmail: 'admin@example.com',
  phpVersion: '8.2',
};

describe('event type registry', () => {
  it('registers every event of every aggregate, once', () => {
    const all = [...SITE_EVENT_TYPES, ...NODE_EVENT_TYPES, ...JOB_EVENT_TYPES, ...USER_EVENT_TYPES, ...API_TOKEN_EVENT_TYPES, ...CERTIFICATE_EVENT_TYPES];
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(EVENT_TYPES).sort()).toEqual([...all].sort());
  });

  it('has an upcaster for every older schema version', () => {
    for (const [type, entry] of Object.entries(EVENT_TYPES)) {
      for (let v = 1; v < entry.schemaVersion; v++) expect([type, v, typeof entry.upcasters[v]]).toEqual([type, v, 'function']);
    }
  });

  it('reports current versions and refuses unknown types', () => {
    expect(currentSchemaVersion('SiteCreated')).toBe(2);
    expect(currentSchemaVersion('JobQueued')).toBe(1);
    expect(isKnownEventType('SiteCreated')).toBe(true);
    expect(isKnownEventType('toString')).toBe(false);
    expect(() => currentSchemaVersion('Nope')).toThrow(DomainError);
    expect(() => upcast('Nope', 1, {})).toThrow(DomainError);
  });

  it('returns current-version data unchanged', () => {
    const data = { jobId: 'j1' };
    expect(upcast('JobCancelled', 1, data)).toBe(data);
  });

  it('refuses versions that do not exist', () => {
    expect(() => upcast('SiteCreated', 3, {})).toThrow(DomainError);
    expect(() => upcast('SiteCreated', 0, {})).toThrow(DomainError);
  });

  describe('SiteCreated v1 -> v2', () => {
    const expected = {
      siteId: 's1',
      name: 'My Shop',
      slug: 'my-shop',
      nodeId: 'n1',
      primaryDomain: 'shop.example.com',
      adminEmail: 'admin@example.com',
      phpVersion: '8.2',
      environment: { name: 'production', envSlug: 'my-shop', nodeId: 'n1', domains: ['shop.example.com'], phpVersion: '8.2' },
    };
    it('renames domain to primaryDomain and derives the production environment', () => {
      expect(upcastSiteCreatedV1(siteCreatedV1)).toEqual(expected);
      expect(upcast('SiteCreated', 1, siteCreatedV1)).toEqual(expected);
    });
    it('produces data the site decider folds', () => {
      const event = { type: 'SiteCreated', data: upcast('SiteCreated', 1, siteCreatedV1) } as unknown as SiteEvent;
      given(siteDecider, [event])
        .when({ type: 'CompleteSiteProvisioning', siteId: 's1' })
        .then([{ type: 'SiteProvisioned', data: { siteId: 's1', environment: 'production', releaseId: null } }]);
    });
  });
});
