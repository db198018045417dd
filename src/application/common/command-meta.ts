/** Who sends a command and how to recognise a repeat of it; set by the interface that received it. */
export interface CommandMeta {
  /** `user:<id>`, `token:<id>`, `cli:<os-user>` or `system`. */
  readonly actor: string;
  /** Idempotency key (the `Idempotency-Key` header, or a fresh id). */
  readonly commandId: string;
  readonly correlationId: string;
  /** The version the caller last saw (`If-Match`); a mismatch is refused with PRECONDITION_FAILED. */
  readonly ifMatch?: number;
}
