import type { DriftBaseline, DriftBaselineTable } from './site-environment.events';
import type { DriftedTable, DriftReport, PromotionPreset } from './site-promotion.events';

/*
 * The drift check of a promotion (docs/promotion.md): the target's snapshot now against the baseline
 * the clone recorded, limited to what the preset would overwrite. Pure: the snapshots come in.
 */

/** WordPress's content tables (without the prefix), and WooCommerce's orders, HPOS included: content-protect keeps them. */
export const CONTENT_TABLES: readonly string[] = [
  'posts',
  'postmeta',
  'comments',
  'commentmeta',
  'users',
  'usermeta',
  'terms',
  'term_taxonomy',
  'term_relationships',
  'termmeta',
  'woocommerce_order_items',
  'woocommerce_order_itemmeta',
  'wc_orders',
  'wc_orders_meta',
  'wc_order_addresses',
  'wc_order_operational_data',
];

/**
 * Tables whose rows change by themselves (sessions, WooCommerce's Action Scheduler, lookup and
 * analytics tables rebuilt from content): never compared; the target keeps its own under content-protect.
 * Volatile rows of options and usermeta (transients, cron, login sessions) are left out by the snapshot.
 */
export function isVolatileTable(name: string): boolean {
  return /^actionscheduler_/.test(name) || /_lookup$/.test(name) || ['wc_sessions', 'woocommerce_sessions', 'wc_order_stats'].includes(name);
}

export interface PromotionScope {
  readonly prefix: string;
  /** Full names of the tables compared (the ones the preset overwrites, volatile ones aside), sorted. */
  readonly checkedTables: readonly string[];
  /** Names without the prefix that the target keeps under content-protect (the content list and the volatile tables seen). */
  readonly keepTables: readonly string[];
  readonly copyDatabase: boolean;
  readonly copyUploads: boolean;
  /** Uploads mirrored (full) rather than added and updated (content-protect). */
  readonly uploadsDelete: boolean;
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** What a preset overwrites, given the tables of the baseline and of the snapshot. */
export function promotionScope(preset: PromotionPreset, prefix: string, tableNames: readonly string[], extraContentTables: readonly string[]): PromotionScope {
  const content = new Set([...CONTENT_TABLES, ...extraContentTables]);
  const own = tableNames.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  const overwritten = (t: string) => preset === 'full' || (preset === 'content-protect' && !content.has(t) && !isVolatileTable(t));
  return {
    prefix,
    checkedTables: sorted(own.filter((t) => overwritten(t) && !isVolatileTable(t)).map((t) => prefix + t)),
    keepTables: preset === 'content-protect' ? sorted([...content, ...own.filter(isVolatileTable)]) : [],
    copyDatabase: preset !== 'code-only',
    copyUploads: preset !== 'code-only',
    uploadsDelete: preset === 'full',
  };
}

function compare(name: string, before: DriftBaselineTable | undefined, after: DriftBaselineTable | undefined): DriftedTable | null {
  if (before && after) {
    return before.rows === after.rows && before.checksum === after.checksum ? null : { name, change: 'changed', rowsBefore: before.rows, rowsAfter: after.rows };
  }
  if (after) return { name, change: 'added', rowsBefore: null, rowsAfter: after.rows };
  if (before) return { name, change: 'removed', rowsBefore: before.rows, rowsAfter: null };
  return null;
}

export interface DriftInput {
  readonly source: string;
  readonly target: string;
  readonly preset: PromotionPreset;
  readonly baseline: DriftBaseline;
  readonly snapshot: DriftBaseline;
  readonly extraContentTables: readonly string[];
}

export function tablesOf(...snapshots: DriftBaseline[]): string[] {
  return sorted(snapshots.flatMap((s) => s.tables.map((t) => t.name)));
}

/** The report: every table the preset overwrites that changed, and the uploads when it copies them. */
export function promotionDriftReport(input: DriftInput): DriftReport {
  const { baseline, snapshot, preset } = input;
  const prefix = snapshot.prefix ?? baseline.prefix ?? 'wp_';
  const scope = promotionScope(preset, prefix, tablesOf(baseline, snapshot), input.extraContentTables);
  const before = new Map(baseline.tables.map((t) => [t.name, t]));
  const after = new Map(snapshot.tables.map((t) => [t.name, t]));
  const tables = scope.checkedTables.map((n) => compare(n, before.get(n), after.get(n))).filter((t): t is DriftedTable => t !== null);
  const uploads = scope.copyUploads
    ? { changed: baseline.uploads.sha256 !== snapshot.uploads.sha256, filesBefore: baseline.uploads.files, filesAfter: snapshot.uploads.files }
    : null;
  return {
    target: input.target,
    source: input.source,
    preset,
    baselineTakenAt: baseline.takenAt,
    checkedAt: snapshot.takenAt,
    prefix,
    tablesChecked: scope.checkedTables,
    tables,
    uploads,
    blocked: tables.length > 0 || uploads?.changed === true,
  };
}

const sameTable = (a: DriftBaselineTable | undefined, b: DriftBaselineTable | undefined) =>
  a === undefined ? b === undefined : b !== undefined && a.rows === b.rows && a.checksum === b.checksum;

/**
 * A baseline that takes in one change of its environment that is not drift (the https switch), given the
 * environment's snapshots right before and right after it: a table the change touched moves to its
 * after-entry, but only when the baseline still matched the before-entry (a table that had drifted
 * already keeps its old entry, so that drift still shows). Uploads and the time taken stay. Null when
 * no table moves.
 */
export function advanceBaseline(baseline: DriftBaseline, before: DriftBaseline, after: DriftBaseline): { baseline: DriftBaseline; tables: string[] } | null {
  const base = new Map(baseline.tables.map((t) => [t.name, t]));
  const was = new Map(before.tables.map((t) => [t.name, t]));
  const now = new Map(after.tables.map((t) => [t.name, t]));
  const moved = tablesOf(before, after).filter((n) => !sameTable(was.get(n), now.get(n)) && sameTable(base.get(n), was.get(n)));
  if (moved.length === 0) return null;
  for (const name of moved) {
    const entry = now.get(name);
    if (entry) base.set(name, entry);
    else base.delete(name);
  }
  const tables = [...base.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { baseline: { ...baseline, tables }, tables: moved };
}
