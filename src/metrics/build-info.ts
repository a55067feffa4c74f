import fs from 'node:fs';
import path from 'node:path';

/** What `mymonit_build_info` labels: which code a process runs. */
export interface BuildInfo {
  version: string;
  nodeVersion: string;
  /** The source revision the image was built from (MYMONIT_REVISION, set by the image build); '' when unknown. */
  revision: string;
}

/** Reads the version from the package.json above this file (src/ in development, dist/src/ in the image). */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  return { version: packageVersion(), nodeVersion: process.version, revision: env.MYMONIT_REVISION ?? '' };
}

function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'mymonit' && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // no readable package.json here: look one level up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
