import { meaningOfExitCode } from '../../../src/infrastructure/remote-runner/ansible-exit-codes';

describe('ansible exit code registry', () => {
  it('maps exit codes to error codes', () => {
    expect(meaningOfExitCode(0)).toBeNull();
    expect(meaningOfExitCode(2)).toMatchObject({ code: 'REMOTE_RUN_FAILED', retryable: false });
    expect(meaningOfExitCode(4)).toMatchObject({ code: 'NODE_UNREACHABLE', retryable: true });
    for (const rc of [1, 3, 5, 99, 250, 7]) expect(meaningOfExitCode(rc)?.code).toBe('REMOTE_RUN_FAILED');
    expect(meaningOfExitCode(143)).toMatchObject({ code: 'REMOTE_RUN_FAILED', retryable: true, message: expect.stringContaining('signal 15') });
  });
});
