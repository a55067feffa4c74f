import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory holding MyMONIT's package.json: the checkout, or /app in the image. Found from this file,
 * not from the current directory, so `mymonit` run from anywhere reads the same .env and signing key; the
 * same from src/ (ts-jest) and from dist/src/ (compiled).
 */
export const PROJECT_ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** package.json's version: what `mymonit --version` prints. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}
