import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '../../../application/common/command-meta';
import type { BackupView } from '../../../application/sites/backup.view';
import { ListBackupsQuery } from '../../../application/sites/list-backups/list-backups.query';
import { RequestBackupCommand } from '../../../application/sites/request-backup/request-backup.command';
import type { RequestBackupResult } from '../../../application/sites/request-backup/request-backup.handler';
import { RequestRestoreCommand } from '../../../application/sites/request-restore/request-restore.command';
import type { RequestRestoreResult } from '../../../application/sites/request-restore/request-restore.handler';
import type { CommandResult } from '../../../application/common/command-result';
import { RetryBackupCommand } from '../../../application/sites/retry-backup/retry-backup.command';
import { Meta } from '../command-meta.decorator';
import { RequestBackupDto, RequestRestoreDto } from '../dto/backup.dto';
import { BackupIdParam, EnvParam, IdParam } from '../params';
import { jobRef } from './job-ref';

/** Backups of a site environment and restores from them (docs/backups.md). */
@ApiTags('backups')
@Controller('api/v1/sites')
export class BackupsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':id/environments/:env/backups')
  @HttpCode(202)
  async backUp(@IdParam() id: string, @EnvParam() env: string, @Body() body: RequestBackupDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestBackupCommand, RequestBackupResult>(new RequestBackupCommand(id, env, body.scope, meta));
    return { backupId: result.backupId, version: result.version, job: jobRef(result) };
  }

  @Get(':id/environments/:env/backups')
  async list(@IdParam() id: string, @EnvParam() env: string): Promise<{ items: BackupView[] }> {
    return { items: await this.queries.execute<ListBackupsQuery, BackupView[]>(new ListBackupsQuery(id, env)) };
  }

  /** A failed backup runs again under its id (BackupRetryRequested): a new site.backup job. The id names the environment. */
  @Post(':id/backups/:backupId/retry')
  @HttpCode(202)
  async retry(@IdParam() id: string, @BackupIdParam() backupId: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RetryBackupCommand, CommandResult>(new RetryBackupCommand(id, undefined, backupId, meta));
    return { backupId, version: result.version, job: jobRef(result) };
  }

  @Post(':id/environments/:env/restore')
  @HttpCode(202)
  async restore(@IdParam() id: string, @EnvParam() env: string, @Body() body: RequestRestoreDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestRestoreCommand, RequestRestoreResult>(new RequestRestoreCommand(id, env, body.backupId, meta));
    return { restoreId: result.restoreId, preRestoreBackupId: result.preRestoreBackupId, version: result.version, job: jobRef(result) };
  }
}
