import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChunkParserOptions, ChunkResult } from './chunk-parser';
import type { WorkerRequest } from './parse-worker';

type Reply = { type: 'ready'; fastCheck: boolean } | { type: 'done'; id: number; result?: ChunkResult } | { type: 'failed'; id: number; error: string };

/**
 * The main thread's side of the parse worker: posts chunks of lines, and answers each with its ChunkResult,
 * in order. The worker uses the second core, so that the main thread only reads, publishes and tracks
 * confirms. From TypeScript sources (jest), the worker compiles its modules with typescript as it loads them.
 */
export class ParserThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(result: ChunkResult | undefined): void; reject(error: Error): void }>();
  private failure?: Error;
  private readonly readyPromise: Promise<boolean>;

  constructor(options: ChunkParserOptions) {
    const compiled = path.join(__dirname, 'parse-worker.js');
    this.worker = fs.existsSync(compiled)
      ? new Worker(compiled, { workerData: options })
      : new Worker(`${TS_BOOTSTRAP}require(${JSON.stringify(path.join(__dirname, 'parse-worker.ts'))});`, { eval: true, workerData: options });
    this.worker.unref();
    let ready!: (fast: boolean) => void;
    let notReady!: (error: Error) => void;
    this.readyPromise = new Promise<boolean>((resolve, reject) => {
      ready = resolve;
      notReady = reject;
    });
    this.readyPromise.catch(() => undefined);
    this.worker.on('message', (reply: Reply) => {
      if (reply.type === 'ready') return ready(reply.fastCheck);
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.type === 'failed') waiter?.reject(new Error(`file parser thread: ${reply.error}`));
      else {
        if (reply.result) {
          const body = reply.result.body as unknown as Uint8Array;
          reply.result.body = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        }
        waiter?.resolve(reply.result);
      }
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      notReady(error);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`file parser thread exited (${code})`)));
  }

  /** Resolves once the worker loaded its schema; true if it uses the fast check for mapped measures. */
  ready(): Promise<boolean> {
    return this.readyPromise;
  }

  parse(data: Buffer, flush: boolean): Promise<ChunkResult> {
    return this.request({ type: 'parse', id: 0, data, flush }) as Promise<ChunkResult>;
  }

  reset(columns?: readonly string[]): Promise<void> {
    return this.request({ type: 'reset', id: 0, columns: columns ? [...columns] : undefined }).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request(request: WorkerRequest): Promise<ChunkResult | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    request.id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }
}

/** Loads parse-worker.ts with a require hook that transpiles TypeScript (tests run the sources). */
const TS_BOOTSTRAP = `
const fs = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(out.outputText, file);
};
`;
