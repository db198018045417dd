/** Runs `fn` in one database transaction (BEGIN IMMEDIATE); nested calls join the outer one. */
export abstract class UnitOfWork {
  abstract run<T>(fn: () => T): T;
}
