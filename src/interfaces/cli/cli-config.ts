import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error';

/** Where `pressluft login` keeps the server URL and the API token. */
export interface CliConfig {
  url: string;
  token: string;
}

/** `$XDG_CONFIG_HOME/pressluft/config.json`, `~/.config/pressluft/config.json` without it. */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'pressluft', 'config.json');
}

export function readConfigFile(file = configFile()): Partial<CliConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Partial<CliConfig>;
    return { url: typeof parsed.url === 'string' ? parsed.url : undefined, token: typeof parsed.token === 'string' ? parsed.token : undefined };
  } catch {
    throw new CliError(`${file} is not valid JSON; run pressluft login again`);
  }
}

/** Written to a 0600 temp file in a 0700 directory, then renamed: never readable by others, never half-written. */
export function writeConfigFile(config: CliConfig, file = configFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600); // an existing temp file keeps its mode otherwise
  renameSync(tmp, file);
}

export function removeConfigFile(file = configFile()): boolean {
  try {
    rmSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The server and token to use: PRESSLUFT_URL / PRESSLUFT_TOKEN win over the config file. A stored token
 * belongs to the server it was stored with and is never sent to another one: PRESSLUFT_URL naming a
 * different server needs PRESSLUFT_TOKEN too.
 */
export function resolveConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const file = readConfigFile(configFile(env));
  const storedUrl = file.url ? normalizeUrl(file.url) : undefined;
  const url = env.PRESSLUFT_URL ? normalizeUrl(env.PRESSLUFT_URL) : storedUrl;
  if (!url) throw new CliError('not logged in: run pressluft login --url URL (or set PRESSLUFT_URL and PRESSLUFT_TOKEN)');
  if (env.PRESSLUFT_TOKEN) return { url, token: env.PRESSLUFT_TOKEN };
  if (file.token && storedUrl === url) return { url, token: file.token };
  if (file.token && storedUrl)
    throw new CliError(`PRESSLUFT_URL is ${url} but the stored login is for ${storedUrl}: set PRESSLUFT_TOKEN for ${url} too, or run pressluft login --url ${url}`);
  throw new CliError('not logged in: run pressluft login --url URL (or set PRESSLUFT_URL and PRESSLUFT_TOKEN)');
}

export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`not a URL: ${raw}`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`the server URL must be http:// or https://, not ${url.protocol}`, 2);
  return url.origin + url.pathname.replace(/\/+$/, '');
}
