import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CreateAnchorCommand } from '../../application/events/create-anchor/create-anchor.command';
import type { CreateAnchorResult } from '../../application/events/create-anchor/create-anchor.handler';
import { EventStore } from '../../application/ports/event-store.port';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../tokens';
import { PeriodicRound } from './periodic-round';

/**
 * Every PRESSLUFT_ANCHOR_INTERVAL_MS (0 = off), when the log grew since the last anchor: sign its head
 * and write the anchor to the process log (journald keeps it apart from the database) and, when
 * configured, into PRESSLUFT_ANCHOR_OFFSITE_DIR. Runs inside `serve` with the worker.
 */
@Injectable()
export class AnchorScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('chain-anchor');
  private readonly rounds = new PeriodicRound();
  private lastPosition = 0;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly commands: CommandBus,
    private readonly store: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.workerEnabled || this.settings.anchorIntervalMs <= 0) return;
    this.rounds.start(this.settings.anchorIntervalMs, () => this.tick());
  }

  beforeApplicationShutdown(): void {
    this.rounds.stop();
  }

  async tick(): Promise<CreateAnchorResult | null> {
    return this.rounds.exclusive<CreateAnchorResult | null>(null, async () => {
      try {
        const head = this.store.head();
        if (!head || head.position === this.lastPosition) return null;
        const result = await this.commands.execute<CreateAnchorCommand, CreateAnchorResult>(new CreateAnchorCommand());
        this.lastPosition = result.anchor.position;
        this.logger.log(`anchor ${JSON.stringify(result.anchor)}`);
        return result;
      } catch (err) {
        this.logger.error(`chain anchor not written: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      }
    });
  }
}
