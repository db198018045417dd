/** What the API and pages show of users and API tokens (never a secret or a hash). */
export interface ApiTokenView {
  id: string;
  name: string;
  scope: 'read' | 'write';
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** When the token stops working; null = never. */
  expiresAt: string | null;
}

export type ApiTokenRow = {
  id: string;
  name: string;
  scope: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  version: number;
  expires_at: string | null;
};

export type UserRow = {
  id: string;
  email: string;
  role: string;
  created_at: string;
  last_login_at: string | null;
  version: number;
};

export function toApiTokenView(row: ApiTokenRow & { last_used_at?: number | null }): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope as 'read' | 'write',
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    expiresAt: row.expires_at ?? null,
  };
}
