import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../../domain/common/domain-error';
import './request-principal';

/**
 * Routes only a signed-in user may use (API token management): an API token gets 403, so a leaked
 * token can neither mint successors nor revoke the tokens that would replace it.
 */
@Injectable()
export class SignedInUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (principal?.kind === 'user') return true;
    throw new DomainError('FORBIDDEN', 'API tokens are managed by a signed-in user (the tokens page) or the local CLI (pressluft token create), not by an API token.', {});
  }
}
