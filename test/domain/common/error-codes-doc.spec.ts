import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../src/domain/common/error-codes';

describe('docs/errors.md', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8');
  it.each(Object.entries(ERROR_CODES))('lists %s with its kind', (code, { kind }) => {
    expect(doc).toMatch(new RegExp(`^\\| \`${code}\` \\| ${kind} \\|`, 'm'));
  });
});
