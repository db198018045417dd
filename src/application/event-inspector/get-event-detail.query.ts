/** One event by global position, with its cause and its effects (the causation chain). */
export class GetEventDetailQuery {
  constructor(readonly globalPosition: number) {}
}
