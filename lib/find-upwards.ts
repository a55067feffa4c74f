import fs from 'node:fs';
import path from 'node:path';

/**
 * The first `name` found in `from` or one of its parents. Files of the checkout (openapi.yaml, package.json)
 * are found this way from __dirname, so the same code works from the sources (ts-jest) and from dist/.
 */
export function findUpwards(name: string, from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} not found in ${from} or any parent directory`);
  }
}
