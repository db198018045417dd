import { Controller, Get, Res, UseFilters } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../application/auth/principal';
import { GetDashboardQuery } from '../../application/dashboard/get-dashboard.query';
import type { DashboardView } from '../../application/dashboard/get-dashboard.handler';
import { PageRenderer } from './page-renderer';
import { CurrentPrincipal, PagesErrorFilter, sendHtml } from './page-support';

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@Controller()
export class DashboardPagesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async dashboard(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply) {
    const view = await this.queries.execute<GetDashboardQuery, DashboardView>(new GetDashboardQuery());
    return sendHtml(reply, 200, this.renderer.render('dashboard', { title: 'Dashboard', nav: 'dashboard', principal, ...view }));
  }
}
