import assert from 'node:assert/strict';
import { RaygateError } from '../../src/shared/errors.ts';
import { createJsonLogger } from '../../src/shared/log.ts';

describe('createJsonLogger', () => {
  const capture = (level: 'debug' | 'info' | 'warn' | 'error') => {
    const lines: string[] = [];
    const log = createJsonLogger(
      (line) => lines.push(line),
      level,
      () => new Date('2026-01-01T00:00:00Z'),
    );
    return { lines, log };
  };

  it('writes one JSON object per line with time, level, message and fields', () => {
    const { lines, log } = capture('info');
    log.info('request', { status: 200 });
    assert.deepEqual(lines, [
      '{"time":"2026-01-01T00:00:00.000Z","level":"info","msg":"request","status":200}\n',
    ]);
  });

  it('drops lines below its level', () => {
    const { lines, log } = capture('warn');
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
      ['c', 'd'],
    );
  });

  it('carries a child’s fields and writes errors as name, message and code', () => {
    const { lines, log } = capture('debug');
    log
      .child({ requestId: 'r1' })
      .error('failed', { error: new RaygateError('TOKEN_INVALID', 'unauthorized', 'nope') });
    assert.deepEqual(JSON.parse(lines[0]!), {
      time: '2026-01-01T00:00:00.000Z',
      level: 'error',
      msg: 'failed',
      requestId: 'r1',
      error: { name: 'RaygateError', message: 'nope', code: 'TOKEN_INVALID' },
    });
  });
});
