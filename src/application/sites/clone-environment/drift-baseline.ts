import type { DriftBaseline } from '../../../domain/site/site-environment.events';

const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const count = (v: unknown): number => (Number.isFinite(Number(v)) ? Number(v) : 0);

/**
 * The drift baseline as site-clone.yml returned it (pl-drift-snapshot.py's output), in the event's
 * shape: only the known fields, numbers as numbers, tables sorted by name. Null when the run returned none.
 */
export function driftBaselineOf(raw: unknown): DriftBaseline | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const uploads = (r.uploads ?? {}) as Record<string, unknown>;
  const tables = Array.isArray(r.tables) ? (r.tables as Record<string, unknown>[]) : [];
  return {
    takenAt: text(r.takenAt),
    database: text(r.database),
    prefix: typeof r.prefix === 'string' && r.prefix !== '' ? r.prefix : null,
    tables: tables
      .map((t) => ({ name: text(t.name), rows: count(t.rows), checksum: text(t.checksum), ...(t.filtered === true ? { filtered: true } : {}) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    uploads: { files: count(uploads.files), bytes: count(uploads.bytes), sha256: text(uploads.sha256) },
  };
}
