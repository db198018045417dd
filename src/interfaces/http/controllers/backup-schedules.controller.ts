import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '../../../application/common/command-meta';
import type { CommandResult } from '../../../application/common/command-result';
import type { BackupScheduleView } from '../../../application/sites/backup-schedules/backup-schedule.view';
import { GetBackupScheduleQuery } from '../../../application/sites/get-backup-schedule/get-backup-schedule.query';
import { RemoveBackupScheduleCommand } from '../../../application/sites/remove-backup-schedule/remove-backup-schedule.command';
import { RequestBackupDeletionCommand } from '../../../application/sites/request-backup-deletion/request-backup-deletion.command';
import type { RequestBackupDeletionResult } from '../../../application/sites/request-backup-deletion/request-backup-deletion.handler';
import { SetBackupScheduleCommand } from '../../../application/sites/set-backup-schedule/set-backup-schedule.command';
import { DomainError } from '../../../domain/common/domain-error';
import { Meta } from '../command-meta.decorator';
import { BACKUP_ID_PATTERN, BackupScheduleDto } from '../dto/backup-schedule.dto';
import { EnvParam, IdParam } from '../params';
import { jobRef } from './job-ref';

/** Backup schedules of site environments, and deleting a backup (docs/backups.md, "Schedules and retention"). */
@ApiTags('backups')
@Controller('api/v1/sites')
export class BackupSchedulesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':id/environments/:env/backup-schedule')
  async set(@IdParam() id: string, @EnvParam() env: string, @Body() body: BackupScheduleDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<SetBackupScheduleCommand, CommandResult>(new SetBackupScheduleCommand(id, env, body, meta));
    return { version: result.version, schedule: await this.queries.execute<GetBackupScheduleQuery, BackupScheduleView>(new GetBackupScheduleQuery(id, env)) };
  }

  @Get(':id/environments/:env/backup-schedule')
  async show(@IdParam() id: string, @EnvParam() env: string): Promise<BackupScheduleView> {
    return this.queries.execute<GetBackupScheduleQuery, BackupScheduleView>(new GetBackupScheduleQuery(id, env));
  }

  @Delete(':id/environments/:env/backup-schedule')
  async remove(@IdParam() id: string, @EnvParam() env: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RemoveBackupScheduleCommand, CommandResult>(new RemoveBackupScheduleCommand(id, env, meta));
    return { version: result.version, job: null };
  }

  /** Backup ids are unique within a site, so the route needs no environment (the backup's own is used). */
  @Delete(':id/backups/:backupId')
  @HttpCode(202)
  async deleteBackup(@IdParam() id: string, @Param('backupId') backupId: string, @Meta() meta: CommandMeta) {
    if (!BACKUP_ID_PATTERN.test(backupId)) throw new DomainError('VALIDATION_FAILED', 'backupId is not valid', { field: 'backupId' });
    const result = await this.commands.execute<RequestBackupDeletionCommand, RequestBackupDeletionResult>(new RequestBackupDeletionCommand(id, null, backupId, meta));
    return { deletionId: result.deletionId, version: result.version, job: jobRef(result) };
  }
}
