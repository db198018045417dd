import type { BackupContents, BackupPart } from '../../../domain/site/site-backup.events';

/**
 * What site-backup.yml's pl_result ({path, manifest}) says a backup holds, as the domain records it.
 * Only the fields the domain keeps are read; anything else in the manifest stays on the node.
 */
export function backupContentsOf(result: Record<string, unknown> | null, nodeId: string): BackupContents {
  const manifest = (result?.manifest ?? {}) as Record<string, unknown>;
  const parts: BackupPart[] = (Array.isArray(manifest.parts) ? manifest.parts : []).map((p: Record<string, unknown>) => ({
    name: String(p.name),
    file: String(p.file),
    size: Number(p.size),
    sha256: String(p.sha256),
  }));
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    parts,
    size: parts.reduce((sum, p) => sum + p.size, 0),
    locations: [{ kind: 'node', nodeId, path: String(result?.path ?? '') }],
    releaseId: text(manifest.releaseId),
    wordpressVersion: text(manifest.wordpressVersion),
    tableCount: Array.isArray(manifest.tables) ? manifest.tables.length : 0,
  };
}
