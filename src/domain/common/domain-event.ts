/** A fact that happened, as the domain sees it: a stable type string plus plain JSON data. */
export interface DomainEvent<TType extends string = string, TData extends object = object> {
  readonly type: TType;
  readonly data: TData;
}

/** Everything a decide function may need from the outside world, passed in so the domain stays pure. */
export interface DecideContext {
  /** ISO-8601 timestamp of "now". */
  readonly now: string;
  /** Returns a fresh unique id each call. */
  readonly newId: () => string;
}

/** Pure decider: decide(command, state) -> events, evolve(state, event) -> state. */
export interface Decider<TState, TCommand, TEvent extends DomainEvent> {
  readonly initialState: TState;
  decide(command: TCommand, state: TState, ctx: DecideContext): TEvent[];
  evolve(state: TState, event: TEvent): TState;
}

/** Folds a history into a state with a decider's evolve. */
export function foldEvents<TState, TEvent extends DomainEvent>(
  decider: Pick<Decider<TState, unknown, TEvent>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
