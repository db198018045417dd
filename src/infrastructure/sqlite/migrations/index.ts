import * as m001 from './001-initial.migration';

/** Numbered, forward-only migrations. Append new ones; never edit or reorder a shipped one. */
export const MIGRATIONS = [{ version: 1, name: '001-initial', sql: m001.sql }] as const;
