/**
 * Every 2xx JSON answer a test app gives under /api/v1 is checked against the success schema its
 * route has in the app's own OpenAPI document (src/interfaces/http/openapi-responses.ts): the API
 * reference cannot drift from what the API returns without a test failing.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type OpenApiDocument = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
};

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  validators: Map<string, ValidateFunction>;
}

export class OpenApiResponseCheck {
  private readonly routes: Route[] = [];

  constructor(document: OpenApiDocument) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: document.components }, 'openapi');
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const validators = new Map<string, ValidateFunction>();
        for (const [status, answer] of Object.entries(op.responses ?? {})) {
          const schema = answer.content?.['application/json']?.schema;
          if (!/^2\d\d$/.test(status) || !schema) continue;
          validators.set(status, ajv.compile(rewriteRefs(schema) as object));
        }
        const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        this.routes.push({ method: method.toUpperCase(), template, pattern, params: (template.match(/\{/g) ?? []).length, validators });
      }
    }
    // A literal segment wins over a parameter (/events/verify before /events/{x}).
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** Throws when a 2xx JSON answer of a documented route does not match its schema, or the route documents none. */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
    const path = url.split('?')[0];
    if (!path.startsWith('/api/v1/') || status < 200 || status > 299 || !contentType?.startsWith('application/json')) return;
    const route = this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
    if (!route) throw new Error(`${method} ${path} answered ${status} but the OpenAPI document has no such route`);
    const validate = route.validators.get(String(status));
    if (!validate) throw new Error(`${method} ${route.template} answered ${status} with JSON, but the OpenAPI document gives no schema for ${status}`);
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
      throw new Error(`${method} ${route.template} ${status}: the answer does not match its OpenAPI schema:\n  ${errors.join('\n  ')}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  }
}

/** `#/components/schemas/X` points into the document; in Ajv it points into the schema registered as `openapi`. */
function rewriteRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
}
