import { parentPort, workerData } from 'node:worker_threads';
import type { ClassifyInput } from './classify';
import type { LuaLimits } from './lua-limits';
import { LuaSandbox } from './lua-sandbox';

/** The worker side of WorkerLuaSandbox: runs one request at a time in its own LuaSandbox. */
export type LuaWorkerRequest =
  | { readonly id: number; readonly op: 'run'; readonly code: string; readonly input: ClassifyInput }
  | { readonly id: number; readonly op: 'compile'; readonly code: string };

const port = parentPort;
if (port) {
  const sandbox = new LuaSandbox((workerData as { limits: LuaLimits }).limits);
  port.on('message', (request: LuaWorkerRequest) => {
    const answer = request.op === 'run' ? sandbox.run(request.code, request.input) : sandbox.compile(request.code);
    answer.then(
      (result) => port.postMessage({ id: request.id, result }),
      (error: Error) => port.postMessage({ id: request.id, error: error.message }),
    );
  });
  // Compile the wasm module now, so that no request's time limit pays for it.
  void sandbox.compile('').then(() => port.postMessage({ ready: true }));
}
