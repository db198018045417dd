import { RuleViolation } from '../common/domain-error';
import { SITE_RULES } from './site.rules';

/*
 * The site lifecycle: ONE table, used by the decider (to refuse commands), by evolve (to fold events),
 * by docs/state-machine.md (a test keeps them identical) and by the tests (which enumerate it).
 */

export const SITE_STATES = [
  'PROVISIONING',
  'ACTIVE',
  'DEPLOYING',
  'ROLLING_BACK',
  'UPDATING_DOMAINS',
  'CLONING',
  'RESTORING',
  'PROMOTING',
  'RESETTING',
  'DELETING_ENVIRONMENT',
  'DELETING',
  'DELETED',
  'FAILED',
] as const;
export type SiteLifecycleState = (typeof SITE_STATES)[number];

/** The long-running operations a site can be in; `retry.requested` re-enters the failed one. */
export const SITE_OPERATIONS = ['provision', 'deploy', 'rollback', 'domains', 'clone', 'restore', 'promote', 'reset', 'environment-delete', 'delete'] as const;
export type SiteOperation = (typeof SITE_OPERATIONS)[number];

export const SITE_TRANSITIONS = [
  'provision.succeeded',
  'provision.failed',
  'deploy.requested',
  'deploy.succeeded',
  'deploy.failed',
  'deploy.rolled-back',
  'deploy.refused',
  'rollback.requested',
  'rollback.succeeded',
  'rollback.refused',
  'rollback.failed',
  'domains.requested',
  'domains.succeeded',
  'domains.failed',
  'clone.requested',
  'clone.succeeded',
  'clone.failed',
  'restore.requested',
  'restore.succeeded',
  'restore.refused',
  'restore.rolled-back',
  'restore.failed',
  'promote.requested',
  'promote.succeeded',
  'promote.refused',
  'promote.rolled-back',
  'promote.failed',
  'reset.requested',
  'reset.succeeded',
  'reset.failed',
  'retry.requested',
  'environment-delete.requested',
  'environment-delete.succeeded',
  'environment-delete.failed',
  'delete.requested',
  'delete.succeeded',
  'delete.refused',
  'delete.failed',
] as const;
export type SiteTransition = (typeof SITE_TRANSITIONS)[number];

export interface SiteTransitionRow {
  readonly from: SiteLifecycleState;
  readonly transition: SiteTransition;
  readonly to: SiteLifecycleState;
  /** Only for `retry.requested`: the failed operation this row re-enters. */
  readonly retryOf?: SiteOperation;
}

/** Mid-operation states: a new mutation request here is SITE_BUSY rather than just "not allowed". */
export const SITE_BUSY_STATES: readonly SiteLifecycleState[] = [
  'PROVISIONING',
  'DEPLOYING',
  'ROLLING_BACK',
  'UPDATING_DOMAINS',
  'CLONING',
  'RESTORING',
  'PROMOTING',
  'RESETTING',
  'DELETING_ENVIRONMENT',
  'DELETING',
];

export const SITE_LIFECYCLE_TABLE: readonly SiteTransitionRow[] = [
  { from: 'PROVISIONING', transition: 'provision.succeeded', to: 'ACTIVE' },
  { from: 'PROVISIONING', transition: 'provision.failed', to: 'FAILED' },

  { from: 'ACTIVE', transition: 'deploy.requested', to: 'DEPLOYING' },
  { from: 'DEPLOYING', transition: 'deploy.succeeded', to: 'ACTIVE' },
  { from: 'DEPLOYING', transition: 'deploy.failed', to: 'FAILED' },
  // The deploy's own automatic rollback restored the previous release: the site is healthy again.
  { from: 'DEPLOYING', transition: 'deploy.rolled-back', to: 'ACTIVE' },
  // The new release failed its check before the switch: nothing live changed.
  { from: 'DEPLOYING', transition: 'deploy.refused', to: 'ACTIVE' },

  // An operator's rollback to the previous (or a named) release. Refused before the switch: nothing changed.
  { from: 'ACTIVE', transition: 'rollback.requested', to: 'ROLLING_BACK' },
  { from: 'ROLLING_BACK', transition: 'rollback.succeeded', to: 'ACTIVE' },
  { from: 'ROLLING_BACK', transition: 'rollback.refused', to: 'ACTIVE' },
  { from: 'ROLLING_BACK', transition: 'rollback.failed', to: 'FAILED' },

  // Primary domain and aliases of an environment (vhost + URL rewrite in one job).
  { from: 'ACTIVE', transition: 'domains.requested', to: 'UPDATING_DOMAINS' },
  { from: 'UPDATING_DOMAINS', transition: 'domains.succeeded', to: 'ACTIVE' },
  { from: 'UPDATING_DOMAINS', transition: 'domains.failed', to: 'FAILED' },

  // A new environment copied from one of the site's environments on the same node.
  { from: 'ACTIVE', transition: 'clone.requested', to: 'CLONING' },
  { from: 'CLONING', transition: 'clone.succeeded', to: 'ACTIVE' },
  { from: 'CLONING', transition: 'clone.failed', to: 'FAILED' },

  { from: 'ACTIVE', transition: 'restore.requested', to: 'RESTORING' },
  { from: 'FAILED', transition: 'restore.requested', to: 'RESTORING' },
  { from: 'RESTORING', transition: 'restore.succeeded', to: 'ACTIVE' },
  // Nothing was overwritten (the pre-restore backup failed, or a part failed its checksum).
  { from: 'RESTORING', transition: 'restore.refused', to: 'ACTIVE' },
  // The restore overwrote, failed, and its pre-restore backup was put back.
  { from: 'RESTORING', transition: 'restore.rolled-back', to: 'ACTIVE' },
  { from: 'RESTORING', transition: 'restore.failed', to: 'FAILED' },

  // A clone's release (and by preset its tables and uploads) onto the environment it was cloned from,
  // after a backup of that target. A promotion blocked by drift never leaves ACTIVE (PromotionBlocked).
  { from: 'ACTIVE', transition: 'promote.requested', to: 'PROMOTING' },
  { from: 'PROMOTING', transition: 'promote.succeeded', to: 'ACTIVE' },
  // Nothing was overwritten (the backup of the target failed, or the re-check found drift).
  { from: 'PROMOTING', transition: 'promote.refused', to: 'ACTIVE' },
  // The promotion overwrote, failed, and its pre-promotion backup was put back.
  { from: 'PROMOTING', transition: 'promote.rolled-back', to: 'ACTIVE' },
  { from: 'PROMOTING', transition: 'promote.failed', to: 'FAILED' },

  // Reset is an operator's recovery from FAILED; it succeeds only after a passing health check.
  { from: 'FAILED', transition: 'reset.requested', to: 'RESETTING' },
  { from: 'RESETTING', transition: 'reset.succeeded', to: 'ACTIVE' },
  { from: 'RESETTING', transition: 'reset.failed', to: 'FAILED' },

  { from: 'FAILED', transition: 'retry.requested', to: 'PROVISIONING', retryOf: 'provision' },
  { from: 'FAILED', transition: 'retry.requested', to: 'DEPLOYING', retryOf: 'deploy' },
  { from: 'FAILED', transition: 'retry.requested', to: 'ROLLING_BACK', retryOf: 'rollback' },
  { from: 'FAILED', transition: 'retry.requested', to: 'UPDATING_DOMAINS', retryOf: 'domains' },
  { from: 'FAILED', transition: 'retry.requested', to: 'CLONING', retryOf: 'clone' },
  { from: 'FAILED', transition: 'retry.requested', to: 'RESTORING', retryOf: 'restore' },
  // A retried promotion takes a fresh backup of the target and overwrites again (no drift check: it was overwritten).
  { from: 'FAILED', transition: 'retry.requested', to: 'PROMOTING', retryOf: 'promote' },
  // not decided any more (a retry after a failed reset re-runs the operation that failed before it);
  // kept so that logs which recorded such a retry still replay
  { from: 'FAILED', transition: 'retry.requested', to: 'RESETTING', retryOf: 'reset' },
  { from: 'FAILED', transition: 'retry.requested', to: 'DELETING_ENVIRONMENT', retryOf: 'environment-delete' },
  { from: 'FAILED', transition: 'retry.requested', to: 'DELETING', retryOf: 'delete' },

  // One non-production environment removed on its own; the site and its other environments stay.
  { from: 'ACTIVE', transition: 'environment-delete.requested', to: 'DELETING_ENVIRONMENT' },
  { from: 'DELETING_ENVIRONMENT', transition: 'environment-delete.succeeded', to: 'ACTIVE' },
  { from: 'DELETING_ENVIRONMENT', transition: 'environment-delete.failed', to: 'FAILED' },

  { from: 'ACTIVE', transition: 'delete.requested', to: 'DELETING' },
  { from: 'FAILED', transition: 'delete.requested', to: 'DELETING' },
  { from: 'DELETING', transition: 'delete.succeeded', to: 'DELETED' },
  // Nothing was removed (a final backup failed): the site serves as before.
  { from: 'DELETING', transition: 'delete.refused', to: 'ACTIVE' },
  { from: 'DELETING', transition: 'delete.failed', to: 'FAILED' },
];

/** A transition that starts a new mutation (as opposed to reporting on a running one). */
export function isMutationRequest(transition: SiteTransition): boolean {
  return transition.endsWith('.requested');
}

/** The table indexed by from-state, then transition: every fold of every site event looks a row up. */
const ROWS_BY_STEP = new Map<string, Map<string, SiteTransitionRow[]>>();
for (const row of SITE_LIFECYCLE_TABLE) {
  const byTransition = ROWS_BY_STEP.get(row.from) ?? ROWS_BY_STEP.set(row.from, new Map()).get(row.from)!;
  byTransition.set(row.transition, [...(byTransition.get(row.transition) ?? []), row]);
}

function rowsFor(from: SiteLifecycleState, transition: SiteTransition): readonly SiteTransitionRow[] {
  return ROWS_BY_STEP.get(from)?.get(transition) ?? [];
}

/** Transitions the table allows from a state (each listed once, even retry). */
export function allowedTransitions(from: SiteLifecycleState): SiteTransition[] {
  return [...new Set(SITE_LIFECYCLE_TABLE.filter((r) => r.from === from).map((r) => r.transition))];
}

export function canTransition(from: SiteLifecycleState, transition: SiteTransition): boolean {
  return rowsFor(from, transition).length > 0;
}

/**
 * The error for a refused transition. `rule` lets a decider name its own rule
 * (e.g. `site-cannot-deploy-unless-active`); the code depends only on the table.
 */
export function transitionRefused(
  from: SiteLifecycleState,
  transition: SiteTransition,
  rule?: string,
): RuleViolation {
  const details = { from, transition };
  if (SITE_BUSY_STATES.includes(from) && isMutationRequest(transition)) {
    return new RuleViolation(
      rule ?? SITE_RULES.oneMutationAtATime,
      'SITE_BUSY',
      `Site is ${from}; ${transition} must wait until that operation finishes`,
      details,
    );
  }
  return new RuleViolation(
    rule ?? SITE_RULES.transitionMustBeInTable,
    'INVALID_STATE_TRANSITION',
    `A site in state ${from} does not allow ${transition}`,
    details,
  );
}

/** The state after `transition`, or a RuleViolation. `retryOf` picks the row for `retry.requested`. */
export function nextState(
  from: SiteLifecycleState,
  transition: SiteTransition,
  retryOf?: SiteOperation,
): SiteLifecycleState {
  const rows = rowsFor(from, transition);
  const row = transition === 'retry.requested' ? rows.find((r) => r.retryOf === retryOf) : rows[0];
  if (!row) throw transitionRefused(from, transition);
  return row.to;
}
