import { Writable } from 'node:stream';

/** LineCapture is a console stand-in: it keeps every line the console transport writes, raw and parsed. */
export class LineCapture extends Writable {
  readonly lines: string[] = [];

  constructor() {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(line);
    done();
  }

  parsed(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
