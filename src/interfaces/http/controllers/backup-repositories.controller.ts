import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '../../../application/common/command-meta';
import type { CommandResult } from '../../../application/common/command-result';
import type { BackupRepositoryView } from '../../../application/nodes/backup-repository/backup-repository.view';
import { GetBackupRepositoryQuery } from '../../../application/nodes/get-backup-repository/get-backup-repository.query';
import { RemoveBackupRepositoryCommand } from '../../../application/nodes/remove-backup-repository/remove-backup-repository.command';
import { RequestBackupRepositoryCheckCommand } from '../../../application/nodes/request-backup-repository-check/request-backup-repository-check.command';
import { SetBackupRepositoryCommand } from '../../../application/nodes/set-backup-repository/set-backup-repository.command';
import type { SetBackupRepositoryResult } from '../../../application/nodes/set-backup-repository/set-backup-repository.handler';
import { Meta } from '../command-meta.decorator';
import { BackupRepositoryDto } from '../dto/backup-repository.dto';
import { IdParam } from '../params';
import { jobRef } from './job-ref';

/** A node's restic repository (docs/backups.md, "restic"): its url and status are shown, its password and key never. */
@ApiTags('nodes')
@Controller('api/v1/nodes')
export class BackupRepositoriesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** 202 with the check job that opens (initializes when empty) and checks the repository. */
  @Put(':id/backup-repository')
  @HttpCode(202)
  async set(@IdParam() id: string, @Body() body: BackupRepositoryDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<SetBackupRepositoryCommand, SetBackupRepositoryResult>(new SetBackupRepositoryCommand(id, body, meta));
    const repository = await this.queries.execute<GetBackupRepositoryQuery, BackupRepositoryView>(new GetBackupRepositoryQuery(id));
    return { version: result.version, repository, job: jobRef(result) };
  }

  @Get(':id/backup-repository')
  show(@IdParam() id: string): Promise<BackupRepositoryView> {
    return this.queries.execute<GetBackupRepositoryQuery, BackupRepositoryView>(new GetBackupRepositoryQuery(id));
  }

  /** The node's backups are no longer sent to restic; what the repository holds stays there. */
  @Delete(':id/backup-repository')
  async remove(@IdParam() id: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RemoveBackupRepositoryCommand, CommandResult>(new RemoveBackupRepositoryCommand(id, meta));
    return { version: result.version, job: null };
  }

  @Post(':id/backup-repository/check')
  @HttpCode(202)
  async check(@IdParam() id: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestBackupRepositoryCheckCommand, CommandResult>(new RequestBackupRepositoryCheckCommand(id, meta));
    return { version: result.version, job: jobRef(result) };
  }
}
