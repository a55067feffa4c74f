import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClassifyInput } from './classify';
import { DEFAULT_LUA_LIMITS, type LuaLimits } from './lua-limits';
import type { LuaOutcome } from './lua-sandbox';
import type { LuaWorkerRequest } from './lua-worker';

/** Beyond the limit the Lua hook enforces itself, before the worker is terminated. */
const TERMINATE_GRACE_MS = 1_000;

type Pending = { request: LuaWorkerRequest; resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * LuaSandbox in a worker thread, one request at a time. The Lua hook bounds Lua code, but not a single
 * long call into C (a backtracking pattern in `string.find` over a long string): the worker is
 * terminated when a run outlives its wall time, and the next request gets a fresh one. It also keeps
 * classifier runs off the event loop that ingest and REST share.
 */
export class WorkerLuaSandbox {
  private worker: { thread: Worker; ready: Promise<void> } | undefined;
  private readonly queue: Pending[] = [];
  private busy = false;
  private nextId = 1;

  constructor(private readonly limits: LuaLimits = DEFAULT_LUA_LIMITS) {}

  run(code: string, input: ClassifyInput): Promise<LuaOutcome> {
    return this.enqueue({ id: this.nextId++, op: 'run', code, input }) as Promise<LuaOutcome>;
  }

  compile(code: string): Promise<string | undefined> {
    return this.enqueue({ id: this.nextId++, op: 'compile', code }) as Promise<string | undefined>;
  }

  /** Ends the worker (e.g. at shutdown); a later request starts another. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.thread.terminate();
  }

  private enqueue(request: LuaWorkerRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.send(next);
    } finally {
      this.busy = false;
    }
  }

  private async send({ request, resolve, reject }: Pending): Promise<void> {
    let worker;
    try {
      worker = this.started();
      await worker.ready;
    } catch (error) {
      this.worker = undefined;
      reject(error as Error);
      return;
    }
    const { thread } = worker;
    await new Promise<void>((done) => {
      const finish = () => {
        clearTimeout(timer);
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
        done();
      };
      const onMessage = (message: { id?: number; result?: unknown; error?: string }) => {
        if (message.id !== request.id) return;
        finish();
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.result);
      };
      const lost = (reason: string) => {
        finish();
        if (this.worker?.thread === thread) this.worker = undefined;
        void thread.terminate();
        resolve(request.op === 'run' ? ({ ok: false, reason } satisfies LuaOutcome) : reason);
      };
      const onError = (error: Error) => lost(`the Lua worker failed: ${error.message}`);
      const onExit = (code: number) => lost(`the Lua worker exited with ${code}`);
      const timer = setTimeout(() => lost('wall time limit exceeded'), this.limits.wallMs + TERMINATE_GRACE_MS);
      thread.on('message', onMessage);
      thread.once('error', onError);
      thread.once('exit', onExit);
      thread.postMessage(request);
    });
  }

  private started(): { thread: Worker; ready: Promise<void> } {
    if (this.worker) return this.worker;
    const thread = spawnWorker(this.limits);
    thread.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        thread.off('message', onReady);
        thread.off('error', reject);
        resolve();
      };
      thread.on('message', onReady);
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the Lua worker exited with ${code} while starting`)));
    });
    this.worker = { thread, ready };
    return this.worker;
  }
}

/**
 * Built, the worker is lua-worker.js beside this file. Run from the TypeScript sources (ts-jest), it is
 * lua-worker.ts, which a worker cannot load: it is then transpiled on load with the TypeScript compiler.
 */
function spawnWorker(limits: LuaLimits): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `lua-worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData: { limits } });
  const bootstrap = `
    const fs = require('node:fs');
    const ts = require('typescript');
    require.extensions['.ts'] = (module, filename) => {
      const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename }).outputText, filename);
    };
    require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData: { limits } });
}
