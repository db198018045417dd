import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Principal } from '../../application/auth/principal';
import { PAGES_DIR } from './project-root';

export interface PageContext {
  /** The <title> (" · Pressluft" is appended) and the <h1>. */
  title: string;
  principal: Principal | null;
  /** Which nav entry is current. */
  nav?: 'dashboard' | 'nodes' | 'sites' | 'jobs' | 'events' | 'tokens';
  [key: string]: unknown;
}

/**
 * Handlebars views: views/layouts/main.hbs wraps views/pages/<name>.hbs; views/partials/*.hbs are
 * registered by file name. Compiled once at start-up; rendering is a function call.
 */
@Injectable()
export class PageRenderer {
  private readonly hbs = Handlebars.create();
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  constructor() {
    const views = join(PAGES_DIR, 'views');
    registerHelpers(this.hbs);
    for (const file of readdirSync(join(views, 'partials')).filter((f) => f.endsWith('.hbs'))) {
      this.hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(views, 'partials', file), 'utf8'));
    }
    for (const file of readdirSync(join(views, 'pages')).filter((f) => f.endsWith('.hbs'))) {
      this.pages.set(basename(file, '.hbs'), this.hbs.compile(readFileSync(join(views, 'pages', file), 'utf8'), { strict: false }));
    }
    this.layout = this.hbs.compile(readFileSync(join(views, 'layouts', 'main.hbs'), 'utf8'));
  }

  render(page: string, context: PageContext): string {
    const template = this.pages.get(page);
    if (!template) throw new Error(`no view ${page}`);
    const body = template(context);
    return this.layout({ ...context, body: new Handlebars.SafeString(body) });
  }
}

const STATE_TONE: Record<string, string> = {
  ACTIVE: 'ok', ready: 'ok', succeeded: 'ok',
  FAILED: 'bad', failed: 'bad', unreachable: 'bad', DELETED: 'muted', cancelled: 'muted', decommissioned: 'muted',
  running: 'busy', queued: 'busy', retry_wait: 'busy', bootstrapping: 'busy', pending: 'busy',
  PROVISIONING: 'busy', DEPLOYING: 'busy', CLONING: 'busy', RESTORING: 'busy', RESETTING: 'busy', DELETING_ENVIRONMENT: 'busy', DELETING: 'busy',
};

function registerHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));
  hbs.registerHelper('tone', (state: unknown) => STATE_TONE[String(state)] ?? 'muted');
  hbs.registerHelper('time', (iso: unknown) => (typeof iso === 'string' ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''));
  hbs.registerHelper('fieldError', function (this: unknown, errors: Record<string, string[]> | undefined, field: string) {
    return errors?.[field]?.join('; ') ?? '';
  });
  hbs.registerHelper('hasError', (errors: Record<string, string[]> | undefined, field: string) => Boolean(errors?.[field]?.length));
  hbs.registerHelper('selected', (a: unknown, b: unknown) => (String(a ?? '') === String(b ?? '') ? 'selected' : ''));
  hbs.registerHelper('checked', (a: unknown, b: unknown) => (String(a ?? '') === String(b ?? '') ? 'checked' : ''));
  hbs.registerHelper('short', (id: unknown) => (typeof id === 'string' ? id.slice(-8) : ''));
}
