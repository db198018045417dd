export abstract class Clock {
  abstract nowMs(): number;
  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }
}

export abstract class IdGenerator {
  abstract newId(): string;
}
