import { loadSettings } from '../../../src/infrastructure/config/settings';

describe('loadSettings', () => {
  it('given no environment, defaults to loopback:8080, ./data, FULL sync', () => {
    const s = loadSettings({}, '/srv/pressluft');
    expect(s).toMatchObject({ httpHost: '127.0.0.1', httpPort: 8080, dataDir: '/srv/pressluft/data', databaseFile: '/srv/pressluft/data/pressluft.db', synchronous: 'FULL', logLevel: 'info' });
  });

  it('given variables, uses them', () => {
    const s = loadSettings({ PRESSLUFT_HTTP_PORT: '9000', PRESSLUFT_DATA_DIR: '/var/lib/pressluft', PRESSLUFT_DB_SYNCHRONOUS: 'NORMAL' }, '/x');
    expect(s).toMatchObject({ httpPort: 9000, dataDir: '/var/lib/pressluft', synchronous: 'NORMAL' });
  });

  it('locks root SSH login on bootstrap unless PRESSLUFT_LOCK_ROOT_LOGIN=off', () => {
    expect(loadSettings({}, '/x').lockRootLogin).toBe(true);
    expect(loadSettings({ PRESSLUFT_LOCK_ROOT_LOGIN: 'off' }, '/x').lockRootLogin).toBe(false);
  });

  it('given no ACME settings, uses Let\'s Encrypt production, no e-mail and the system CA store', () => {
    expect(loadSettings({}, '/x')).toMatchObject({ acmeDirectoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', acmeEmail: '', acmeCaFile: '' });
  });

  it('given ACME settings, takes the staging name or a URL, the e-mail and a CA file relative to the working directory', () => {
    expect(loadSettings({ PRESSLUFT_ACME_DIRECTORY_URL: 'letsencrypt-staging' }, '/x').acmeDirectoryUrl).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    const s = loadSettings({ PRESSLUFT_ACME_DIRECTORY_URL: 'https://10.254.1.1:14000/dir', PRESSLUFT_ACME_EMAIL: 'ops@example.org', PRESSLUFT_ACME_CA_FILE: 'settings.spec.ts' }, __dirname);
    expect(s).toMatchObject({ acmeDirectoryUrl: 'https://10.254.1.1:14000/dir', acmeEmail: 'ops@example.org', acmeCaFile: __filename });
  });

  it.each([
    ['PRESSLUFT_ACME_DIRECTORY_URL', 'http://acme.example/dir'],
    ['PRESSLUFT_ACME_DIRECTORY_URL', 'staging'],
    ['PRESSLUFT_ACME_EMAIL', 'ops at example.org'],
    ['PRESSLUFT_ACME_CA_FILE', '/nonexistent/ca.pem'],
    ['PRESSLUFT_LOCK_ROOT_LOGIN', 'no'],
    ['PRESSLUFT_HTTP_PORT', 'eighty'],
    ['PRESSLUFT_LOG_LEVEL', 'chatty'],
    ['PRESSLUFT_DB_SYNCHRONOUS', 'OFF'],
    ['PRESSLUFT_WORKER', 'maybe'],
  ])('given a bad %s, refuses with a reason naming it', (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(name);
  });
});
