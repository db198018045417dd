import { DomainError } from '../../domain/common/domain-error';

/** A page of a list; `next` is the opaque cursor of the following page, or null at the end. */
export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

/** Keyset cursor over (created_at, id): stable under inserts, no OFFSET scans. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    /* fall through */
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not a cursor this API returned', { field: 'cursor' });
}

/** Fetch limit+1 rows, return limit and the cursor of the last one if more exist. */
export function toPage<R extends { created_at: string; id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  const last = rows[limit - 1];
  return { items, next: more && last ? encodeCursor(last.created_at, last.id) : null };
}

/**
 * One page of a read-model table in (created_at, id) order, filtered by equality on columns and an
 * optional extra condition. Table and column names come from code, never from input.
 */
export function readPage<R extends { created_at: string; id: string }, T>(
  sql: { all<X>(sql: string, params: Record<string, string | number | null>): X[] },
  spec: {
    table: string;
    limit: number;
    cursor?: string;
    equals?: Record<string, string | undefined>;
    extra?: { where: string; params: Record<string, string> };
    map: (row: R) => T;
  },
): Page<T> {
  const where: string[] = [];
  const params: Record<string, string | number | null> = { limit: spec.limit + 1 };
  const after = decodeCursor(spec.cursor);
  if (after) {
    where.push('(created_at, id) > (@afterCreated, @afterId)');
    Object.assign(params, { afterCreated: after[0], afterId: after[1] });
  }
  for (const [column, value] of Object.entries(spec.equals ?? {})) {
    if (value !== undefined && value !== '') (where.push(`${column} = @${column}`), (params[column] = value));
  }
  if (spec.extra) (where.push(spec.extra.where), Object.assign(params, spec.extra.params));
  const rows = sql.all<R>(
    `SELECT * FROM ${spec.table} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, id LIMIT @limit`,
    params,
  );
  return toPage(rows, spec.limit, spec.map);
}
