/**
 * f. Site operations on a real test node (test/support/test-nodes.ts, PL_NODES_BASE; needs root):
 *  1. Site creation: POST /api/v1/sites on a node the control plane bootstrapped, until its site.provision
 *     job has succeeded (the site ACTIVE, WordPress answering through Nginx on the node), against
 *     site-provision.yml run by hand on the same node: the vars file copied over SSH, then one `ssh`
 *     running `ansible-playbook -c local` on the bundle the control plane uploaded.
 *  2. Deploy of a release archive of about 50 MB: POST …/deployments until the site.deploy job has
 *     succeeded (the archive uploaded to the node, unpacked, checked, switched, health-checked), against
 *     the same archive copied to the node over SSH and site-deploy.yml run by hand. The upload to the
 *     control plane (POST /api/v1/uploads) is reported apart: it has no by-hand counterpart.
 * Goals (issue 9): a new site in under 15 s; for both, Pressluft's overhead at most 10 % + 1 s.
 * Root keeps its SSH login on the node (PRESSLUFT_LOCK_ROOT_LOGIN=off) for the by-hand side.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../src/infrastructure/secrets/secret-box';
import { FileControlPlaneKey } from '../src/infrastructure/ssh/file-control-plane-key';
import { NodeSsh } from '../test/playbooks/node-ssh';
import { makeSite, nameVars, provisionVars, Site, upload } from '../test/playbooks/site-node';
import { pollUntil } from '../test/support/poll-until';
import { startTestApp, TestApp } from '../test/support/test-app';
import { downNode, ensureTemplate, upNode } from '../test/support/test-nodes';
import { sha256File, wordPressArchive, WordPressArchive } from '../test/support/wordpress-archive';
import { tempDir } from './support/env';
import type { BenchSection } from './support/report';
import { log, median, nowMs } from './support/timing';

const ROUNDS = 3;
/** Incompressible bytes added to the core to make the release archive about 50 MB. */
const BLOB_BYTES = 40 * 1024 * 1024;

interface Job {
  id: string;
  state: string;
  error?: unknown;
}

export async function run(): Promise<BenchSection> {
  const t0 = nowMs();
  const dir = tempDir('site-ops');
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const key = FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir));
  writeFileSync(join(dir, 'cp.pub'), key.publicKey() + '\n');
  writeFileSync(join(dir, 'id'), key.privateKey(), { mode: 0o600 });
  await ensureTemplate();
  const node = await upNode('full', 0, [join(dir, 'cp.pub')]);
  let app: TestApp | undefined;
  try {
    const core = await wordPressArchive(node);
    app = await startTestApp({
      jobHandlers: 'real',
      env: { PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_WORDPRESS_ARCHIVE: core.path, PRESSLUFT_LOCK_ROOT_LOGIN: 'off', PRESSLUFT_MANAGE_FIREWALL: 'off' },
    });
    const t = app;
    const finished = (id: string) =>
      pollUntil(
        async () => {
          const j = (await t.request('GET', `/api/v1/jobs/${id}`)).body as Job;
          return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
        },
        { timeoutMs: 20 * 60_000, intervalMs: 50, description: `job ${id}` },
      );
    const succeed = async (id: string) => {
      const j = await finished(id);
      if (j.state !== 'succeeded') throw new Error(`job ${id} ${j.state}: ${JSON.stringify(j.error)}`);
    };
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'bench', host: node.ip });
    await succeed(reg.body.job.id);
    const nodeId = reg.body.node.id as string;
    const ssh = new NodeSsh(node.ip, join(dir, 'id'));
    const bundle = `/var/lib/pressluft/bundles/${(await ssh.shOk('ls -1t /var/lib/pressluft/bundles | grep -v "^\\." | head -1')).trim()}`;

    // Pressluft's side: wall time from the request to the job's success.
    const apiCreate = async (slug: string): Promise<{ siteId: string; seconds: number }> => {
      const s = nowMs();
      const res = await t.request('POST', '/api/v1/sites', { name: `Bench ${slug}`, slug, nodeId, domain: `${slug}.test`, adminEmail: 'owner@example.com' });
      if (res.status !== 202) throw new Error(`create ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
      await succeed(res.body.job.id);
      return { siteId: res.body.site.id, seconds: (nowMs() - s) / 1000 };
    };
    const apiDeploy = async (siteId: string, archive: string): Promise<{ seconds: number; uploadSeconds: number }> => {
      const u = nowMs();
      const up = await fetch(`${t.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token.secret}`, 'content-type': 'application/gzip' },
        body: readFileSync(archive),
      });
      const uploadId = ((await up.json()) as { uploadId: string }).uploadId;
      const uploadSeconds = (nowMs() - u) / 1000;
      const s = nowMs();
      const res = await t.request('POST', `/api/v1/sites/${siteId}/environments/production/deployments`, { source: { type: 'archive', uploadId } });
      if (res.status !== 202) throw new Error(`deploy: ${res.status} ${JSON.stringify(res.body)}`);
      await succeed(res.body.job.id);
      return { seconds: (nowMs() - s) / 1000, uploadSeconds };
    };
    // By hand: what an operator would type, timed from the first byte sent to the playbook's end.
    let handRun = 0;
    const byHand = async (playbook: string, vars: () => Record<string, unknown>, beforeRun?: () => Promise<void>): Promise<number> => {
      handRun += 1;
      const runDir = `/root/pl-bench-hand/${handRun}`;
      const s = nowMs();
      await beforeRun?.();
      await ssh.shOk(`rm -rf ${runDir} && mkdir -p -m 0700 ${runDir} && umask 077 && cat > ${runDir}/vars.json`, { input: JSON.stringify(vars()) });
      const r = await ssh.sh(
        `cd ${bundle} && PL_RUN_DIR=${runDir} ANSIBLE_CONFIG=${bundle}/ansible.cfg ansible-playbook -c local -i localhost, ${playbook} -e @${runDir}/vars.json >${runDir}/output.log 2>&1`,
        { timeoutMs: 20 * 60_000 },
      );
      const seconds = (nowMs() - s) / 1000;
      if (r.code !== 0) throw new Error(`${playbook} by hand failed: ${(await ssh.sh(`tail -c 3000 ${runDir}/output.log`)).stdout}`);
      return seconds;
    };
    const coreOnNode = { path: `/var/lib/pressluft/uploads/${core.sha256}`, sha256: core.sha256 };
    const handCreate = (site: Site) => byHand('site-provision.yml', () => provisionVars(site, coreOnNode, 'r0001'));
    // the archive's copy to the node is timed with the run (Pressluft's job makes the same copy)
    const handDeploy = (site: Site, archive: { path: string; sha256: string }, releaseId: string) => {
      let onNode = { path: '', sha256: '' };
      return byHand(
        'site-deploy.yml',
        () => nameVars(site, { release_id: releaseId, keep_releases: 5, source: { type: 'archive', archive: onNode.path, archive_sha256: onNode.sha256 } }),
        async () => {
          onNode = await upload(ssh, archive.path, archive.sha256);
        },
      );
    };

    // Warm-up (not counted): the core archive reaches the node, caches fill.
    await apiCreate('warm-api');
    await handCreate(makeSite('warm-hand', 'warm-hand.test'));

    const created: { api: number[]; hand: number[] } = { api: [], hand: [] };
    const apiSites: string[] = [];
    const handSites: Site[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const order = r % 2 === 1 ? ['api', 'hand'] : ['hand', 'api'];
      for (const side of order) {
        if (side === 'api') {
          const c = await apiCreate(`api-${r}`);
          apiSites.push(c.siteId);
          created.api.push(c.seconds);
        } else {
          const site = makeSite(`hand-${r}`, `hand-${r}.test`);
          handSites.push(site);
          created.hand.push(await handCreate(site));
        }
      }
      log(`site ops: create round ${r}: Pressluft ${created.api.at(-1)!.toFixed(1)} s, by hand ${created.hand.at(-1)!.toFixed(1)} s`);
    }

    // A fresh archive per deploy (the node's content-addressed uploads would skip a second copy of one).
    const archives: { path: string; sha256: string; bytes: number }[] = [];
    for (let i = 0; i < ROUNDS * 2; i++) archives.push(releaseArchive(core, dir, i));
    const deployed: { api: number[]; hand: number[]; upload: number[] } = { api: [], hand: [], upload: [] };
    for (let r = 1; r <= ROUNDS; r++) {
      const order = r % 2 === 1 ? ['api', 'hand'] : ['hand', 'api'];
      for (const side of order) {
        const archive = archives.shift()!;
        if (side === 'api') {
          const d = await apiDeploy(apiSites[r - 1], archive.path);
          deployed.api.push(d.seconds);
          deployed.upload.push(d.uploadSeconds);
        } else {
          deployed.hand.push(await handDeploy(handSites[r - 1], archive, 'r0002'));
        }
        rmSync(archive.path, { force: true });
      }
      log(`site ops: deploy round ${r}: Pressluft ${deployed.api.at(-1)!.toFixed(1)} s, by hand ${deployed.hand.at(-1)!.toFixed(1)} s`);
    }
    const mb = (BLOB_BYTES / 2 ** 20).toFixed(0);
    const archiveMb = (archiveBytes / 2 ** 20).toFixed(1);
    const result = (id: string, title: string, unit: string, api: number[], hand: number[], extra: string[]) => {
      const p = median(api);
      const b = median(hand);
      const limit = b * 1.1 + 1;
      return {
        id,
        title,
        unit,
        product: 60 / p,
        productLabel: 'Pressluft, through the API',
        baseline: 60 / b,
        baselineLabel: 'the same playbook by hand over SSH',
        notes: [
          `Pressluft ${p.toFixed(2)} s, by hand ${b.toFixed(2)} s; overhead ${(p - b).toFixed(2)} s; goal ≤ 10 % + 1 s = ${limit.toFixed(2)} s: ${p <= limit ? 'met' : '**not met**'}`,
          ...extra,
          `rounds (s): Pressluft ${api.map((x) => x.toFixed(2)).join(', ')}; by hand ${hand.map((x) => x.toFixed(2)).join(', ')}`,
        ],
      };
    };
    const createP = median(created.api);
    return {
      id: 'site-ops',
      title: 'f. Site operations on a test node',
      setup: [
        `A full test node (systemd-nspawn, Debian 12) at ${node.ip}, bootstrapped by the control plane (root login kept for the by-hand side); control plane with the real job handlers in this process, default poll intervals`,
        `${ROUNDS} alternating rounds per side after one warm-up creation each, median; Pressluft = from the API request to the job's success (polled every 50 ms); by hand = copying the vars file (and the archive) over SSH plus one \`ssh\` running \`ansible-playbook -c local\` on the bundle the control plane uploaded`,
        `Release archive: WordPress core + ${mb} MiB of random bytes in a plugin folder, ${archiveMb} MiB gzipped, a new one for each deploy`,
      ],
      results: [
        result('site-ops-create', 'Site creation (sites/min)', 'sites/min', created.api, created.hand, [`goal < 15 s per new site: ${createP < 15 ? 'met' : '**not met**'} (${createP.toFixed(2)} s)`]),
        result('site-ops-deploy', `Deploy of a ${archiveMb} MiB release (deploys/min)`, 'deploys/min', deployed.api, deployed.hand, [
          `upload to the control plane first (POST /api/v1/uploads, not counted above): median ${median(deployed.upload).toFixed(2)} s`,
        ]),
      ],
      seconds: (nowMs() - t0) / 1000,
    };
  } finally {
    await app?.close();
    await downNode(node);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

let archiveBytes = 0;

/** WordPress core plus a folder of incompressible bytes, gzipped (entries at the top level, as deploys take them). */
function releaseArchive(core: WordPressArchive, dir: string, n: number): { path: string; sha256: string; bytes: number } {
  const root = mkdtempSync(join(dir, `release-${n}-`));
  try {
    execFileSync('tar', ['-xzf', core.path, '-C', root]);
    const docroot = join(root, 'wordpress');
    execFileSync('mkdir', ['-p', join(docroot, 'wp-content/plugins/pl-bench-assets')]);
    writeFileSync(join(docroot, 'wp-content/plugins/pl-bench-assets/blob.bin'), randomBytes(BLOB_BYTES));
    const out = join(dir, `release-${n}.tar.gz`);
    execFileSync('tar', ['-czf', out, '-C', docroot, '.']);
    archiveBytes = statSync(out).size;
    return { path: out, sha256: sha256File(out), bytes: archiveBytes };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
