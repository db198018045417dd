/**
 * A folder of this machine served over HTTPS on the host side of a test node's link (10.254.N.1), as
 * a release server would serve install.sh and release archives: install.sh downloads only over HTTPS.
 * Its certificate comes from a throwaway CA (makeListenerCertificate); the node trusts it only where a
 * test says so (CURL_CA_BUNDLE / curl --cacert), never in its system store.
 */
import * as fs from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { makeListenerCertificate } from './pebble';

export interface HttpsFileServer {
  /** https://10.254.N.1:PORT (no trailing slash) */
  url: string;
  /** PEM of the CA that signed the server's certificate */
  caPem: string;
  /** request paths in the order they came */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

export async function startHttpsFileServer(root: string, nodeNumber: number): Promise<HttpsFileServer> {
  const hostIp = `10.254.${nodeNumber}.1`;
  const certDir = fs.mkdtempSync(path.join(fs.realpathSync(root), '..', '.pl-files-tls-'));
  const caPem = makeListenerCertificate(certDir, hostIp);
  const requests: string[] = [];
  const server = createServer(
    { key: fs.readFileSync(path.join(certDir, 'listener.key')), cert: fs.readFileSync(path.join(certDir, 'listener.pem')) },
    (req, res) => {
      const name = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '');
      requests.push(`/${name}`);
      // only plain names directly in root: nothing else of this machine is reachable
      const file = path.join(root, name);
      if (req.method !== 'GET' || name === '' || name.includes('/') || name.startsWith('.') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size });
      fs.createReadStream(file).pipe(res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, hostIp, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${hostIp}:${port}`,
    caPem,
    requests,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      fs.rmSync(certDir, { recursive: true, force: true });
    },
  };
}
