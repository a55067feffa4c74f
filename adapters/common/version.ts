import fs from 'node:fs';
import { findUpwards } from '../../lib/find-upwards';

let cached: string | undefined;

/** MyMONIT's version (package.json, found upwards as openapi.yaml is: from adapters/ or dist/adapters/). */
export function mymonitVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(findUpwards('package.json', __dirname), 'utf8')) as { version?: unknown };
      cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
