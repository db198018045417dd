// Migration 009 (issue 12): the HTTPS certificate of every site environment (read model of the certificate streams).
export const sql = `
CREATE TABLE rm_certificates (
  site_id        TEXT NOT NULL,
  environment    TEXT NOT NULL,
  -- requested | issued | failed
  status         TEXT NOT NULL,
  -- the names of the last request (primary first), JSON array
  domains        TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  reason         TEXT NOT NULL,
  requested_at   TEXT NOT NULL,
  -- the certificate the node serves (kept through a failed renewal); NULL until one is installed
  serial         TEXT,
  cert_domains   TEXT,
  not_before     TEXT,
  not_after      TEXT,
  renew_at       TEXT,
  issued_at      TEXT,
  hsts           INTEGER NOT NULL DEFAULT 0,
  -- {code, message, domains} of the last failed request, cleared by the next success
  last_error     TEXT,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (site_id, environment)
) WITHOUT ROWID;
CREATE INDEX rm_certificates_renew_at ON rm_certificates (renew_at);
`;
