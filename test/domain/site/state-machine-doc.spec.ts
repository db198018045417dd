import { readFileSync } from 'fs';
import { join } from 'path';
import { SITE_LIFECYCLE_TABLE, SITE_STATES } from '../../../src/domain/site/site-lifecycle.state-machine';

/** docs/state-machine.md must show exactly the code's table, so the two cannot drift. */
const doc = readFileSync(join(__dirname, '../../../docs/state-machine.md'), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim().replace(/`/g, '')))
    .slice(1); // header
}

const codeRows = SITE_LIFECYCLE_TABLE.map((r) => [r.from, r.transition, r.retryOf ?? '', r.to].join(' | '));

describe('docs/state-machine.md', () => {
  const docRows = tableRows(section('Transitions')).map((cells) => cells.join(' | '));

  it.each(codeRows)('lists the row %s', (row) => expect(docRows).toContain(row));

  it('lists no row the code does not have', () => {
    expect([...docRows].sort()).toEqual([...codeRows].sort());
  });

  it('lists every state', () => {
    const docStates = tableRows(section('States')).map((cells) => cells[0]);
    expect(docStates).toEqual([...SITE_STATES]);
  });

  it('draws every row in the mermaid diagram', () => {
    const diagram = section('Diagram');
    for (const r of SITE_LIFECYCLE_TABLE) {
      expect(diagram).toContain(`${r.from} --> ${r.to}: ${r.transition}${r.retryOf ? ` (${r.retryOf})` : ''}`);
    }
  });
});
