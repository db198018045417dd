import { execFileSync } from 'node:child_process';
import { shellQuote } from '../../../src/infrastructure/ssh/shell-quote';

export const HOSTILE_ARGS = [
  '$(id)',
  '`id`',
  'a; rm -rf /tmp/nonexistent-pl',
  "it's",
  "''",
  "'",
  '"double" \\"escaped\\"',
  'line1\nline2\n',
  '\ttab and  spaces ',
  '*',
  '~',
  '$HOME ${PATH} $1 $@',
  '| & && || > < >> 2>&1',
  '-n',
  '--',
  '',
  'ünïcödé ✓ 日本語 🚀',
  '\\',
  '!history',
  '#comment',
];

describe('shellQuote', () => {
  it('single-quotes every argument', () => {
    expect(shellQuote(['echo', 'a b'])).toBe(`'echo' 'a b'`);
    expect(shellQuote(["it's"])).toBe(`'it'\\''s'`);
    expect(shellQuote([''])).toBe(`''`);
  });

  it('refuses NUL bytes and an empty argv', () => {
    expect(() => shellQuote(['a\0b'])).toThrow(/NUL/);
    expect(() => shellQuote([])).toThrow();
  });

  it.each(['/bin/sh', '/bin/bash'])('round-trips hostile arguments through %s exactly', (sh) => {
    for (const arg of HOSTILE_ARGS) {
      const out = execFileSync(sh, ['-c', shellQuote(['printf', '%s', arg])]).toString('utf8');
      expect(out).toBe(arg);
    }
  });
});
