// Migration 007 (issue 13): idempotency keys remember the request they were first used with, and API tokens can expire.
export const sql = `
-- sha256 of the request (method, path, body) an Idempotency-Key was first used with; NULL for internal command ids.
ALTER TABLE processed_commands ADD COLUMN request_hash TEXT;
-- ISO time after which the token is refused; NULL = it does not expire.
ALTER TABLE rm_api_tokens ADD COLUMN expires_at TEXT;
`;
