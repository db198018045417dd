import type { Provider, Type } from '@nestjs/common';
import { TokensController } from '../http/auth/tokens.controller';
import { WhoAmIController } from '../http/auth/whoami.controller';
import { LoginPage } from './auth-pages';
import { AuthPagesController } from './auth-pages.controller';
import { DashboardPagesController } from './dashboard-pages.controller';
import { EventsPagesController } from './events-pages.controller';
import { JobLogController } from './job-log.controller';
import { JobsPagesController } from './jobs-pages.controller';
import { NodesPagesController } from './nodes-pages.controller';
import { PageRenderer } from './page-renderer';
import { PagesErrorFilter } from './page-support';
import { PAGES_OPTIONS, PagesOptions } from './pages-options';
import { SitesPagesController } from './sites-pages.controller';
import { TokensPagesController } from './tokens-pages.controller';

/** Controllers of the admin pages, the job log SSE and the API tokens API. */
export const PAGE_CONTROLLERS: Type[] = [
  AuthPagesController,
  DashboardPagesController,
  NodesPagesController,
  SitesPagesController,
  JobsPagesController,
  JobLogController,
  EventsPagesController,
  TokensPagesController,
  TokensController,
  WhoAmIController,
];

export function pageProviders(options: PagesOptions): Provider[] {
  return [PageRenderer, LoginPage, PagesErrorFilter, { provide: PAGES_OPTIONS, useValue: options }];
}
