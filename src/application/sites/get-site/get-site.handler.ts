import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { Clock } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { backupSchedulesOf } from '../get-backup-schedule/get-backup-schedule.handler';
import { EnvironmentRow, SiteRow, SiteView, toEnvironmentView, toSiteSummary } from '../site.view';
import { GetSiteQuery } from './get-site.query';

@QueryHandler(GetSiteQuery)
export class GetSiteHandler implements IQueryHandler<GetSiteQuery, SiteView> {
  constructor(
    private readonly sql: SqlReader,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetSiteQuery): Promise<SiteView> {
    const row = this.sql.get<SiteRow>('SELECT * FROM rm_sites WHERE id = ?', [q.siteId]);
    if (!row) throw new NotFound('site', q.siteId);
    const environments = this.sql.all<EnvironmentRow>('SELECT * FROM rm_environments WHERE site_id = ? ORDER BY name', [q.siteId]);
    const schedules = backupSchedulesOf(this.sql, this.clock, q.siteId);
    return { ...toSiteSummary(row), environments: environments.map((e) => ({ ...toEnvironmentView(e), backupSchedule: schedules.get(e.name) ?? null })) };
  }
}
