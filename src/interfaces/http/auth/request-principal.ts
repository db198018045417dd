import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../application/auth/principal';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; null on the public routes when nobody signed in. */
    principal?: Principal | null;
    /** The raw session cookie secret (needed to log out). */
    sessionSecret?: string;
  }
}

export function principalOf(request: FastifyRequest): Principal | null {
  return request.principal ?? null;
}
