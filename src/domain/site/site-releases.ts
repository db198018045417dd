/**
 * The releases of one environment as the control plane knows them: which one is live, which one was
 * live before (the default rollback target), which ones the node still keeps and which are marked bad.
 * Pure functions shared by the site decider and the environment read model.
 */
export interface ReleaseSet {
  readonly currentReleaseId: string | null;
  readonly previousReleaseId: string | null;
  /** Kept on the node, oldest first. */
  readonly releases: readonly string[];
  readonly badReleaseIds: readonly string[];
}

/** Mirrors the playbooks' keep_releases default: the node prunes to this many (never current or previous). */
export const KEEP_RELEASES = 5;

export const NO_RELEASES: ReleaseSet = { currentReleaseId: null, previousReleaseId: null, releases: [], badReleaseIds: [] };

function kept(releases: readonly string[], current: string | null, previous: string | null): string[] {
  const newest = releases.slice(-KEEP_RELEASES);
  return releases.filter((r) => newest.includes(r) || r === current || r === previous);
}

/** `releaseId` goes live; the release live until now becomes the previous one. */
export function releaseSwitchedTo<T extends ReleaseSet>(set: T, releaseId: string | null): T {
  if (!releaseId) return set;
  const previous = set.currentReleaseId && set.currentReleaseId !== releaseId ? set.currentReleaseId : set.previousReleaseId;
  const releases = kept(set.releases.includes(releaseId) ? set.releases : [...set.releases, releaseId], releaseId, previous);
  return { ...set, currentReleaseId: releaseId, previousReleaseId: previous, releases, badReleaseIds: set.badReleaseIds.filter((r) => releases.includes(r)) };
}

/** A release that was switched to and back again (its deploy rolled back): kept, but marked bad. */
export function releaseMarkedBad<T extends ReleaseSet>(set: T, releaseId: string | null | undefined): T {
  if (!releaseId || set.badReleaseIds.includes(releaseId)) return set;
  const releases = kept([...set.releases.filter((r) => r !== releaseId), releaseId], set.currentReleaseId, set.previousReleaseId);
  return { ...set, releases, badReleaseIds: [...set.badReleaseIds, releaseId].filter((r) => releases.includes(r)) };
}
