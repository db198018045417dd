/** What the API and pages show of a site. */
export interface EnvironmentView {
  name: string;
  envSlug: string;
  nodeId: string;
  domains: string[];
  phpVersion: string;
  currentReleaseId: string | null;
}

export interface SiteSummaryView {
  id: string;
  name: string;
  slug: string;
  state: string;
  version: number;
  nodeId: string;
  primaryDomain: string;
  lastError: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface SiteView extends SiteSummaryView {
  environments: EnvironmentView[];
}

export type SiteRow = {
  id: string;
  name: string;
  slug: string;
  state: string;
  node_id: string;
  primary_domain: string;
  version: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
};

export type EnvironmentRow = {
  site_id: string;
  name: string;
  env_slug: string;
  node_id: string;
  domains: string;
  php_version: string;
  current_release_id: string | null;
  updated_at: string;
};

export function toSiteSummary(row: SiteRow): SiteSummaryView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    state: row.state,
    version: row.version,
    nodeId: row.node_id,
    primaryDomain: row.primary_domain,
    lastError: row.last_error ? JSON.parse(row.last_error) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toEnvironmentView(row: EnvironmentRow): EnvironmentView {
  return {
    name: row.name,
    envSlug: row.env_slug,
    nodeId: row.node_id,
    domains: JSON.parse(row.domains) as string[],
    phpVersion: row.php_version,
    currentReleaseId: row.current_release_id,
  };
}
