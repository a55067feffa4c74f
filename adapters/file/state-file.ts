import fs from 'node:fs/promises';

/** Where the file adapter stopped: the byte offset after the last line whose measures were all confirmed. */
export interface FilePosition {
  version: 1;
  /** The absolute path that was read. */
  path: string;
  /** Identity of the file, to tell a rotated or replaced file from the one that was read. */
  dev: number;
  ino: number;
  offset: number;
  /** Lines before offset (bad-input reports keep counting from there). */
  line: number;
  /** CSV column names from the header, so that a restart in the middle of the file can map rows. */
  columns?: string[];
  updatedAt: string;
}

/** The position file: read once at start, replaced atomically (write, fsync, rename) at each checkpoint. */
export class StateFile {
  constructor(readonly file: string) {}

  async read(): Promise<FilePosition | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const value = JSON.parse(text) as Partial<FilePosition>;
    if (value.version !== 1 || typeof value.offset !== 'number' || typeof value.ino !== 'number') {
      throw new Error(`${this.file} is not a file adapter state file (version 1)`);
    }
    return value as FilePosition;
  }

  async write(position: FilePosition): Promise<void> {
    const temporary = `${this.file}.tmp-${process.pid}`;
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(position)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, this.file);
  }
}
