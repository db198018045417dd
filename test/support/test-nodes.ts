/**
 * Real test nodes for Jest (integration tier): thin wrappers around test/nodes/pl-nodes.sh.
 *
 * Nodes are addressed by a *slot* (0, 1, 2 …) inside this test process. The real node number
 * (third octet of 10.254.N.2) is
 *     N = PL_NODES_BASE + (JEST_WORKER_ID - 1) * PL_NODES_PER_WORKER + slot
 * so parallel runs (different PL_NODES_BASE) and parallel Jest workers never share a node.
 * Needs root. All calls use execFile with argument arrays (no shell).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const NODES_SCRIPT = path.resolve(__dirname, '..', 'nodes', 'pl-nodes.sh');

export type NodeKind = 'bare' | 'full';

export interface TestNode {
  /** slot inside this test process, as passed to upNode */
  slot: number;
  /** node number: the node's address is 10.254.n.2 */
  n: number;
  kind: NodeKind;
  ip: string;
  sshPort: 22;
  /** OpenSSH-style fingerprint of the node's ed25519 host key, e.g. "SHA256:abc…" */
  hostKeyFingerprint: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return v;
}

/** First node number of this run (env PL_NODES_BASE, default 10). */
export function nodesBase(): number {
  return intEnv('PL_NODES_BASE', 10);
}

/** Node number for a slot of this process. */
export function nodeNumber(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0) throw new Error(`bad slot ${slot}`);
  const perWorker = intEnv('PL_NODES_PER_WORKER', 4);
  if (slot >= perWorker) throw new Error(`slot ${slot} >= PL_NODES_PER_WORKER (${perWorker})`);
  const worker = intEnv('JEST_WORKER_ID', 1);
  const n = nodesBase() + (worker - 1) * perWorker + slot;
  if (n < 1 || n > 254) throw new Error(`node number ${n} out of range 1..254 (PL_NODES_BASE=${nodesBase()})`);
  return n;
}

export function nodeIp(n: number): string {
  return `10.254.${n}.2`;
}

function slotOf(node: number | TestNode): number {
  return typeof node === 'number' ? node : node.slot;
}

/** Environment for the script: PL_NODES_BASE always set so it picks the same state dir as we do. */
function scriptEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PL_NODES_BASE: String(nodesBase()) };
}

function run(args: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      NODES_SCRIPT,
      args,
      { env: scriptEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGTERM' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        const code = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + (e && typeof e.code !== 'number' ? `\n${e.message}` : '') });
      },
    );
  });
}

async function runOk(args: string[], timeoutMs: number): Promise<string> {
  const r = await run(args, timeoutMs);
  if (r.code !== 0) {
    throw new Error(`pl-nodes.sh ${args.join(' ')} failed (rc=${r.code}):\n${r.stderr.slice(-4000)}`);
  }
  return r.stdout;
}

/** Build the bare/full templates unless cached (first build ~2 min, cached: well under 1 s). */
export async function ensureTemplate(timeoutMs = 20 * 60_000): Promise<void> {
  await runOk(['template'], timeoutMs);
}

/**
 * Boot a node from template `kind` in `slot` and return how to reach it. Leftovers in that slot
 * are torn down first. `authorizedKeys` are public key files installed for root.
 */
export async function upNode(
  kind: NodeKind,
  slot: number,
  authorizedKeys: string[] = [],
  timeoutMs = 180_000,
): Promise<TestNode> {
  const n = nodeNumber(slot);
  await runOk(['up', kind, String(n), ...authorizedKeys], timeoutMs);
  const hostKeyFingerprint = (await runOk(['fingerprint', String(n)], 30_000)).trim();
  if (!hostKeyFingerprint.startsWith('SHA256:')) throw new Error(`bad fingerprint "${hostKeyFingerprint}"`);
  return { slot, n, kind, ip: nodeIp(n), sshPort: 22, hostKeyFingerprint };
}

/** Stop the node in `slot` (or the given node) and remove its netns, veth and overlay. */
export async function downNode(node: number | TestNode, timeoutMs = 60_000): Promise<void> {
  await runOk(['down', String(nodeNumber(slotOf(node)))], timeoutMs);
}

/** Run a command inside the node as root (nsenter; no SSH). Does not throw on a non-zero exit. */
export function execOnNode(node: number | TestNode, cmd: string[], timeoutMs = 120_000): Promise<ExecResult> {
  if (cmd.length === 0) throw new Error('execOnNode: empty command');
  return run(['exec', String(nodeNumber(slotOf(node))), ...cmd], timeoutMs);
}
