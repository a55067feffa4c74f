import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * `mymonit consume` as a real child process, for the tests that must kill it (SIGKILL), stop it (SIGTERM)
 * or run two of it. The current sources are compiled once into node_modules/.cache (keyed by their
 * content, so a stale dist/ is never what runs, and parallel test files share one build).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'mymonit-consumer-build');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

function contentHash(): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(path.join(ROOT, 'src')), path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'openapi.yaml')]) {
    hash.update(path.relative(ROOT, file)).update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

let built: Promise<string> | undefined;

/** Compiles src/ (tsc, as `npm run build` does) unless a build of the same sources exists; returns main.js. */
export function buildConsumer(): Promise<string> {
  built ??= (async () => {
    const dir = path.join(CACHE, contentHash());
    const main = path.join(dir, 'out', 'src', 'main.js');
    if (fs.existsSync(main)) return main;
    // Built beside, then renamed into place: a parallel test file never sees half a build.
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    fs.mkdirSync(staging, { recursive: true });
    const tsconfig = path.join(staging, 'tsconfig.json');
    const relativeRoot = path.relative(staging, ROOT);
    fs.writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: path.join(relativeRoot, 'tsconfig.json'),
        compilerOptions: { outDir: './out', rootDir: relativeRoot, sourceMap: false },
        include: [path.join(relativeRoot, 'src')],
      }),
    );
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { cwd: ROOT });
    fs.cpSync(path.join(ROOT, 'src', 'storage', 'migrations'), path.join(staging, 'out', 'src', 'storage', 'migrations'), {
      recursive: true,
    });
    try {
      fs.renameSync(staging, dir);
    } catch {
      // Another test file finished the same build first.
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return main;
  })();
  return built;
}

export interface ConsumerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote (stdout and stderr), the last 4 MB. */
  output(): string;
  /** Sends the signal and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node main.js consume` (or another role: `serve`, `all`) with the test's environment on top of this process's. */
export async function startConsumer(env: Record<string, string>, role: 'consume' | 'serve' | 'all' = 'consume'): Promise<ConsumerProcess> {
  const main = await buildConsumer();
  const child = spawn(process.execPath, [main, role], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      // The test's own policy events queue beside its own measures queue, not the shared default.
      ...(env.RABBIT_QUEUE === undefined ? {} : { RABBIT_POLICY_QUEUE: `${env.RABBIT_QUEUE}.policy-events` }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
