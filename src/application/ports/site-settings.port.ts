/** Settings of the site jobs and site API (see docs/configuration.md). */
export abstract class SiteSettings {
  /** Media upload limit of a site's Nginx and PHP pool, MB (PRESSLUFT_SITE_UPLOAD_MAX_MB). */
  abstract readonly uploadMaxMb: number;
  /** Largest deploy archive POST /api/v1/uploads accepts, bytes (PRESSLUFT_UPLOAD_MAX_BYTES). */
  abstract readonly uploadMaxBytes: number;
}
