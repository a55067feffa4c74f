import { parentPort, workerData } from 'node:worker_threads';
import { ChunkParser, type ChunkParserOptions } from './chunk-parser';

/**
 * The file adapter's worker thread: parses, maps, validates and serialises chunks of lines (ChunkParser)
 * in the order they come, and answers each with ready message bodies (transferred, not copied).
 */
export type WorkerRequest =
  | { type: 'parse'; id: number; data: Uint8Array; flush: boolean }
  | { type: 'reset'; id: number; columns?: string[] };

if (parentPort) {
  const port = parentPort;
  const parser = new ChunkParser(workerData as ChunkParserOptions);
  port.postMessage({ type: 'ready', fastCheck: parser.fastCheck });
  port.on('message', (request: WorkerRequest) => {
    try {
      if (request.type === 'reset') {
        parser.reset(request.columns);
        port.postMessage({ type: 'done', id: request.id });
        return;
      }
      const data = request.data;
      const result = parser.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength), request.flush);
      port.postMessage({ type: 'done', id: request.id, result }, [result.body.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ type: 'failed', id: request.id, error: (error as Error).stack ?? String(error) });
    }
  });
}
