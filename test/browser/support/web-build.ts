import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/project-root';

// From the project root, not __dirname: scripts/screenshots.ts runs this file compiled under dist/.
const ROOT = PROJECT_ROOT;
export const WEB_DIR = path.join(ROOT, 'dist', 'web');
const MANIFEST = path.join(WEB_DIR, '.vite', 'manifest.json');
const LOCK = path.join(ROOT, 'dist', '.web-build.lock');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function stale(): boolean {
  if (!existsSync(MANIFEST)) return true;
  const sources = Math.max(newest(path.join(ROOT, 'web', 'src')), statSync(path.join(ROOT, 'web', 'index.html')).mtimeMs, statSync(path.join(ROOT, 'web', 'vite.config.mts')).mtimeMs);
  return sources > statSync(MANIFEST).mtimeMs;
}

/**
 * Builds the web console into dist/web when it is missing or older than web/ (CI runs `npm test` without
 * `npm run build`). Test files run in parallel workers: one builds (mkdir is the lock), the others wait.
 */
export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (stale()) {
    mkdirSync(path.dirname(LOCK), { recursive: true });
    let locked = false;
    try {
      mkdirSync(LOCK);
      locked = true;
    } catch {
      // another worker is building
    }
    if (locked) {
      try {
        if (stale()) {
          execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'], {
            cwd: ROOT,
            stdio: ['ignore', 'ignore', 'inherit'],
          });
        }
      } finally {
        rmdirSync(LOCK);
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`the web console build did not finish within 180 s (remove ${LOCK} if a build was killed)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
