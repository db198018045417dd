import { RuleViolation } from '../../../src/domain/common/domain-error';
import {
  allowedTransitions,
  canTransition,
  nextState,
  SITE_BUSY_STATES,
  SITE_LIFECYCLE_TABLE,
  SITE_OPERATIONS,
  SITE_STATES,
  SITE_TRANSITIONS,
  SiteLifecycleState,
  SiteTransition,
} from '../../../src/domain/site/site-lifecycle.state-machine';
import { SITE_RULES } from '../../../src/domain/site/site.rules';

const allowedRows = SITE_LIFECYCLE_TABLE.map((r) => [r.from, r.transition, r.retryOf ?? '', r.to] as const);

const rejectedPairs: Array<[SiteLifecycleState, SiteTransition, 'SITE_BUSY' | 'INVALID_STATE_TRANSITION']> = [];
for (const from of SITE_STATES) {
  for (const transition of SITE_TRANSITIONS) {
    if (SITE_LIFECYCLE_TABLE.some((r) => r.from === from && r.transition === transition)) continue;
    const busy = SITE_BUSY_STATES.includes(from) && transition.endsWith('.requested');
    rejectedPairs.push([from, transition, busy ? 'SITE_BUSY' : 'INVALID_STATE_TRANSITION']);
  }
}

describe('site lifecycle state machine', () => {
  describe('given an allowed row of the table', () => {
    it.each(allowedRows)('%s --%s(%s)--> %s', (from, transition, retryOf, to) => {
      expect(nextState(from, transition, retryOf || undefined)).toBe(to);
      expect(canTransition(from, transition)).toBe(true);
      expect(allowedTransitions(from)).toContain(transition);
    });
  });

  describe('given a (state, transition) pair the table does not allow', () => {
    it.each(rejectedPairs)('%s --%s--> throws %s', (from, transition, code) => {
      let caught: unknown;
      try {
        nextState(from, transition);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RuleViolation);
      expect((caught as RuleViolation).code).toBe(code);
      expect((caught as RuleViolation).rule).toBe(
        code === 'SITE_BUSY' ? SITE_RULES.oneMutationAtATime : SITE_RULES.transitionMustBeInTable,
      );
      expect((caught as RuleViolation).details).toMatchObject({ from, transition });
      expect(canTransition(from, transition)).toBe(false);
      expect(allowedTransitions(from)).not.toContain(transition);
    });
  });

  it('covers every (state, transition) pair exactly once between allowed and rejected', () => {
    const allowedPairs = new Set(SITE_LIFECYCLE_TABLE.map((r) => `${r.from} ${r.transition}`));
    expect(allowedPairs.size + rejectedPairs.length).toBe(SITE_STATES.length * SITE_TRANSITIONS.length);
  });

  it('retry.requested needs the operation to re-enter', () => {
    expect(() => nextState('FAILED', 'retry.requested')).toThrow(RuleViolation);
    for (const op of SITE_OPERATIONS) expect(nextState('FAILED', 'retry.requested', op)).not.toBe('FAILED');
  });

  it('every mutation starts only from ACTIVE, except the recovery actions from FAILED', () => {
    for (const row of SITE_LIFECYCLE_TABLE.filter((r) => r.transition.endsWith('.requested'))) {
      expect(['ACTIVE', 'FAILED']).toContain(row.from);
      if (row.from === 'FAILED') expect(['retry.requested', 'restore.requested', 'reset.requested', 'delete.requested']).toContain(row.transition);
    }
  });

  it('completions return to ACTIVE, failures go to FAILED, deletion ends in DELETED', () => {
    for (const row of SITE_LIFECYCLE_TABLE) {
      if (row.transition === 'delete.succeeded') expect(row.to).toBe('DELETED');
      else if (row.transition.endsWith('.succeeded') || row.transition === 'deploy.rolled-back') expect(row.to).toBe('ACTIVE');
      if (row.transition.endsWith('.failed')) expect(row.to).toBe('FAILED');
    }
  });

  it('DELETED is final', () => expect(allowedTransitions('DELETED')).toEqual([]));

  it('allowedTransitions lists each transition once', () => {
    expect(allowedTransitions('FAILED')).toEqual(['restore.requested', 'reset.requested', 'retry.requested', 'delete.requested']);
    expect(allowedTransitions('ACTIVE')).toEqual(['deploy.requested', 'rollback.requested', 'domains.requested', 'clone.requested', 'restore.requested', 'promote.requested', 'environment-delete.requested', 'delete.requested']);
  });
});
