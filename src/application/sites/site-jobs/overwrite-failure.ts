import { JobFailure } from '../../ports/job-queue.port';
import { plResult, str } from './site-job-support';

/** How one overwriting operation (restore, promotion) names its outcomes. */
export interface OverwriteTerms {
  /** "restore", "promotion" */
  readonly operation: string;
  /** the backup taken before it overwrote: "pre-restore", "pre-promotion" */
  readonly backup: string;
  /** the code of a refusal whose pl_result names none */
  readonly refusedCode: string;
  readonly failedCode: string;
  readonly rollbackFailedCode: string;
}

/**
 * A failed run of a playbook that overwrites a site and puts its backup back on failure
 * (site-restore.yml, site-promote.yml), read through its pl_result {overwritten, rolled_back, code,
 * reason, rollback_reason}: refused before overwriting, rolled back, or both failed.
 */
export function overwriteFailure(failure: JobFailure, terms: OverwriteTerms): JobFailure {
  const out = plResult(failure);
  if (!out || typeof out.overwritten !== 'boolean') return new JobFailure(failure.code, failure.message, failure.retryable, { ...failure.summary, phase: 'post-overwrite' });
  const reason = str(out.reason) ?? failure.message;
  if (!out.overwritten) {
    return new JobFailure(str(out.code) ?? terms.refusedCode, `nothing was overwritten: ${reason}`, false, { ...failure.summary, phase: 'pre-overwrite', rolledBack: false });
  }
  if (out.rolled_back === true) {
    return new JobFailure(terms.failedCode, `the ${terms.operation} failed and the ${terms.backup} backup was put back: ${reason}`, false, {
      ...failure.summary,
      phase: 'post-overwrite',
      rolledBack: true,
    });
  }
  const rollbackReason = str(out.rollback_reason) ?? 'unknown';
  return new JobFailure(terms.rollbackFailedCode, `the ${terms.operation} failed (${reason}) and putting the ${terms.backup} backup back failed too (${rollbackReason})`, false, {
    ...failure.summary,
    phase: 'post-overwrite',
    rolledBack: false,
    rollbackError: { code: terms.rollbackFailedCode, message: rollbackReason.slice(0, 500) },
  });
}
