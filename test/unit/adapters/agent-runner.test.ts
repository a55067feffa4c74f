import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPlugin } from '../../../adapters/agent/runner';

/** Real /bin/sh children (no mocks): the runner's contract is about processes. As the test's own user. */
describe('agent plugin runner', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-runner-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (body: string, args: string[] = [], limits: { timeoutMs?: number; outputLimit?: number } = {}) => {
    const entry = path.join(dir, `p${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(entry, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return runPlugin(
      { entry, cwd: dir, args, timeoutMs: limits.timeoutMs ?? 5000, outputLimit: limits.outputLimit ?? 4096, env: { PATH: '/usr/bin:/bin', ARG: 'x' } },
      { description: 'test' },
    );
  };

  it('exit 0 with the last line: ok with value and message; arguments and environment passed', async () => {
    expect(await run('echo noise\necho "{\\"value\\": 3, \\"message\\": \\"$1 $ARG\\"}"', ['first'])).toMatchObject({ outcome: 'ok', value: 3, message: 'first x' });
  });

  it('a non-zero exit is failed, with the last line when there is one, else the end of stderr', async () => {
    expect(await run('echo \'{"value": 95, "message": "disk full"}\'\nexit 2')).toMatchObject({ outcome: 'failed', value: 95, message: 'disk full' });
    expect(await run('echo boom >&2\nexit 3')).toMatchObject({ outcome: 'failed', value: null, message: 'the plugin exited with status 3: boom' });
  });

  it('exit 0 without the contract line is an error naming the problem', async () => {
    expect(await run('echo 42')).toMatchObject({ outcome: 'error', message: expect.stringContaining('not a JSON object') });
    expect(await run('true')).toMatchObject({ outcome: 'error', message: expect.stringContaining('printed nothing') });
  });

  it('a plugin killed by a signal, and one that cannot start, are errors', async () => {
    expect(await run('kill -9 $$')).toMatchObject({ outcome: 'error', message: expect.stringContaining('SIGKILL') });
    const missing = await runPlugin({ entry: path.join(dir, 'absent'), cwd: dir, args: [], timeoutMs: 1000, outputLimit: 100, env: {} }, { description: 'test' });
    expect(missing).toMatchObject({ outcome: 'error', message: expect.stringContaining('cannot start the plugin') });
  });

  it('enforces the timeout and the output limit exactly at their bounds', async () => {
    expect(await run('sleep 5', [], { timeoutMs: 200 })).toMatchObject({ outcome: 'timeout' });
    // 100 bytes of output with a limit of 100: allowed; 101: cut.
    const line = (n: number) => `printf '%${n - 31}s{"value": 1, "message": "fits"}' ''`;
    expect(await run(line(100), [], { outputLimit: 100 })).toMatchObject({ outcome: 'ok', message: 'fits' });
    expect(await run(line(101), [], { outputLimit: 100 })).toMatchObject({ outcome: 'error', message: expect.stringContaining('output limit of 100 bytes') });
  });
});
