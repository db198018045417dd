/** Refuses (IDEMPOTENCY_KEY_REUSED) a command id that was first used with another request hash. */
export class CheckIdempotencyKeyQuery {
  constructor(
    readonly commandId: string,
    readonly requestHash: string,
  ) {}
}
