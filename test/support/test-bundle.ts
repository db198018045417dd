import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');

/**
 * A playbooks dir for PRESSLUFT_PLAYBOOKS_DIR: the real playbooks/, with bootstrap.yml replaced by
 * test/fixtures/playbooks/fake-bootstrap.yml (gated on <remote root>/gate, writes facts.json), so
 * fault tests control exactly when a bootstrap run ends. Other fixtures are added under their names.
 */
export function makeFakeBootstrapBundle(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pl-test-bundle-'));
  cpSync(join(REPO, 'playbooks'), dir, { recursive: true });
  cpSync(join(REPO, 'test', 'fixtures', 'playbooks', 'fake-bootstrap.yml'), join(dir, 'bootstrap.yml'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
