/** Who sends a command and how to recognise a repeat of it; set by the interface that received it. */
export interface CommandMeta {
  /** `user:<id>`, `token:<id>`, `cli:<os-user>` or `system`. */
  readonly actor: string;
  /** Idempotency key (derived from the caller, the route and the `Idempotency-Key` header, or a fresh id). */
  readonly commandId: string;
  /** sha256 of the request the key came with: a repeat with another request is IDEMPOTENCY_KEY_REUSED. */
  readonly requestHash?: string;
  readonly correlationId: string;
  /** The version the caller last saw (`If-Match`); a mismatch is refused with PRECONDITION_FAILED. */
  readonly ifMatch?: number;
}
