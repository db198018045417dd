import { connect as netConnect, Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { inspect } from 'node:util';
import { Client, ClientChannel } from 'ssh2';
import { ExecOptions, ExecResult, NodeAddress, RemoteShell } from '../../application/ports/remote-shell.port';
import { DomainError } from '../../domain/common/domain-error';
import { sshFingerprint } from './host-key';
import { shellQuote } from './shell-quote';

export interface PrivateKeySource {
  privateKey(): string;
}

export interface Ssh2RemoteShellOptions {
  /** TCP connect + SSH handshake + auth, in ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s); the connection is dropped after `keepaliveCountMax` misses. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** Concurrent channels per pooled connection (OpenSSH's MaxSessions defaults to 10). */
  readonly maxChannelsPerConnection?: number;
  /** Used when ExecOptions.timeoutMs is not given (default: none). */
  readonly defaultExecTimeoutMs?: number;
}

/** Thrown when ExecOptions.signal aborts a command. */
export class RemoteAbortError extends Error {
  constructor(readonly reason: unknown) {
    super(`remote command aborted${typeof reason === 'string' ? ` (${reason})` : ''}`);
    this.name = 'AbortError';
  }
}

interface Conn {
  readonly id: number;
  readonly poolKey: string;
  readonly client: Client;
  readonly socket: Socket;
  closed: boolean;
  active: number;
  readonly waiters: Array<() => void>;
}

/**
 * RemoteShell over ssh2 with one pooled connection per node (TCP_NODELAY on, keepalives, reconnect on
 * drop), a pinned host key (a different key fails with HOST_KEY_MISMATCH before anything runs) and
 * commands built only from argv via shellQuote().
 */
export class Ssh2RemoteShell extends RemoteShell {
  private readonly pool = new Map<string, Promise<Conn>>();
  /** Resolved entries of `pool`, so a dead connection can be forgotten synchronously. */
  private readonly live = new Map<string, Conn>();
  private readonly seenFingerprints = new Map<string, string>();
  private nextConnId = 1;
  private shuttingDown = false;
  /** Connections opened since start (tests and metrics). */
  connectionsOpened = 0;

  constructor(
    private readonly key: PrivateKeySource,
    private readonly options: Ssh2RemoteShellOptions = {},
  ) {
    super();
  }

  async scanHostKey(host: string, port: number, timeoutMs = this.options.connectTimeoutMs ?? 10_000): Promise<string> {
    const socket = await this.openSocket(host, port, timeoutMs, `${host}:${port}`);
    return new Promise<string>((resolve, reject) => {
      const client = new Client();
      let fingerprint: string | null = null;
      const finish = (err?: unknown): void => {
        client.removeAllListeners('ready');
        client.on('error', () => undefined);
        client.end();
        socket.destroy();
        if (fingerprint) resolve(fingerprint);
        else reject(unreachable(`${host}:${port}`, err));
      };
      client.on('error', (err) => finish(err));
      client.on('ready', () => finish());
      client.on('close', () => finish(new Error('connection closed before the host key was seen')));
      client.connect({
        sock: socket,
        username: 'pressluft-hostkey-scan',
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          fingerprint = sshFingerprint(key);
          return false; // never authenticate: we only wanted the key
        },
      });
    });
  }

  /** The fingerprint the node presented on the last connection (useful to pin on first use). */
  lastSeenFingerprint(nodeId: string): string | undefined {
    return this.seenFingerprints.get(nodeId);
  }

  exec(node: NodeAddress, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.execCommand(node, shellQuote(argv), options);
  }

  async upload(node: NodeAddress, remotePath: string, content: Buffer, mode: number): Promise<void> {
    if (!remotePath.startsWith('/')) throw new Error('upload: remote path must be absolute');
    const script =
      'umask 077; tmp="$1.pl-tmp.$$"; ' +
      'if cat > "$tmp" && chmod "$2" "$tmp" && mv -f "$tmp" "$1"; then exit 0; else rc=$?; rm -f "$tmp"; exit $rc; fi';
    const res = await this.exec(node, ['sh', '-c', script, 'sh', remotePath, mode.toString(8)], { stdin: content });
    if (res.code !== 0) {
      throw new DomainError('REMOTE_COMMAND_FAILED', `upload to ${remotePath} failed (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`, {
        nodeId: node.nodeId,
        path: remotePath,
      });
    }
  }

  /** Closes pooled connections (all, or one node's). */
  dropConnections(nodeId?: string): void {
    for (const [key, pending] of this.pool) {
      if (nodeId !== undefined && !key.startsWith(`${nodeId}|`)) continue;
      this.pool.delete(key);
      this.live.delete(key);
      pending.then((c) => this.closeConn(c), () => undefined);
    }
  }

  /** Destroys the TCP sockets under the pooled connections without a clean SSH close (tests: a dropped link). */
  destroySockets(nodeId?: string): void {
    for (const [key, pending] of this.pool) {
      if (nodeId !== undefined && !key.startsWith(`${nodeId}|`)) continue;
      pending.then((c) => c.socket.destroy(), () => undefined);
    }
  }

  async close(): Promise<void> {
    this.shuttingDown = true;
    this.dropConnections();
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  // ---------------------------------------------------------------------------------------------

  private async execCommand(node: NodeAddress, command: string, options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultExecTimeoutMs;
    if (options.signal?.aborted) throw new RemoteAbortError(options.signal.reason);
    // A pooled connection may have died without us noticing yet: if opening the channel fails on it,
    // reconnect once. Nothing ran in that case, so the retry cannot run a command twice.
    for (let attempt = 0; ; attempt++) {
      const conn = await this.connection(node);
      await this.acquire(conn);
      let channel: ClientChannel;
      try {
        channel = await openExec(conn, command);
      } catch (err) {
        this.release(conn);
        this.discard(conn);
        if (attempt === 0 && !this.shuttingDown) continue;
        throw unreachable(describe(node), err, node);
      }
      try {
        return await runChannel(channel, conn, node, options, timeoutMs);
      } finally {
        this.release(conn);
      }
    }
  }

  private connection(node: NodeAddress): Promise<Conn> {
    if (this.shuttingDown) return Promise.reject(unreachable(describe(node), new Error('remote shell is closed'), node));
    const poolKey = `${node.nodeId}|${node.user}@${node.host}:${node.port}|${node.hostKeyFingerprint ?? ''}`;
    const existing = this.pool.get(poolKey);
    const live = this.live.get(poolKey);
    if (existing && !(live && live.closed)) return existing;
    if (live) this.forget(live);
    const pending = this.connect(node, poolKey);
    this.pool.set(poolKey, pending);
    pending.catch(() => {
      if (this.pool.get(poolKey) === pending) this.pool.delete(poolKey);
    });
    return pending;
  }

  private async connect(node: NodeAddress, poolKey: string): Promise<Conn> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const socket = await this.openSocket(node.host, node.port, timeoutMs, describe(node), node);
    const client = new Client();
    const conn: Conn = { id: this.nextConnId++, poolKey, client, socket, closed: false, active: 0, waiters: [] };
    let mismatch: string | null = null;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      client.once('ready', () => {
        settled = true;
        resolve();
      });
      client.on('error', (err) => {
        if (settled) return; // a later error ends in 'close', handled below
        settled = true;
        socket.destroy();
        if (mismatch) {
          reject(
            new DomainError(
              'HOST_KEY_MISMATCH',
              `${describe(node)} presented host key ${mismatch}, but ${node.hostKeyFingerprint} is pinned; nothing was run. Re-pin the node if the key change is expected.`,
              { nodeId: node.nodeId, expected: node.hostKeyFingerprint, actual: mismatch },
            ),
          );
        } else reject(unreachable(describe(node), err, node));
      });
      client.on('close', () => {
        conn.closed = true;
        if (!settled) {
          settled = true;
          reject(unreachable(describe(node), new Error('connection closed during handshake'), node));
        }
        this.forget(conn);
      });
      client.connect({
        sock: socket,
        username: node.user,
        privateKey: this.key.privateKey(),
        readyTimeout: timeoutMs,
        keepaliveInterval: this.options.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
        hostVerifier: (key: Buffer) => {
          const fp = sshFingerprint(key);
          this.seenFingerprints.set(node.nodeId, fp);
          if (node.hostKeyFingerprint && fp !== node.hostKeyFingerprint) {
            mismatch = fp;
            return false;
          }
          return true;
        },
      });
    });
    this.connectionsOpened++;
    if (conn.closed) throw unreachable(describe(node), new Error('connection closed right after login'), node);
    this.live.set(poolKey, conn);
    return conn;
  }

  private openSocket(host: string, port: number, timeoutMs: number, label: string, node?: NodeAddress): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const socket = netConnect({ host, port });
      socket.setNoDelay(true); // ~47 ms -> ~2.5 ms per exec on a reused connection (docs/architecture.md §9)
      const timer = setTimeout(() => {
        socket.destroy();
        reject(unreachable(label, new Error(`TCP connect timed out after ${timeoutMs} ms`), node));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(unreachable(label, err, node));
      });
    });
  }

  private async acquire(conn: Conn): Promise<void> {
    const max = this.options.maxChannelsPerConnection ?? 8;
    while (conn.active >= max) await new Promise<void>((resolve) => conn.waiters.push(resolve));
    conn.active++;
  }

  private release(conn: Conn): void {
    conn.active--;
    conn.waiters.shift()?.();
  }

  private discard(conn: Conn): void {
    this.forget(conn);
    this.closeConn(conn);
  }

  private forget(conn: Conn): void {
    if (this.live.get(conn.poolKey) === conn) {
      this.live.delete(conn.poolKey);
      this.pool.delete(conn.poolKey);
    }
  }

  private closeConn(conn: Conn): void {
    conn.closed = true;
    try {
      conn.client.end();
    } catch {
      /* already gone */
    }
    conn.socket.destroy();
  }

  [inspect.custom](): string {
    return `Ssh2RemoteShell(${this.pool.size} pooled)`;
  }
}

function openExec(conn: Conn, command: string): Promise<ClientChannel> {
  if (conn.closed) return Promise.reject(new Error('pooled connection is closed'));
  return new Promise<ClientChannel>((resolve, reject) => {
    try {
      conn.client.exec(command, (err, channel) => (err ? reject(err) : resolve(channel)));
    } catch (err) {
      reject(err);
    }
  });
}

function runChannel(
  channel: ClientChannel,
  conn: Conn,
  node: NodeAddress,
  options: ExecOptions,
  timeoutMs: number | undefined,
): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const outDecoder = new StringDecoder('utf8');
    const errDecoder = new StringDecoder('utf8');
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let failure: Error | null = null;
    let timer: NodeJS.Timeout | undefined;

    let settled = false;
    const source = options.stdin !== undefined && typeof options.stdin !== 'string' && !Buffer.isBuffer(options.stdin) ? options.stdin : null;
    const releaseSource = (): void => {
      if (!source) return;
      source.unpipe(channel);
      source.destroy();
    };
    const stop = (e: Error): void => {
      if (failure) return;
      failure = e;
      releaseSource();
      // Do not wait for the server's close: it only comes when the remote process has ended.
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(e);
      try {
        channel.signal('KILL'); // OpenSSH >= 7.9 delivers it; the close below ends the session anyway
      } catch {
        /* ignore */
      }
      channel.close();
    };
    const onAbort = (): void => stop(new RemoteAbortError(options.signal?.reason));
    if (timeoutMs !== undefined && timeoutMs > 0) {
      timer = setTimeout(
        () =>
          stop(
            new DomainError('REMOTE_COMMAND_TIMEOUT', `command on ${describe(node)} timed out after ${timeoutMs} ms`, {
              nodeId: node.nodeId,
              timeoutMs,
            }),
          ),
        timeoutMs,
      );
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    channel.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (options.onStdout) {
        const s = outDecoder.write(chunk);
        if (s) options.onStdout(s);
      }
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      if (options.onStderr) {
        const s = errDecoder.write(chunk);
        if (s) options.onStderr(s);
      }
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      exitCode = code;
      exitSignal = signal ?? null;
    });
    channel.on('error', (e: Error) => stop(e));
    channel.on('close', (code?: number | null, signal?: string) => {
      releaseSource(); // the command ended (maybe before reading all of its input)
      if (exitCode === null && typeof code === 'number') exitCode = code;
      if (exitSignal === null && signal) exitSignal = signal;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (options.onStdout) {
        const s = outDecoder.end();
        if (s) options.onStdout(s);
      }
      if (options.onStderr) {
        const s = errDecoder.end();
        if (s) options.onStderr(s);
      }
      if (settled) return;
      settled = true;
      if (failure) return reject(failure);
      if (exitCode === null && exitSignal === null) {
        // The channel closed without an exit status: the connection died while the command ran.
        return reject(unreachable(describe(node), new Error(
              conn.closed
                ? 'connection lost while the command ran'
                : `channel closed without exit status${err.length ? `: ${Buffer.concat(err).toString('utf8').trim().slice(0, 300)}` : ''}`,
            ), node));
      }
      resolve({
        code: exitCode ?? 128 + signalNumber(exitSignal),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (source) {
      source.once('error', (e: Error) => stop(new DomainError('REMOTE_COMMAND_FAILED', `reading the input for ${describe(node)} failed: ${e.message}`, { nodeId: node.nodeId })));
      source.pipe(channel);
    } else if (options.stdin !== undefined) channel.end(options.stdin);
    else channel.end();
  });
}

function signalNumber(name: string | null): number {
  const table: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, SEGV: 11, PIPE: 13, ALRM: 14, TERM: 15 };
  return (name && table[name.replace(/^SIG/, '')]) || 0;
}

function describe(node: NodeAddress): string {
  return `${node.user}@${node.host}:${node.port}`;
}

function unreachable(label: string, cause: unknown, node?: NodeAddress): DomainError {
  if (cause instanceof DomainError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new DomainError('NODE_UNREACHABLE', `${label} is unreachable: ${message}`, node ? { nodeId: node.nodeId } : {});
}
