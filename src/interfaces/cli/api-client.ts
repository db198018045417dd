import { randomUUID } from 'node:crypto';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { CliError } from './cli-error';
import type { CliConfig } from './cli-config';

/** An error answer of the API (`{code, message, details}`), printed as `CODE: message`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly details: unknown,
  ) {
    super(`${code}: ${apiMessage}${detailHint(details)} (HTTP ${status})`);
  }
}

/** The field errors of a validation failure, so the one line says which flag is wrong. */
function detailHint(details: unknown): string {
  const fields = (details as { fields?: Record<string, string[]> } | undefined)?.fields;
  if (!fields || typeof fields !== 'object') return '';
  return ' [' + Object.entries(fields).map(([f, errs]) => `${f}: ${[errs].flat().join(', ')}`).join('; ') + ']';
}

export interface ApiPage<T> {
  items: T[];
  next: string | number | null;
}

/** The REST API of one Pressluft server, with the token of `pressluft login` (or PRESSLUFT_TOKEN). */
export class ApiClient {
  constructor(private readonly config: CliConfig) {}

  get url(): string {
    return this.config.url;
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  /** Mutations carry an Idempotency-Key, so a retried request appends nothing twice. */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body, { 'idempotency-key': randomUUID() });
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body, { 'idempotency-key': randomUUID() });
  }

  /** A raw body (e.g. a .tar.gz for POST /api/v1/uploads), sent as it is with its content type. */
  async upload<T>(path: string, bytes: Uint8Array, contentType: string): Promise<T> {
    const response = await this.fetch(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': contentType }, body: bytes });
    const text = await response.text();
    const parsed = text === '' ? undefined : safeJson(text);
    if (!response.ok) throw errorOf(response.status, parsed, text);
    return parsed as T;
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, undefined, { 'idempotency-key': randomUUID() });
  }

  /** Every item of a paginated list (`{items, next}` with `cursor=`), up to `max`. */
  async all<T>(path: string, query: Record<string, string | number | undefined> = {}, max = Infinity): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<ApiPage<T>>(path, { ...query, limit: Math.min(200, max - items.length), cursor });
      items.push(...page.items);
      cursor = page.next === null || page.next === undefined ? undefined : String(page.next);
    } while (cursor !== undefined && items.length < max);
    return items;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text === '' ? undefined : safeJson(text);
    if (!response.ok) throw errorOf(response.status, parsed, text);
    return parsed as T;
  }

  /**
   * Reads a Server-Sent Events stream until `onEvent` returns 'stop' or the server ends it; a dropped
   * connection (server restart) is resumed with Last-Event-ID a few times before giving up.
   */
  async stream(path: string, onEvent: (event: EventSourceMessage) => 'stop' | void): Promise<void> {
    let lastId: string | undefined;
    for (let failures = 0; ; ) {
      let stopped = false;
      try {
        const response = await this.fetch(path, { headers: { accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) } });
        if (!response.ok) throw errorOf(response.status, safeJson(await response.text()), '');
        const parser = createParser({
          onEvent: (event) => {
            if (stopped) return;
            if (event.id) lastId = event.id;
            if (onEvent(event) === 'stop') stopped = true;
          },
        });
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          parser.feed(decoder.decode(chunk, { stream: true }));
          failures = 0;
          if (stopped) break;
        }
        if (stopped) return;
      } catch (error) {
        if (error instanceof ApiError || ++failures > 5) throw error;
      }
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.config.url + path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.config.token}` },
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}

function errorOf(status: number, parsed: unknown, text: string): CliError {
  const body = parsed as { code?: unknown; message?: unknown; details?: unknown } | undefined;
  if (body && typeof body.code === 'string') return new ApiError(status, body.code, String(body.message ?? ''), body.details);
  return new CliError(`the server answered HTTP ${status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
