import http from 'node:http';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * The load generator: closed-loop HTTP clients over keep-alive connections, in a worker thread so that
 * its work does not run on the event loop of the server it measures. Each client sends its next request
 * as soon as the previous answer has been read in full.
 */

export interface LoadSpec {
  port: number;
  /** A path template: {from} and {to} are replaced per request. */
  pathTemplate: string;
  /** 'iso' for RFC 3339 (the REST API), 'us' for microseconds (the bare route). */
  timeFormat: 'iso' | 'us';
  headers: Record<string, string>;
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** Windows start at random whole seconds in [startUs, startUs + spanUs - windowUs). */
  startUs: number;
  spanUs: number;
  windowUs: number;
  seed: number;
  /**
   * Open loop: each client sends on a fixed schedule, this many requests per second, and a request's
   * latency counts from its scheduled time (a late send is the server's delay too). Closed loop when absent.
   */
  ratePerClient?: number;
}

export interface LoadResult {
  durationsMs: number[];
  errors: number;
  firstError?: string;
  seconds: number;
  bytes: number;
}

function isoMicros(us: number): string {
  const msPart = Math.floor(us / 1000);
  return new Date(msPart).toISOString().replace('Z', `${String(us - msPart * 1000).padStart(3, '0')}Z`);
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.clients });
  let state = spec.seed;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const seconds = Math.floor((spec.spanUs - spec.windowUs) / 1_000_000);
  const nextPath = () => {
    const from = spec.startUs + random(seconds) * 1_000_000;
    const format = (us: number) => (spec.timeFormat === 'iso' ? encodeURIComponent(isoMicros(us)) : String(us));
    return spec.pathTemplate.replace('{from}', format(from)).replace('{to}', format(from + spec.windowUs));
  };
  const once = (requestPath: string) =>
    new Promise<{ ok: boolean; bytes: number; error?: string }>((resolve) => {
      const request = http.get({ host: '127.0.0.1', port: spec.port, path: requestPath, agent, headers: spec.headers }, (response) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (response.statusCode !== 200 && chunks.length < 4) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ ok: response.statusCode === 200, bytes, error: response.statusCode === 200 ? undefined : `${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}` }),
        );
      });
      request.on('error', (error) => resolve({ ok: false, bytes: 0, error: String(error) }));
    });

  const run = async (durationMs: number, record: boolean): Promise<LoadResult> => {
    const durationsMs: number[] = [];
    let errors = 0;
    let bytes = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline = started + durationMs;
    const intervalMs = spec.ratePerClient ? 1000 / spec.ratePerClient : 0;
    await Promise.all(
      Array.from({ length: spec.clients }, async (_, client) => {
        // Paced clients start spread over one interval, not all at once.
        let scheduled = started + (intervalMs * client) / spec.clients;
        while (performance.now() < deadline) {
          if (intervalMs > 0) {
            const wait = scheduled - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }
          const sent = intervalMs > 0 ? scheduled : performance.now();
          scheduled += intervalMs;
          const outcome = await once(nextPath());
          if (!record) continue;
          if (outcome.ok) {
            durationsMs.push(performance.now() - sent);
            bytes += outcome.bytes;
          } else {
            errors += 1;
            firstError ??= outcome.error;
          }
        }
      }),
    );
    return { durationsMs, errors, firstError, seconds: (performance.now() - started) / 1000, bytes };
  };

  await run(spec.warmupMs, false);
  const result = await run(spec.durationMs, true);
  agent.destroy();
  return result;
}

/** Runs one load in a fresh worker thread and resolves with its measurements. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'load-generator.js'), { workerData: spec });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load generator exited with ${code}`))));
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void generate(workerData as LoadSpec).then((result) => port.postMessage(result));
}
