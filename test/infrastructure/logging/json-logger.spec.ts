import { JsonLogger } from '../../../src/infrastructure/logging/json-logger';

/** The process logger (pino behind Nest's LoggerService): JSON lines, readable lines, secrets redacted by path. */
describe('JsonLogger (pino)', () => {
  const capture = (format: 'json' | 'pretty') => {
    const lines: string[] = [];
    return { logger: new JsonLogger('info', (line) => lines.push(line), format), lines };
  };

  it('writes one JSON object per line with time, level label, msg and the fields; below the level nothing', () => {
    const { logger, lines } = capture('json');
    logger.event('info', 'request', { reqId: 'r-1', status: 200 });
    logger.event('debug', 'not shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), reqId: 'r-1', status: 200, msg: 'request' });
  });

  it("keeps Nest's call shapes: (message, context), an Error with its stack, an object as fields", () => {
    const { logger, lines } = capture('json');
    logger.log('Mapped route', 'RouterExplorer');
    logger.error(new Error('boom'), 'http');
    logger.warn({ msg: 'job ended', jobId: 'j1', outcome: 'failed' }, 'worker');
    const [a, b, c] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ level: 'info', context: 'RouterExplorer', msg: 'Mapped route' });
    expect(b).toMatchObject({ level: 'error', context: 'http', msg: 'boom', stack: expect.stringContaining('Error: boom') });
    expect(c).toMatchObject({ level: 'warn', context: 'worker', msg: 'job ended', jobId: 'j1', outcome: 'failed' });
  });

  it('redacts secrets by path, at the top and one level down, whatever the call site passes', () => {
    const { logger, lines } = capture('json');
    logger.event('info', 'oops', { password: 'hunter2', token: 'pl_x_y', headers: { authorization: 'Bearer pl_x_y', cookie: 'pl_session=s' }, node: { privateKey: 'KEY' } });
    expect(lines[0]).not.toMatch(/hunter2|pl_x_y|pl_session|KEY/);
    expect(JSON.parse(lines[0])).toMatchObject({ password: '[redacted]', token: '[redacted]', headers: { authorization: '[redacted]', cookie: '[redacted]' }, node: { privateKey: '[redacted]' } });
  });

  it('pretty: human-readable lines (time, level, context, message), secrets redacted there too', () => {
    const { logger, lines } = capture('pretty');
    logger.event('info', 'request', { reqId: 'r-2', password: 'hunter2' });
    logger.log('pressluft listening', 'cli');
    const text = lines.join('\n');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request$/m);
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[cli\] pressluft listening$/m);
    expect(text).toContain('reqId: "r-2"');
    expect(text).not.toContain('hunter2');
    expect(() => JSON.parse(lines[0])).toThrow();
  });
});
