import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { ApiClient } from './api-client';
import { resolveConfig } from './cli-config';
import { CliError } from './cli-error';
import { Output } from './output';

/**
 * How a command group joins the CLI: one file per group under commands/ exports a
 * `register…Commands(program)` function, and commands/index.ts lists it. Inside, build the group
 * with commander (`program.command('site')…`) and give every action `apiAction` (a client of the
 * REST API) or `localAction` (works on this machine's data directory).
 */
export type RegisterCommands = (program: Command) => void;

export const API_HELP_GROUP = 'API commands (a client of the server: pressluft login first, or set PRESSLUFT_URL and PRESSLUFT_TOKEN):';
export const LOCAL_HELP_GROUP = "Local commands (on this machine's data directory, PRESSLUFT_DATA_DIR; no login needed):";
/** Prefix of the description of a local command inside a group of API commands (e.g. `events verify`). */
export const LOCAL_MARK = '[local]';

export interface ActionContext {
  /** The command's positional arguments, in order. */
  readonly args: string[];
  /** Its options merged with the global ones (`json`). */
  readonly opts: Record<string, unknown>;
  readonly out: Output;
}

export interface ApiActionContext extends ActionContext {
  readonly api: ApiClient;
}

export interface Buses {
  readonly commands: CommandBus;
  readonly queries: QueryBus;
}

export interface LocalActionContext extends ActionContext {
  /** Runs `fn` with the buses of a Nest context (no HTTP, no worker) on the data directory of `serve`. */
  app<T>(fn: (buses: Buses) => Promise<T>): Promise<T>;
  /** Metadata of a command the CLI sends on the buses: the OS user as the actor. */
  meta(): { actor: string; commandId: string; correlationId: string };
}

/** A return value that is a number becomes the exit code. */
type Action<C> = (ctx: C) => Promise<number | void>;

function contextOf(args: unknown[]): ActionContext {
  const command = args[args.length - 1] as Command;
  const opts = command.optsWithGlobals() as Record<string, unknown>;
  return { args: command.args, opts, out: new Output(opts.json === true) };
}

function finish(code: number | void): void {
  if (typeof code === 'number') process.exitCode = code;
}

export function apiAction(fn: Action<ApiActionContext>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const ctx = contextOf(args);
    finish(await fn({ ...ctx, api: new ApiClient(resolveConfig()) }));
  };
}

export function localAction(fn: Action<LocalActionContext>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const ctx = contextOf(args);
    finish(
      await fn({
        ...ctx,
        // Loaded on demand: API commands never start Nest or open the database.
        app: async (inner) => (await import('./cli-context')).withBuses(inner),
        meta: cliMeta,
      }),
    );
  };
}

/** CLI commands on the buses are recorded as the OS user who ran them. */
export function cliMeta(): { actor: string; commandId: string; correlationId: string } {
  return { actor: `cli:${userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_') || 'unknown'}`, commandId: randomUUID(), correlationId: randomUUID() };
}

/** A positive integer option (commander's argParser). */
export function positiveInt(value: string, flag = 'value'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive integer`, 2);
  return n;
}

export const intOption =
  (flag: string) =>
  (value: string): number =>
    positiveInt(value, flag);

/** An id argument as the API shapes them (checked here so a typo is a usage error, not an HTTP round trip). */
export function idArg(value: string | undefined, what: string): string {
  if (!value || !/^[0-9a-z]{1,64}$/.test(value)) throw new CliError(`${what} needs an id (lower-case letters and digits)`, 2);
  return value;
}

/** All of stdin (secrets: never a process argument). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One secret line: from a terminal without echo (a prompt on stderr), else the first line of stdin. */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return (await readStdin()).split(/\r?\n/)[0].trim();
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done();
          return resolve(value.trim());
        }
        if (ch === '\u0003') {
          done();
          return reject(new CliError('cancelled'));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
