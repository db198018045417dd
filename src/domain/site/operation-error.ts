/** A failure as recorded in events: an error-code string plus a human message (never secrets). */
export interface OperationError {
  readonly code: string;
  readonly message: string;
}
