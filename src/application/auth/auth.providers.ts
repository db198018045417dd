import type { Provider } from '@nestjs/common';
import { GetDashboardHandler } from '../dashboard/get-dashboard.handler';
import { GetEventDetailHandler } from '../event-inspector/get-event-detail.handler';
import { ReadJobLogHandler } from '../job-log/read-job-log.handler';
import { AuthenticateHandler } from './authenticate/authenticate.handler';
import { CreateApiTokenHandler } from './create-api-token/create-api-token.handler';
import { CreateUserHandler } from './create-user/create-user.handler';
import { ListApiTokensHandler } from './list-api-tokens/list-api-tokens.handler';
import { LoginThrottle } from './login-throttle';
import { PasswordCheckGate } from './password-check-gate';
import { LoginHandler } from './login/login.handler';
import { LogoutHandler } from './logout/logout.handler';
import { RevokeApiTokenHandler } from './revoke-api-token/revoke-api-token.handler';

/** Handlers and services of authentication (the ports are bound in src/infrastructure/auth). */
export const AUTH_APPLICATION_PROVIDERS: Provider[] = [
  LoginThrottle,
  PasswordCheckGate,
  AuthenticateHandler,
  CreateUserHandler,
  LoginHandler,
  LogoutHandler,
  CreateApiTokenHandler,
  RevokeApiTokenHandler,
  ListApiTokensHandler,
  // Queries of the admin pages.
  GetDashboardHandler,
  GetEventDetailHandler,
  ReadJobLogHandler,
];
