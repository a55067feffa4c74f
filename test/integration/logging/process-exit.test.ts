import { execFile } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../support/free-port';
import { JsonLinesReceiver } from './json-lines-receiver';

/**
 * A one-shot command (`mymonit migrate`, `user create`) with LOGSTASH_HOST set must still exit when its
 * work is done: the Logstash transport's socket and reconnect timers must not keep the process alive.
 * Checked in a child process, which exits by itself or not at all.
 */
const root = path.resolve(__dirname, '../../..');

// Loads the transport's TypeScript in a bare node process: transpiled on require, no build needed.
const child = `
const fs = require('fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, file) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, file);
};
const { BoundedLogstashTransport } = require(${JSON.stringify(path.join(root, 'src/logging/bounded-logstash-transport.ts'))});
const transport = new BoundedLogstashTransport({ host: '127.0.0.1', port: Number(process.argv[1]), capacity: 10, maxRetryDelayMs: 200, idleTimeoutMs: 60000 });
transport.log({ message: 'one-shot command done', level: 'info' }, () => {});
setTimeout(() => process.stdout.write(JSON.stringify(transport.stats())), 500);
`;

function runChild(port: number): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', child, String(port)], { cwd: root, timeout: 15000 }, (error, stdout) => {
      resolve({ code: error ? (error.killed ? null : Number(error.code)) : 0, stdout, ms: Date.now() - started });
    });
  });
}

describe('a process that logs to Logstash', () => {
  it('exits when its work is done while Logstash is unreachable', async () => {
    const result = await runChild(await freePort());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ queued: 1, sent: 0 });
  });

  it('exits when its work is done while connected to Logstash, after shipping', async () => {
    const logstash = new JsonLinesReceiver();
    await logstash.start();
    try {
      const result = await runChild(logstash.port);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ queued: 0, sent: 1 });
      expect(logstash.events).toEqual([expect.objectContaining({ message: 'one-shot command done' })]);
    } finally {
      await logstash.stop();
    }
  });
});
