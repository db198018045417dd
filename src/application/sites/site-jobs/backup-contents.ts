import type { BackupContents, BackupLocation, BackupPart } from '../../../domain/site/site-backup.events';

function partsOf(list: unknown): BackupPart[] {
  return (Array.isArray(list) ? list : []).map((p: Record<string, unknown>) => ({
    name: String(p.name),
    file: String(p.file),
    size: Number(p.size),
    sha256: String(p.sha256),
  }));
}

/**
 * What site-backup.yml's pl_result ({path, manifest}) says a backup holds, as the domain records it.
 * Only the fields the domain keeps are read; anything else in the manifest stays on the node. When
 * the run sent it to the node's restic repository (`restic`: {snapshotId, parts}), that copy is a
 * second location.
 */
export function backupContentsOf(
  result: Record<string, unknown> | null,
  nodeId: string,
  repository: { repositoryId: string; url: string } | null = null,
): BackupContents {
  const manifest = (result?.manifest ?? {}) as Record<string, unknown>;
  const parts = partsOf(manifest.parts);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const restic = (result?.restic ?? null) as Record<string, unknown> | null;
  const locations: BackupLocation[] = [{ kind: 'node', nodeId, path: String(result?.path ?? '') }];
  const snapshotId = text(restic?.snapshotId);
  if (repository && snapshotId) {
    locations.push({ kind: 'restic', nodeId, repositoryId: repository.repositoryId, url: repository.url, snapshotId, parts: partsOf(restic?.parts) });
  }
  return {
    parts,
    size: parts.reduce((sum, p) => sum + p.size, 0),
    locations,
    releaseId: text(manifest.releaseId),
    wordpressVersion: text(manifest.wordpressVersion),
    tableCount: Array.isArray(manifest.tables) ? manifest.tables.length : 0,
  };
}
