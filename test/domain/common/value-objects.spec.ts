import { InvalidValue } from '../../../src/domain/common/domain-error';
import {
  DEFAULT_PHP_VERSION,
  parseDisplayName,
  parseDomain,
  parseEmail,
  parseEnvironmentName,
  parseHost,
  parseHostKeyFingerprint,
  parseNodeName,
  parsePhpVersion,
  parsePort,
  parseSlug,
  parseSshUser,
  slugify,
} from '../../../src/domain/common/value-objects';

function expectInvalid(parse: (v: unknown) => unknown, value: unknown, field?: string): void {
  let caught: unknown;
  try {
    parse(value);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidValue);
  expect((caught as InvalidValue).code).toBe('VALIDATION_FAILED');
  if (field) expect((caught as InvalidValue).details.field).toBe(field);
}

/** Inputs that must never reach a node. Each is built around an otherwise valid value. */
const HOSTILE = [
  'a;rm -rf /',
  'site;rm -rf /',
  '$(id)',
  'site$(id)',
  '`id`',
  'site`id`',
  'my site',
  'site\nx',
  'site\n',
  'site\r',
  'site\t',
  "site'",
  'site"',
  'site|cat',
  'site&x',
  'site>x',
  'site<x',
  'site\\x',
  'site*',
  'site?',
  'site{a,b}',
  'site~',
  'site#',
  'site!',
  'site\u0000',
  '-rf',
  '--help',
  'sіte', // Cyrillic і
  'ѕite', // Cyrillic ѕ
  'site\u200b', // zero-width space
  'ｓｉｔｅ', // full-width
  '\u212Aelvin', // Kelvin sign: lowercases to ASCII "k"
  'examp\u0131e.com', // dotless ı
  '',
];

const ALL_VALIDATORS: Array<[string, (v: unknown) => unknown]> = [
  ['parseSlug', parseSlug],
  ['parseDomain', parseDomain],
  ['parseHost', parseHost],
  ['parseSshUser', parseSshUser],
  ['parsePhpVersion', parsePhpVersion],
  ['parseEmail', parseEmail],
  ['parseEnvironmentName', parseEnvironmentName],
  ['parseNodeName', parseNodeName],
  ['parsePort', parsePort],
  ['parseHostKeyFingerprint', parseHostKeyFingerprint],
];

describe('value objects refuse shell metacharacters, whitespace, quotes and look-alikes', () => {
  describe.each(ALL_VALIDATORS)('%s', (_name, parse) => {
    it.each(HOSTILE.map((v) => [JSON.stringify(v), v]))('rejects %s', (_label, value) => {
      expectInvalid(parse, value);
    });
    it.each([[null], [undefined], [{}], [['a']]])('rejects non-string %p', (value) => {
      expectInvalid(parse, value);
    });
  });

  it('rejects hostile payloads wrapped around valid values in domain-like validators', () => {
    for (const v of ['example.com;id', 'example.com $(id)', 'a.example.com`id`', "example.com'", 'exa mple.com']) {
      expectInvalid(parseDomain, v);
      expectInvalid(parseHost, v);
      expectInvalid(parseEmail, `a@${v}`);
    }
    expectInvalid(parseEmail, 'a;id@example.com');
    expectInvalid(parseEmail, '$(id)@example.com');
  });
});

describe('parseSlug', () => {
  it.each(['abc', 'my-site', 'a1b', 'site-2024', 'a' + 'b'.repeat(30) + 'c'])('accepts %s', (v) => {
    expect(parseSlug(v)).toBe(v);
  });
  it.each(['ab', 'Abc', '1abc', 'abc-', '-abc', 'a--b', 'a_b', 'a.b', 'a' + 'b'.repeat(31) + 'c'])('rejects %s', (v) => {
    expectInvalid(parseSlug, v, 'slug');
  });
  it('names the field it was given', () => expectInvalid((v) => parseSlug(v, 'envSlug'), 'X', 'envSlug'));
});

describe('slugify', () => {
  it.each([
    ['My Site', 'my-site'],
    ['  Café  Müller!! ', 'cafe-muller'],
    ['Über--Shop', 'uber-shop'],
    ['123 Shop', 'site-123-shop'],
    ['A', 'site-a'],
    ['', 'site'],
    ['!!!', 'site'],
    ['日本語', 'site'],
    ['$(rm -rf /)', 'rm-rf'],
    ['a'.repeat(40), 'a'.repeat(32)],
    ['abcdefghijklmnopqrstuvwxyzabcde fgh', 'abcdefghijklmnopqrstuvwxyzabcde'],
  ])('%p -> %p', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(parseSlug(slugify(name))).toBe(slug);
  });
});

describe('parseDomain', () => {
  it.each(['example.com', 'www.example.co.uk', 'a-b.example.org', 'xn--mnchen-3ya.de', 'x.io', '1.example.com'])(
    'accepts %s',
    (v) => expect(parseDomain(v)).toBe(v),
  );
  it('lowercases', () => expect(parseDomain('WWW.Example.COM')).toBe('www.example.com'));
  it('accepts 63-char labels and 253 chars in total', () => {
    const label = 'a'.repeat(63);
    expect(parseDomain(`${label}.com`)).toBe(`${label}.com`);
    const long = `${label}.${label}.${label}.${'a'.repeat(57)}.com`;
    expect(long).toHaveLength(253);
    expect(parseDomain(long)).toBe(long);
  });
  it.each([
    'localhost',
    'example',
    'example.com.',
    '.example.com',
    'a..com',
    '-a.com',
    'a-.com',
    'a.-com',
    'a_b.com',
    `${'a'.repeat(64)}.com`,
    `${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(58)}.com`,
    '1.2.3.4',
    '999.1.1.1',
    'münchen.de',
    'http://example.com',
    'example.com/path',
    'example.com:80',
    'user@example.com',
  ])('rejects %s', (v) => expectInvalid(parseDomain, v, 'domain'));
});

describe('parseHost', () => {
  it.each(['10.0.0.1', '0.0.0.0', '255.255.255.255', '192.168.1.10', 'localhost', 'node1.example.com'])(
    'accepts %s',
    (v) => expect(parseHost(v)).toBe(v),
  );
  it('lowercases domain hosts', () => expect(parseHost('Node1.Example.com')).toBe('node1.example.com'));
  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', '1..2.3', '::1', '[::1]', 'LOCALHOST ', 'host', '1.2.3.4:22'])(
    'rejects %s',
    (v) => expectInvalid(parseHost, v, 'host'),
  );
});

describe('parsePort', () => {
  it.each([
    [1, 1],
    [22, 22],
    [65535, 65535],
    ['2222', 2222],
  ])('accepts %p', (v, n) => expect(parsePort(v)).toBe(n));
  it.each([0, -1, 65536, 22.5, NaN, Infinity, '22a', ' 22', '', '0x16', '1e3', true])('rejects %p', (v) =>
    expectInvalid(parsePort, v, 'port'),
  );
});

describe('parseSshUser', () => {
  it.each(['root', 'deploy', '_svc', 'user-1', 'a_b', 'a'.repeat(32)])('accepts %s', (v) => expect(parseSshUser(v)).toBe(v));
  it.each(['Root', '1user', '-user', 'a'.repeat(33), 'us.er', 'us@er'])('rejects %s', (v) => expectInvalid(parseSshUser, v, 'user'));
});

describe('parsePhpVersion', () => {
  it.each(['8.1', '8.2', '8.3'])('accepts %s', (v) => expect(parsePhpVersion(v)).toBe(v));
  it.each(['7.4', '8.4', '8', '8.3.1', ' 8.3', 8.3])('rejects %p', (v) => expectInvalid(parsePhpVersion, v, 'phpVersion'));
  it('defaults to a supported version', () => expect(parsePhpVersion(DEFAULT_PHP_VERSION)).toBe(DEFAULT_PHP_VERSION));
});

describe('parseEmail', () => {
  it.each(['admin@example.com', 'first.last+wp@mail.example.org', 'a_b-c@x.io', 'A@example.com'])('accepts %s', (v) =>
    expect(parseEmail(v)).toBe(v),
  );
  it('lowercases the domain part only', () => expect(parseEmail('Admin@Example.COM')).toBe('Admin@example.com'));
  it.each([
    'admin',
    '@example.com',
    'admin@',
    'a@b@example.com',
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    '-a@example.com',
    'a b@example.com',
    'a@localhost',
    'a%b@example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.${'e'.repeat(62)}.com`,
  ])('rejects %s', (v) => expectInvalid(parseEmail, v, 'email'));
});

describe('parseEnvironmentName', () => {
  it.each(['production', 'staging', 'dev-2', 'a', 'a'.repeat(20)])('accepts %s', (v) => expect(parseEnvironmentName(v)).toBe(v));
  it.each(['Production', '2dev', '-dev', 'dev_1', 'a'.repeat(21)])('rejects %s', (v) =>
    expectInvalid(parseEnvironmentName, v, 'environment'),
  );
});

describe('parseNodeName', () => {
  it.each(['node1', 'web-01', 'db_1', 'node.eu-1', '1node', 'a'.repeat(63)])('accepts %s', (v) => expect(parseNodeName(v)).toBe(v));
  it('lowercases', () => expect(parseNodeName('Web-01.EU')).toBe('web-01.eu'));
  it.each(['-node', '.node', '_node', 'a'.repeat(64), 'no/de', 'no:de'])('rejects %s', (v) => expectInvalid(parseNodeName, v, 'name'));
});

describe('parseHostKeyFingerprint', () => {
  const fp = 'SHA256:' + 'A'.repeat(43);
  it('accepts an OpenSSH SHA256 fingerprint', () => {
    expect(parseHostKeyFingerprint(fp)).toBe(fp);
    expect(parseHostKeyFingerprint(fp + '=')).toBe(fp + '=');
    expect(parseHostKeyFingerprint('SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s')).toBeDefined();
  });
  it.each(['MD5:' + 'a'.repeat(43), 'SHA256:' + 'A'.repeat(42), 'sha256:' + 'A'.repeat(43), fp + ' ', 'SHA256:' + 'A'.repeat(42) + '$'])(
    'rejects %s',
    (v) => expectInvalid(parseHostKeyFingerprint, v, 'hostKeyFingerprint'),
  );
});

describe('parseDisplayName', () => {
  it('trims and keeps spaces and punctuation', () => expect(parseDisplayName('  My Café & Bar ')).toBe('My Café & Bar'));
  it.each(['', '   ', 'a'.repeat(101), 'line\nbreak', 'nul\u0000', 'tab\tbed', 'sep\u2028x', 42])('rejects %p', (v) =>
    expectInvalid(parseDisplayName, v, 'name'),
  );
});
