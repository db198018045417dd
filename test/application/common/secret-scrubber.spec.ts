import { REDACTED, SecretScrubber } from '../../../src/application/common/secret-scrubber';

describe('SecretScrubber', () => {
  const secret = `p'a"s\\s w+rd/=é`;
  const scrubber = new SecretScrubber();
  scrubber.add(secret);

  it.each([
    ['as is', secret],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['Python repr', secret.replace(/\\/g, '\\\\').replace(/'/g, "\\'")],
    ['shell single-quoted', secret.replace(/'/g, `'\\''`)],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', encodeURIComponent(secret).replace(/%20/g, '+')],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    ['hex', Buffer.from(secret).toString('hex')],
  ])('removes the secret %s', (_, form) => {
    expect(scrubber.text(`before ${form} after`)).toBe(`before ${REDACTED} after`);
  });

  it('walks values and keys of JSON-like data and leaves other values alone', () => {
    expect(scrubber.value({ msg: `x ${secret}`, list: [secret, 3, null, true], [secret]: 1 })).toEqual({
      msg: `x ${REDACTED}`,
      list: [REDACTED, 3, null, true],
      [REDACTED]: 1,
    });
  });

  it('ignores values too short to be secrets and changes nothing without secrets', () => {
    const s = new SecretScrubber();
    s.add('abc');
    expect(s.size).toBe(0);
    expect(s.text('abc abc')).toBe('abc abc');
    const data = { a: 'abc' };
    expect(s.value(data)).toBe(data);
  });
});
