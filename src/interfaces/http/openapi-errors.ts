import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  summary?: string;
};

/** The error answer of every route: `{code, message, details}` with a code from docs/errors.md. */
export const API_ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: {
    code: { type: 'string', example: 'NOT_FOUND', description: 'A code of the registry (docs/errors.md)' },
    message: { type: 'string', example: 'job 01jq… does not exist' },
    details: { type: 'object', additionalProperties: true, description: 'e.g. {fields: {name: ["must be …"]}} for VALIDATION_FAILED' },
  },
};

const ERRORS: Record<string, string> = {
  '400': 'VALIDATION_FAILED (or INVALID_IF_MATCH): the request is malformed; nothing changed',
  '401': 'UNAUTHENTICATED: no valid API token or session',
  '403': 'FORBIDDEN (a read-only token) or CSRF_FAILED (a session without its CSRF token)',
  '404': 'NOT_FOUND: no such resource',
  '409': 'a state or version conflict (e.g. SITE_BUSY, VERSION_CONFLICT): nothing changed',
  '412': 'PRECONDITION_FAILED: If-Match names another version',
  '422': 'a rule of the domain refused it: nothing changed',
  '502': 'NODE_UNREACHABLE or HOST_KEY_MISMATCH: the node could not be reached over SSH',
};

const ref = { $ref: '#/components/schemas/ApiError' };

/**
 * Adds the error answers to every operation of the document, by what the route can meet: every
 * route 401; with parameters or a body 400; with a path id 404; mutations 403, 409, 412, 422; node
 * routes that contact the node 502. Operations keep the responses their decorators declare.
 */
export function describeErrors(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ApiError: API_ERROR_SCHEMA } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const codes = ['401'];
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
      if (hasInput) codes.push('400');
      if (/\{[^}]+\}/.test(path)) codes.push('404');
      if (method !== 'get' && method !== 'head') codes.push('403', '409', '412', '422');
      if (path.startsWith('/api/v1/nodes') && method === 'post') codes.push('502');
      for (const code of codes) {
        op.responses[code] ??= { description: ERRORS[code], content: { 'application/json': { schema: ref } } };
      }
    }
  }
  return document;
}
