/**
 * playbooks/bin/pl-cert-info (what site-certificate.yml reads a certificate with), run locally on
 * certificates made here with openssl: dates, names, serial, and renewal due by a share of the lifetime.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLAYBOOKS_DIR, tmpDir } from './node-ssh';

const SCRIPT = path.join(PLAYBOOKS_DIR, 'bin', 'pl-cert-info');

describe('pl-cert-info', () => {
  let dir: string;

  /** A self-signed certificate valid from `start` to `end` (openssl ca dates, e.g. 20200101000000Z). */
  function cert(name: string, start: string, end: string, serial: string): string {
    const f = (x: string) => path.join(dir, `${name}.${x}`);
    const db = path.join(dir, `${name}-db`);
    fs.mkdirSync(db);
    fs.writeFileSync(path.join(db, 'index'), '');
    fs.writeFileSync(path.join(db, 'serial'), `${serial}\n`);
    fs.writeFileSync(
      f('cnf'),
      `[ca]\ndefault_ca = d\n[d]\ndatabase = ${db}/index\nnew_certs_dir = ${db}\nserial = ${db}/serial\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\n[p]\ncommonName = supplied\n`,
    );
    const quiet = { stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('key'), '-out', f('csr'),
      '-subj', '/CN=shop.test', '-addext', 'subjectAltName=DNS:www.Shop.test,DNS:shop.test'], quiet);
    execFileSync('openssl', ['ca', '-batch', '-config', f('cnf'), '-selfsign', '-keyfile', f('key'), '-in', f('csr'), '-startdate', start, '-enddate', end, '-out', f('pem')], quiet);
    return f('pem');
  }

  const info = (...args: string[]) => JSON.parse(execFileSync('python3', [SCRIPT, ...args], { encoding: 'utf8' }));

  beforeAll(() => {
    dir = tmpDir('pl-cert-info-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('given a current certificate, reports its serial, dates and names (lower case, sorted) and that renewal is not due', () => {
    const year = new Date().getUTCFullYear();
    const pem = cert('fresh', `${year - 1}0101000000Z`, `${year + 2}0101000000Z`, '0A1B');
    expect(info(pem)).toEqual({
      serial: '0a1b',
      not_before: `${year - 1}-01-01T00:00:00Z`,
      not_after: `${year + 2}-01-01T00:00:00Z`,
      domains: ['shop.test', 'www.shop.test'],
      renew_at: expect.stringMatching(new RegExp(`^${year + 1}-`)),
      due: false,
      expired: false,
    });
  });

  it('given a share of the lifetime that has passed, reports renewal due at notBefore + share × lifetime', () => {
    const pem = cert('half', '20200101000000Z', '20400101000000Z', '01');
    expect(info(pem, '0.25')).toMatchObject({ renew_at: '2024-12-31T06:00:00Z', due: true, expired: false });
    expect(info(pem, '0.9')).toMatchObject({ renew_at: '2037-12-31T12:00:00Z', due: false });
  });

  it('given an expired certificate, reports it expired and due', () => {
    expect(info(cert('old', '20200101000000Z', '20200401000000Z', '02'))).toMatchObject({ due: true, expired: true });
  });

  it('given a key instead of a certificate, or a bad share, exits 2 without printing the file', () => {
    const key = path.join(dir, 'fresh.key');
    const r = spawnSync('python3', [SCRIPT, key], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const keyBody = fs.readFileSync(key, 'utf8').split('\n')[1];
    expect(r.stderr).not.toContain(keyBody);
    expect(spawnSync('python3', [SCRIPT, path.join(dir, 'fresh.pem'), '1.5'], { encoding: 'utf8' }).status).toBe(2);
  });
});
