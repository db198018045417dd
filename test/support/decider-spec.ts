import { DecideContext, Decider, DomainEvent, foldEvents } from '../../src/domain/common/domain-event';

/** A fixed clock and predictable ids ("id-1", "id-2", ...), so expected events can be written out. */
export function testContext(now = '2025-01-01T00:00:00.000Z'): DecideContext {
  let n = 0;
  return { now, newId: () => `id-${++n}` };
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * given(decider, history).when(command).then(expectedEvents) — or .thenThrows(ErrorClass, code, rule?)
 * or .thenState(partialState) (the state after history + produced events).
 */
export function given<S, C, E extends DomainEvent>(decider: Decider<S, C, E>, history: readonly E[] = []) {
  return {
    when(command: C, ctx: DecideContext = testContext()) {
      const state = foldEvents(decider, history);
      const run = () => decider.decide(command, state, ctx);
      return {
        then(expected: readonly E[]): E[] {
          const events = run();
          expect(events).toEqual(expected);
          return events;
        },
        thenThrows(errorClass: ErrorClass, code?: string, rule?: string): Error {
          let caught: unknown;
          try {
            run();
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(errorClass);
          const err = caught as Error & { code?: string; rule?: string };
          if (code !== undefined) expect(err.code).toBe(code);
          if (rule !== undefined) expect(err.rule).toBe(rule);
          return err;
        },
        thenState(expected: Partial<S>): S {
          const after = [...history, ...run()].reduce((s, e) => decider.evolve(s, e), decider.initialState);
          expect(after).toMatchObject(expected as object);
          return after;
        },
      };
    },
  };
}
