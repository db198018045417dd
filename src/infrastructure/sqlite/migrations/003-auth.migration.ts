// Migration 003: users, sessions and API tokens (issue 4).
// Events (UserCreated, ApiTokenCreated, ...) carry no secrets; the secrets' digests live here.
export const sql = `
-- Read models (rebuildable from the log).
CREATE TABLE rm_users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL,
  role          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_login_at TEXT,
  version       INTEGER NOT NULL
);
CREATE UNIQUE INDEX rm_users_email ON rm_users (email);

CREATE TABLE rm_api_tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  scope      TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT,
  version    INTEGER NOT NULL
);
CREATE INDEX rm_api_tokens_by_created ON rm_api_tokens (created_at, id);

-- Operational state (not rebuilt from events; never exported).
-- scrypt hashes: "scrypt$N$r$p$salt$hash" (base64url).
CREATE TABLE user_credentials (
  user_id       TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  updated_at    INTEGER NOT NULL            -- epoch ms
) WITHOUT ROWID;

-- Sessions: the cookie value is never stored, only its sha256.
CREATE TABLE auth_sessions (
  digest       TEXT PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  user_id      TEXT NOT NULL,
  ip           TEXT NOT NULL,
  created_at   INTEGER NOT NULL,            -- epoch ms
  last_seen_at INTEGER NOT NULL,
  revoked_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX auth_sessions_by_user ON auth_sessions (user_id);

-- API tokens: sha256 of the secret part of "pl_<id>_<secret>".
CREATE TABLE api_token_secrets (
  token_id      TEXT PRIMARY KEY,
  secret_digest TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_token_usage (
  token_id     TEXT PRIMARY KEY,
  last_used_at INTEGER NOT NULL             -- epoch ms
) WITHOUT ROWID;
`;
