/** A WordPress release archive on the control plane (wordpress.org layout: one top-level `wordpress/`). */
export interface WordPressCoreArchive {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** From wp-includes/version.php ($wp_version). */
  readonly version: string;
}

/**
 * Where WordPress core comes from: PRESSLUFT_WORDPRESS_ARCHIVE, or the latest release downloaded from
 * wordpress.org (checksum verified, cached in the data directory). Fails with
 * WORDPRESS_ARCHIVE_UNAVAILABLE or WORDPRESS_ARCHIVE_INVALID (as DomainErrors).
 */
export abstract class WordPressCoreSource {
  abstract archive(signal?: AbortSignal): Promise<WordPressCoreArchive>;
}
