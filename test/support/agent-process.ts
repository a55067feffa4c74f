import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * `node adapters/agent/main.js --config <file>` as a real child process: the agent's sources (adapters/
 * and lib/) are compiled once into node_modules/.cache, keyed by their content, as the consumer's are.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'mymonit-agent-build');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

let built: Promise<string> | undefined;

export function buildAgent(): Promise<string> {
  built ??= (async () => {
    const hash = createHash('sha256');
    for (const file of [...sourceFiles(path.join(ROOT, 'adapters')), ...sourceFiles(path.join(ROOT, 'lib')), path.join(ROOT, 'tsconfig.json')]) {
      hash.update(path.relative(ROOT, file)).update(fs.readFileSync(file));
    }
    const dir = path.join(CACHE, hash.digest('hex').slice(0, 16));
    const main = path.join(dir, 'out', 'adapters', 'agent', 'main.js');
    if (fs.existsSync(main)) return main;
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    fs.mkdirSync(staging, { recursive: true });
    const relativeRoot = path.relative(staging, ROOT);
    fs.writeFileSync(
      path.join(staging, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(relativeRoot, 'tsconfig.json'),
        compilerOptions: { outDir: './out', rootDir: relativeRoot, sourceMap: false },
        include: [],
        files: [path.join(relativeRoot, 'adapters', 'agent', 'main.ts')],
      }),
    );
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(staging, 'tsconfig.json')], { cwd: ROOT });
    try {
      fs.renameSync(staging, dir);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return main;
  })();
  return built;
}

export interface AgentProcess {
  readonly child: ChildProcess;
  /** What it logged (JSON lines on stderr) and printed, the last 4 MB. */
  output(): string;
  /** The log lines, parsed. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startAgent(configFile: string, env: Record<string, string> = {}): Promise<AgentProcess> {
  const main = await buildAgent();
  const child = spawn(process.execPath, [main, '--config', configFile], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => output,
    logs: () =>
      output.split('\n').flatMap((line) => {
        try {
          return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}
