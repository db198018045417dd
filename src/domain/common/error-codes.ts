/**
 * The one registry of error codes. Every error that leaves Pressluft (API, CLI, job) carries one of
 * these codes. `kind` says what sort of failure it is; the HTTP layer maps kinds to status codes.
 * Codes are stable: never rename one that has shipped.
 */
export type ErrorKind =
  | 'validation' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'precondition' // 412
  | 'payload_too_large' // 413
  | 'rule' // 422
  | 'rate_limited' // 429
  | 'unreachable' // 502
  | 'internal'; // 500

export const ERROR_CODES = {
  VALIDATION_FAILED: { kind: 'validation', description: 'The request body or query failed validation.' },
  UNKNOWN_FIELD: { kind: 'validation', description: 'The request contained a field that is not allowed.' },
  MALFORMED_JSON: { kind: 'validation', description: 'The request body is not valid JSON.' },
  PAYLOAD_TOO_LARGE: { kind: 'payload_too_large', description: 'The request body exceeds the size limit.' },
  INVALID_IF_MATCH: { kind: 'validation', description: 'The If-Match header is not a valid version tag.' },
  NOT_FOUND: { kind: 'not_found', description: 'The resource does not exist.' },
  VERSION_CONFLICT: { kind: 'conflict', description: 'The stream changed since it was read (optimistic concurrency).' },
  PRECONDITION_FAILED: { kind: 'precondition', description: 'If-Match does not match the current version.' },
  DUPLICATE: { kind: 'conflict', description: 'A resource with this identity already exists.' },
  SITE_BUSY: { kind: 'conflict', description: 'Another mutation is running on this site.' },
  INVALID_STATE_TRANSITION: { kind: 'conflict', description: 'The lifecycle state does not allow this.' },
  RULE_VIOLATION: { kind: 'rule', description: 'A rule of the domain refused the command.' },
  JOB_NOT_CANCELLABLE: { kind: 'conflict', description: 'The job already finished.' },
  JOB_NOT_RETRYABLE: {
    kind: 'conflict',
    description: 'Only failed or cancelled jobs can be retried, and only while their work is still wanted (not replaced by a later request, something left to do).',
  },
  NODE_NOT_READY: { kind: 'rule', description: 'The node is not ready for sites.' },
  ENVIRONMENT_SLUG_TOO_LONG: { kind: 'rule', description: 'The slug is longer than the node names it becomes allow (Linux user s-<slug>: 32 characters, so a slug of at most 30).' },
  NO_ROLLBACK_TARGET: { kind: 'rule', description: 'The environment has no release to roll back to (or the named one is already live).' },
  RELEASE_MARKED_BAD: { kind: 'rule', description: 'The release is marked bad; roll back to it only with force.' },
  DEPLOY_CHECK_FAILED: { kind: 'internal', description: 'The new release failed its check before the switch; nothing live changed.' },
  DEPLOY_HEALTH_CHECK_FAILED: { kind: 'internal', description: 'The site failed its check through Nginx after the switch.' },
  ROLLBACK_FAILED: { kind: 'internal', description: 'Switching back to the previous release failed.' },
  SITE_UNHEALTHY: { kind: 'internal', description: 'The site failed its health check (HTTP through Nginx or its database).' },
  WORDPRESS_ARCHIVE_UNAVAILABLE: { kind: 'internal', description: 'The WordPress core archive could not be found or downloaded.' },
  WORDPRESS_ARCHIVE_INVALID: { kind: 'internal', description: 'The WordPress core archive is not a wordpress.org release (checksum, layout or version).' },
  NODE_UNREACHABLE: { kind: 'unreachable', description: 'The node could not be reached over SSH.' },
  HOST_KEY_MISMATCH: { kind: 'unreachable', description: 'The node presented a host key other than the pinned one.' },
  CERT_DOMAIN_UNREACHABLE: { kind: 'rule', description: 'The ACME server could not reach the node for a domain (its DNS points elsewhere, or port 80 is closed); the site keeps what it served.' },
  CERT_DOMAIN_REJECTED: { kind: 'rule', description: 'The ACME server refuses to issue a certificate for a domain (its policy or a CAA record).' },
  CERT_ACME_RATE_LIMITED: { kind: 'rate_limited', description: 'The ACME server rate-limits the request; it is retried later.' },
  CERT_ACME_FAILED: { kind: 'internal', description: 'The ACME client or server failed (directory unreachable or untrusted, server error).' },
  CERT_INSTALL_FAILED: { kind: 'internal', description: 'Nginx refused the configuration with the new certificate; the previous one stays in place.' },
  CERT_REQUEST_PENDING: { kind: 'conflict', description: 'A certificate request for this environment is already running.' },
  CERT_ACME_NOT_CONFIGURED: { kind: 'rule', description: 'No ACME account e-mail is set (PRESSLUFT_ACME_EMAIL); certificates cannot be requested.' },
  BACKUP_NOT_FOUND: { kind: 'not_found', description: 'The environment has no backup with this id.' },
  BACKUP_NOT_COMPLETE: { kind: 'rule', description: 'The backup is still running or failed; only a completed backup can be restored.' },
  BACKUP_RUNNING: { kind: 'conflict', description: 'A backup of this site is already running; a new backup or a restore waits until it finishes.' },
  BACKUP_FAILED: { kind: 'internal', description: 'The backup could not be taken on the node (dump, archive or disk); no partial backup is kept.' },
  BACKUP_CORRUPT: { kind: 'internal', description: 'A part of the backup is missing or does not match the size and sha256 of its manifest; nothing was overwritten.' },
  PRE_RESTORE_BACKUP_FAILED: { kind: 'internal', description: 'The restore could not take its pre-restore backup; nothing was overwritten.' },
  PRE_RESTORE_BACKUP_MISSING: { kind: 'rule', description: 'A restore may overwrite only after its own pre-restore backup succeeded.' },
  BACKUP_NOT_RESTORABLE: { kind: 'rule', description: 'The backup cannot be restored by a restore: it is the final backup of a deletion (or of a deleted site), kept outside the site\'s folder and restored by hand on the node.' },
  BACKUP_NOT_RETRYABLE: { kind: 'rule', description: 'Only a failed operator backup can be retried; a pre-restore or final backup is taken again by retrying its restore or deletion.' },
  FINAL_BACKUP_FAILED: { kind: 'internal', description: 'The deletion could not take the final backup of an environment; nothing was removed.' },
  FINAL_BACKUP_MISSING: { kind: 'rule', description: 'A deletion may remove only after the final backup of every environment, taken by that deletion, succeeded.' },
  RESTORE_FAILED: { kind: 'internal', description: 'The restore failed after it overwrote the site; the pre-restore backup was put back.' },
  RESTORE_ROLLBACK_FAILED: { kind: 'internal', description: 'The restore failed after it overwrote the site, and putting the pre-restore backup back failed too (both errors are recorded).' },
  INVALID_CRON_EXPRESSION: { kind: 'validation', description: 'A backup schedule needs a cron expression of 5 fields (minute hour day-of-month month day-of-week) that names at least one time.' },
  INVALID_TIME_ZONE: { kind: 'validation', description: 'The time zone is not an IANA time zone name (e.g. UTC, Europe/Berlin).' },
  INVALID_RETENTION: { kind: 'validation', description: 'Retention needs keepLast, keepDaily, keepWeekly and keepMonthly as whole numbers from 0 to 1000, at least one of them above 0.' },
  BACKUP_SCHEDULE_NOT_FOUND: { kind: 'not_found', description: 'The environment has no backup schedule.' },
  BACKUP_IN_USE: { kind: 'conflict', description: 'The backup is running, being deleted, or used by a restore in progress; it cannot be deleted now.' },
  BACKUP_DELETE_FAILED: { kind: 'internal', description: 'The backups could not be removed from the node; they are kept and listed as before.' },
  INVALID_BACKUP_REPOSITORY: { kind: 'validation', description: 'A backup repository needs url (an absolute path on the node, or sftp:user@host:/path), a password of 8 to 1024 characters on one line, and for sftp the private key the node logs in with (details.field names what is wrong).' },
  BACKUP_REPOSITORY_NOT_FOUND: { kind: 'not_found', description: 'The node has no backup repository.' },
  BACKUP_REPOSITORY_UNAVAILABLE: { kind: 'internal', description: 'restic could not open, write or read the node\'s backup repository (unreachable, wrong password, or the snapshot is gone).' },
  BACKUP_REPOSITORY_CHECK_FAILED: { kind: 'internal', description: 'restic check found the node\'s backup repository damaged, or could not open it.' },
  CLONE_ACROSS_NODES_UNSUPPORTED: { kind: 'rule', description: 'A clone is made on the node of its source environment; copying an environment to another node is not supported yet.' },
  ENVIRONMENT_EXISTS: { kind: 'conflict', description: 'The site already has an environment with this name.' },
  ENVIRONMENT_NOT_ACTIVE: { kind: 'rule', description: 'The environment is not active (being cloned, deleted, or its clone failed); it cannot be cloned from.' },
  PRODUCTION_NOT_DELETABLE: { kind: 'rule', description: 'The production environment is deleted only with its site (DELETE /api/v1/sites/{id}).' },
  PROMOTION_BLOCKED: { kind: 'conflict', description: 'What the promotion would overwrite changed on the target since the clone (or the last promotion); `details.report` lists the tables and uploads. Nothing was changed; `force` overrides.' },
  PROMOTION_TARGET_NOT_SOURCE: { kind: 'rule', description: 'Only a clone is promoted, and only onto the environment it was cloned from.' },
  BASELINE_OUTDATED: { kind: 'rule', description: "The clone's drift baseline was taken by an older Pressluft (no table prefix, volatile rows not left out); clone again to promote." },
  NO_RELEASE: { kind: 'rule', description: 'The environment serves no release to promote.' },
  PRE_PROMOTION_BACKUP_MISSING: { kind: 'rule', description: 'A promotion may overwrite its target only after its own backup of the target succeeded.' },
  PRE_PROMOTION_BACKUP_FAILED: { kind: 'internal', description: 'The promotion could not take its backup of the target; nothing was overwritten.' },
  PROMOTION_PREFIX_MISMATCH: { kind: 'internal', description: 'The two environments use different table prefixes; nothing was overwritten.' },
  PROMOTION_CHECK_FAILED: { kind: 'internal', description: "A check of the promotion on the node failed before anything was overwritten (the source's release, the environments' wp-config.php, the tables to copy)." },
  PROMOTION_FAILED: { kind: 'internal', description: 'The promotion failed after it overwrote the target; the pre-promotion backup was put back.' },
  PROMOTION_ROLLBACK_FAILED: { kind: 'internal', description: 'The promotion failed after it overwrote the target, and putting its backup back failed too (both errors are recorded); restore the pre-promotion backup.' },
  DRIFT_CHECK_FAILED: { kind: 'internal', description: "The drift check could not take the target's snapshot on the node; nothing was changed." },
  DRIFT_CHECK_TIMEOUT: { kind: 'unreachable', description: 'The drift check did not finish in time (the node is slow or a job of the site is running); nothing was changed.' },
  CLONE_FAILED: { kind: 'internal', description: 'The clone could not be made on the node (copy of the release, database or uploads, or its check through Nginx); the source was not changed.' },
  REMOTE_RUN_FAILED: { kind: 'internal', description: 'A playbook run on the node failed.' },
  REMOTE_COMMAND_FAILED: { kind: 'internal', description: 'A command on the node failed.' },
  REMOTE_COMMAND_TIMEOUT: { kind: 'internal', description: 'A command on the node ran longer than allowed.' },
  REMOTE_RUN_LOST: { kind: 'internal', description: 'A playbook run on the node ended without recording a result.' },
  NO_JOB_HANDLER: { kind: 'internal', description: 'No handler is registered for this job kind.' },
  JOB_TIMEOUT: { kind: 'internal', description: 'The job ran longer than allowed.' },
  JOB_CANCELLED: { kind: 'conflict', description: 'The job was cancelled by an operator.' },
  JOB_START_REFUSED: { kind: 'internal', description: 'The job log refused to record the start of a claimed job; the job was failed so the queue moves on.' },
  UNAUTHENTICATED: { kind: 'unauthenticated', description: 'Sign in (session) or send Authorization: Bearer <API token>.' },
  INVALID_CREDENTIALS: { kind: 'unauthenticated', description: 'The email address or password is wrong.' },
  FORBIDDEN: { kind: 'forbidden', description: 'The credentials are valid but not allowed to do this (e.g. a read-only token).' },
  CSRF_FAILED: { kind: 'forbidden', description: 'A state-changing request made with a session cookie lacked a valid CSRF token.' },
  RATE_LIMITED: { kind: 'rate_limited', description: 'Too many attempts; wait and try again.' },
  CHAIN_BROKEN: { kind: 'conflict', description: 'The event log’s hash chain is broken (an event was edited, removed or reordered).' },
  ANCHOR_INVALID: { kind: 'rule', description: 'The chain anchor’s signature is not this installation’s (forged, altered or another key).' },
  IDEMPOTENCY_KEY_REUSED: { kind: 'rule', description: 'The Idempotency-Key was already used with a different request (another body or path).' },
  INTERNAL: { kind: 'internal', description: 'An unexpected error.' },
} as const satisfies Record<string, { kind: ErrorKind; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

