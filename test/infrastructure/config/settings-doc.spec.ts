import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../../../src/infrastructure/config/settings';

/**
 * docs/operations.md and docs/configuration.md must name every PRESSLUFT_* variable the code reads, give the
 * settings the same defaults as the code and as each other, and name no variable the code does not know.
 */
const root = join(__dirname, '../../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const NAME = /PRESSLUFT_[A-Z0-9]+(?:_[A-Z0-9]+)*/g;
const namesIn = (text: string): Set<string> => new Set(text.match(NAME) ?? []);

/** Every name read anywhere in src/ (settings, and the CLI's PRESSLUFT_URL/PRESSLUFT_TOKEN). */
const srcFiles = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
const codeNames = new Set(srcFiles.flatMap((f) => [...namesIn(read(join('src', f)))]));
/** The settings loadSettings reads: each one needs a row in both tables. */
const settingNames = [...namesIn(read('src/infrastructure/config/settings.ts'))].sort();
const installNames = namesIn(read('install.sh'));

const DOCS = ['docs/operations.md', 'docs/configuration.md'] as const;

/** `| \`PRESSLUFT_X\` | default | meaning |` rows: name → default cell. */
function settingRows(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const m = /^\| `(PRESSLUFT_[A-Z0-9_]+)` \| ([^|]*) \|/.exec(line);
    if (m) rows.set(m[1], m[2].trim());
  }
  return rows;
}

describe('the PRESSLUFT_* settings in the docs', () => {
  it('finds the settings in the code', () => {
    expect(settingNames.length).toBeGreaterThan(40);
    expect(settingNames).toContain('PRESSLUFT_UPLOAD_MAX_BYTES');
  });

  describe.each(DOCS)('%s', (doc) => {
    const text = read(doc);
    const rows = settingRows(text);

    it.each([...codeNames].sort())('names %s', (name) => expect([...namesIn(text)]).toContain(name));

    it.each(settingNames)('has a table row for %s', (name) => expect([...rows.keys()]).toContain(name));

    it('has one row per setting and none for a variable loadSettings does not read', () => {
      expect([...rows.keys()].sort()).toEqual(settingNames);
    });
  });

  it('gives every setting the same default in both tables', () => {
    const [ops, conf] = DOCS.map((doc) => settingRows(read(doc)));
    expect(Object.fromEntries(ops)).toEqual(Object.fromEntries(conf));
  });

  /** A default written as one literal (`8080`, `on`, a URL) must be the code's: setting it changes nothing. */
  const docsDir = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
  const literalDefaults = docsDir.flatMap((f) =>
    [...settingRows(read(join('docs', f)))].flatMap(([name, cell]) => {
      const literal = /^`([^`]+)`$/.exec(cell);
      return literal ? [[`docs/${f}`, name, literal[1]] as const] : [];
    }),
  );

  it.each(literalDefaults)('%s: %s defaults to %s as in the code', (_doc, name, value) => {
    expect(loadSettings({ [name]: value }, '/srv/pressluft')).toEqual(loadSettings({}, '/srv/pressluft'));
  });

  it('checks the literal defaults of most settings', () => {
    expect(literalDefaults.filter(([doc]) => doc === 'docs/operations.md').length).toBeGreaterThan(35);
  });

  it.each(['README.md', ...docsDir.map((f) => `docs/${f}`)])('%s names no PRESSLUFT_ variable that neither src/ nor install.sh knows', (doc) => {
    const text = read(doc);
    const known = (name: string): boolean => codeNames.has(name) || installNames.has(name);
    // `PRESSLUFT_ACME_*` stands for a group: some known name must start with it (`PRESSLUFT_*` is all of them).
    const prefixes = [...text.matchAll(/(PRESSLUFT_[A-Z0-9]+(?:_[A-Z0-9]+)*)_\*/g)].map((m) => m[1]);
    const unknownPrefixes = prefixes.filter((p) => ![...codeNames].some((n) => n.startsWith(`${p}_`)));
    const unknown = [...namesIn(text)].filter((n) => !known(n) && !prefixes.includes(n));
    expect({ unknown, unknownPrefixes }).toEqual({ unknown: [], unknownPrefixes: [] });
  });
});
