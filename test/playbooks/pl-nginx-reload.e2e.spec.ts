/**
 * playbooks/bin/pl-nginx-reload on a FULL node (Debian's nginx): once it returns, every new connection
 * gets the new configuration, while a download an old worker is still sending goes on to the end.
 * Measured on a test node before it existed: after `systemctl reload nginx`, a request made at once for a
 * server block just added was closed by the catch-all in 39 of 40 rounds. Needs root (test nodes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downNode, ensureTemplate, TestNode, upNode } from '../support/test-nodes';
import { makeKeyPair, NodeSsh, runCmd, tmpDir } from './node-ssh';

jest.setTimeout(10 * 60_000);

const BUNDLE = '/root/pl-bundle';
const RELOAD = `bash ${BUNDLE}/bin/pl-nginx-reload`;

describe('pl-nginx-reload', () => {
  let node: TestNode;
  let ssh: NodeSsh;
  let keyDir: string;

  beforeAll(async () => {
    keyDir = tmpDir('pl-reload-key-');
    const kg = await makeKeyPair(keyDir);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    await ensureTemplate();
    node = await upNode('full', 0, [path.join(keyDir, 'id_ed25519.pub')]);
    ssh = new NodeSsh(node.ip, path.join(keyDir, 'id_ed25519'));
    await ssh.uploadBundle(BUNDLE);
    // what bootstrap.yml installs in this respect: a catch-all that closes requests for unknown names
    await ssh.shOk(
      'rm -f /etc/nginx/sites-enabled/default && ' +
        "echo 'server { listen 80 default_server; server_name _; return 444; }' > /etc/nginx/conf.d/00-catch-all.conf && " +
        'mkdir -p /var/www/big && head -c 8M /dev/zero > /var/www/big/file && ' +
        "echo 'server { listen 80; server_name big.test; root /var/www/big; limit_rate 1m; }' > /etc/nginx/sites-enabled/big.conf && " +
        `nginx -t -q && ${RELOAD}`,
    );
  });

  afterAll(async () => {
    if (node) await downNode(node);
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('returns only once a server block just added answers the very next request', async () => {
    const codes: string[] = [];
    for (let round = 1; round <= 20; round++) {
      const name = `s${round}.test`;
      const out = await ssh.shOk(
        `echo 'server { listen 80; server_name ${name}; location / { return 200 ok; } }' > /etc/nginx/sites-enabled/s${round}.conf && ` +
          `nginx -t -q && ${RELOAD} && curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${name}' http://127.0.0.1/ || true`,
      );
      codes.push(out.trim());
    }
    expect(codes).toEqual(Array(20).fill('200'));
  });

  it('keeps the reload graceful: a download an old worker is sending goes on to the end', async () => {
    // 8 MiB at 1 MiB/s: the old worker is still sending when the reload returns
    const download = runCmd('curl', ['--noproxy', '*', '-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', '-H', 'Host: big.test', `http://${node.ip}/file`]);
    await ssh.shOk(`for i in $(seq 100); do ss -Htn state established '( sport = :80 )' | grep -q . && exit 0; sleep 0.1; done; exit 1`);
    await ssh.shOk(RELOAD);
    expect((await ssh.shOk("pgrep -fc 'worker process is shutting down' || true")).trim()).not.toBe('0');
    expect((await download).stdout).toBe(`200 ${8 * 1024 * 1024}`);
  });

  it('fails with a clear message when nginx is not running', async () => {
    await ssh.shOk('systemctl stop nginx');
    try {
      const r = await ssh.sh(RELOAD);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('nginx is not running');
    } finally {
      await ssh.shOk('systemctl start nginx');
    }
  });
});
