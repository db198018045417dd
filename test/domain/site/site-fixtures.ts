/** The site the site decider specs start from: created on node n1 and provisioned (ACTIVE). */
import type { BackupContents } from '../../../src/domain/site/site-backup.events';
import type { SiteEvent } from '../../../src/domain/site/site.events';

export const siteId = 's1';
export const env = 'production';
export const error = { code: 'REMOTE_RUN_FAILED', message: 'task failed' };

/** What a completed backup records, with the node path it lives at. */
export function backupContents(path = '/var/lib/pressluft/backups/shop/b1'): BackupContents {
  return {
    parts: [{ name: 'db', file: 'db.sql.gz', size: 10, sha256: 'a'.repeat(64) }],
    size: 10,
    locations: [{ kind: 'node', nodeId: 'n1', path }],
    releaseId: 'r0',
    wordpressVersion: '6.1.9',
    tableCount: 12,
  };
}

export const created: SiteEvent = {
  type: 'SiteCreated',
  data: {
    siteId,
    name: 'Shop',
    slug: 'shop',
    nodeId: 'n1',
    primaryDomain: 'shop.test',
    adminEmail: 'a@shop.test',
    phpVersion: '8.2',
    environment: { name: env, envSlug: 'shop', nodeId: 'n1', domains: ['shop.test'], phpVersion: '8.2' },
  },
};
export const provisioned: SiteEvent = { type: 'SiteProvisioned', data: { siteId, environment: env, releaseId: 'r0' } };
