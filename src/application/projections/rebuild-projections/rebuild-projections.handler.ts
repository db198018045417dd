import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProjectionRebuilder, RebuildReport } from '../../ports/projection-rebuilder.port';
import { RebuildProjectionsCommand } from './rebuild-projections.command';

@CommandHandler(RebuildProjectionsCommand)
export class RebuildProjectionsHandler implements ICommandHandler<RebuildProjectionsCommand, RebuildReport> {
  constructor(private readonly rebuilder: ProjectionRebuilder) {}

  async execute(): Promise<RebuildReport> {
    return this.rebuilder.rebuild();
  }
}
