import { LoggerService } from '@nestjs/common';
import { Writable } from 'node:stream';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/settings';

/**
 * Field paths that never reach a log line, whatever a call site passes (a second line of defence:
 * call sites must not log secrets in the first place). pino's `redact` censors them by path.
 */
export const REDACTED_PATHS = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'privateKey',
  'passphrase',
  'vars',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  '*.cookie',
  '*.privateKey',
  '*.passphrase',
  '*.vars',
];

/** Where log lines go: a standard stream, or a function that gets each line (JSON, no newline). */
export type LogTarget = 'stdout' | 'stderr' | ((line: string) => void);
type Target = LogTarget;

function destination(target: Target): DestinationStream {
  if (target === 'stdout') return pino.destination({ fd: 1, sync: true });
  if (target === 'stderr') return pino.destination({ fd: 2, sync: true });
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      target(chunk.toString().replace(/\n$/, ''));
      done();
    },
  });
}

function isTty(target: Target): boolean {
  if (target === 'stdout') return process.stdout.isTTY === true;
  if (target === 'stderr') return process.stderr.isTTY === true;
  return false;
}

/** pino: one JSON object per line (`time`, `level`, `msg`, fields), or human-readable lines for a terminal. */
export function createPino(level: LogLevel, target: Target = 'stdout', format: LogFormat = 'auto'): Pino {
  const options = {
    level,
    base: undefined, // no pid/hostname on every line: systemd's journal has them
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  const readable = format === 'pretty' || (format === 'auto' && isTty(target));
  if (!readable) return pino(options, destination(target));
  // Loaded only for a terminal: services and pipes never pay for it.
  const pretty = (require('pino-pretty') as { default: (o: PrettyOptions) => DestinationStream }).default;
  const stream = pretty({
    sync: true,
    colorize: isTty(target),
    destination: target === 'stderr' ? 2 : target === 'stdout' ? 1 : destination(target),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return pino(options, stream);
}

/**
 * The Nest logger of the process, backed by pino (the name stays: JSON lines is still what it writes
 * when the output is not a terminal). `event` is the structured call; Nest's own `log(message,
 * context)` calls land here too, and an object message is taken as fields (`{msg, ...fields}`).
 */
export class JsonLogger implements LoggerService {
  readonly pino: Pino;

  constructor(level: LogLevel = 'info', target: Target = 'stdout', format: LogFormat = 'auto') {
    this.pino = createPino(level, target, format);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  /** A log line with structured fields. Never pass secrets in `fields` (they are redacted by path as well). */
  event(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.pino[level](fields, msg);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      fields.stack = message.stack;
      return this.event(level, message.message, fields);
    }
    if (message && typeof message === 'object') {
      const { msg, ...rest } = message as Record<string, unknown>;
      return this.event(level, typeof msg === 'string' ? msg : '', { ...fields, ...rest });
    }
    this.event(level, typeof message === 'string' ? message : JSON.stringify(message), fields);
  }
}
