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

  it.each([
    ['PRESSLUFT_LOCK_ROOT_LOGIN', 'no'],
    ['PRESSLUFT_HTTP_PORT', 'eighty'],
    ['PRESSLUFT_LOG_LEVEL', 'chatty'],
    ['PRESSLUFT_DB_SYNCHRONOUS', 'OFF'],
    ['PRESSLUFT_WORKER', 'maybe'],
  ])('given a bad %s, refuses with a reason naming it', (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(name);
  });
});
