import type { ErrorCode } from '../../domain/common/error-codes';

export interface ExitCodeMeaning {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

/** ansible-playbook exit codes -> Pressluft error codes (0 is success and not listed). */
export const ANSIBLE_EXIT_CODES: Readonly<Record<number, ExitCodeMeaning>> = {
  1: { code: 'REMOTE_RUN_FAILED', message: 'ansible-playbook reported an error', retryable: false },
  2: { code: 'REMOTE_RUN_FAILED', message: 'one or more tasks failed', retryable: false },
  3: { code: 'REMOTE_RUN_FAILED', message: 'one or more hosts were unreachable (ansible rc 3)', retryable: true },
  4: { code: 'NODE_UNREACHABLE', message: 'the host was unreachable from ansible', retryable: true },
  5: { code: 'REMOTE_RUN_FAILED', message: 'bad or incomplete options given to ansible-playbook', retryable: false },
  8: { code: 'REMOTE_RUN_FAILED', message: 'ansible-playbook was interrupted', retryable: true },
  99: { code: 'REMOTE_RUN_FAILED', message: 'the run was interrupted by the user', retryable: true },
  250: { code: 'REMOTE_RUN_FAILED', message: 'unexpected ansible error', retryable: false },
};

export function meaningOfExitCode(rc: number): ExitCodeMeaning | null {
  if (rc === 0) return null;
  const known = ANSIBLE_EXIT_CODES[rc];
  if (known) return known;
  if (rc > 128) return { code: 'REMOTE_RUN_FAILED', message: `ansible-playbook was killed by signal ${rc - 128}`, retryable: true };
  return { code: 'REMOTE_RUN_FAILED', message: `ansible-playbook exited with ${rc}`, retryable: false };
}
