import * as m001 from './001-initial.migration';
import * as m002 from './002-remote-runs.migration';
import * as m003 from './003-auth.migration';
import * as m004 from './004-job-log.migration';
import * as m005 from './005-job-steps.migration';
import * as m006 from './006-sites.migration';
import * as m007 from './007-hardening.migration';
import * as m008 from './008-environment-domains.migration';
import * as m009 from './009-certificates.migration';
import * as m010 from './010-backups.migration';
import * as m011 from './011-backup-schedules.migration';
import * as m012 from './012-environment-status.migration';
import * as m013 from './013-backup-repositories.migration';
import * as m014 from './014-environment-health.migration';
import * as m015 from './015-environment-domains-by-environment.migration';

/** Numbered, forward-only migrations. Append new ones; never edit or reorder a shipped one. */
export const MIGRATIONS = [
  { version: 1, name: '001-initial', sql: m001.sql },
  { version: 2, name: '002-remote-runs', sql: m002.sql },
  { version: 3, name: '003-auth', sql: m003.sql },
  { version: 4, name: '004-job-log', sql: m004.sql },
  { version: 5, name: '005-job-steps', sql: m005.sql },
  { version: 6, name: '006-sites', sql: m006.sql },
  { version: 7, name: '007-hardening', sql: m007.sql },
  { version: 8, name: '008-environment-domains', sql: m008.sql },
  { version: 9, name: '009-certificates', sql: m009.sql },
  { version: 10, name: '010-backups', sql: m010.sql },
  { version: 11, name: '011-backup-schedules', sql: m011.sql },
  { version: 12, name: '012-environment-status', sql: m012.sql },
  { version: 13, name: '013-backup-repositories', sql: m013.sql },
  { version: 14, name: '014-environment-health', sql: m014.sql },
  { version: 15, name: '015-environment-domains-by-environment', sql: m015.sql },
] as const;
