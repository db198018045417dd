import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { Decider, DomainEvent, foldEvents } from '../../domain/common/domain-event';
import { DomainError } from '../../domain/common/domain-error';
import { Clock, IdGenerator } from '../ports/clock.port';
import { AppendResult, CommandLog, EventStore } from '../ports/event-store.port';
import { CommandMeta } from './command-meta';
import { JobsEnqueued } from './jobs-enqueued.event';

/**
 * The command path shared by every handler: read the stream, fold it, decide, append with the version
 * that was read. All synchronous, so nothing can interleave between the read and the append in this
 * process; the expected version guards against other processes.
 */
@Injectable()
export class DecideAndAppend {
  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly doorbell: EventBus,
  ) {}

  run<S, C, E extends DomainEvent>(streamId: string, decider: Decider<S, C, E>, command: C, meta: CommandMeta): AppendResult {
    const previous = this.commands.previousResult(meta.commandId, meta.requestHash);
    if (previous) return { ...previous, duplicate: true };
    const slice = this.store.readStream(streamId);
    if (meta.ifMatch !== undefined && meta.ifMatch !== slice.version) {
      throw new DomainError('PRECONDITION_FAILED', `${streamId} is at version ${slice.version}, If-Match said ${meta.ifMatch}`, {
        streamId,
        currentVersion: slice.version,
        ifMatch: meta.ifMatch,
      });
    }
    const state = foldEvents(decider, slice.events as unknown as E[]);
    const events = decider.decide(command, state, { now: this.clock.nowIso(), newId: () => this.ids.newId() });
    if (events.length === 0) return { streamId, version: slice.version, events: [], jobs: [], duplicate: false };
    const result = this.store.append({
      streamId,
      expectedVersion: slice.version,
      events,
      metadata: { actor: meta.actor, correlationId: meta.correlationId, causationId: meta.commandId, commandId: meta.commandId },
      ...(meta.requestHash ? { requestHash: meta.requestHash } : {}),
    });
    // Rung after the caller's synchronous transaction has committed: subscribers react asynchronously.
    const created = result.jobs.filter((j) => j.created).map((j) => j.id);
    if (created.length > 0) queueMicrotask(() => this.doorbell.publish(new JobsEnqueued(created)));
    return result;
  }
}
