export type SqlValue = string | number | null;

/**
 * Read-only access to the read-model (`rm_`) tables for query handlers. The projections in
 * application/ own those tables' shape, so the queries that read them live next to them.
 */
export abstract class SqlReader {
  abstract all<T>(sql: string, params?: readonly SqlValue[] | Record<string, SqlValue>): T[];
  abstract get<T>(sql: string, params?: readonly SqlValue[] | Record<string, SqlValue>): T | undefined;
}
