import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Every script an operator runs answers --help (and -h) with its usage and does nothing else: each runs
 * from a copy of scripts/ and nginx/ in a temporary tree, from another temporary directory, with every
 * command that could start, build, sign or fetch something replaced by a stub that records its call.
 */
const ROOT = path.resolve(__dirname, '../../..');
const STUBBED = ['docker', 'docker-compose', 'npm', 'npx', 'openssl', 'curl', 'envsubst', 'rabbitmq-server', 'start-stop-daemon', 'nginx', 'sudo'];

/** Scripts that are run (a shebang), not sourced like scripts/common.sh. */
function runnableScripts(): string[] {
  const candidates = [
    ...fs.readdirSync(path.join(ROOT, 'scripts')).map((name) => `scripts/${name}`),
    'nginx/render.sh',
  ].filter((file) => /\.(sh|js)$/.test(file));
  return candidates.filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').startsWith('#!'));
}

/** Every file and directory under dir with its size and mtime, to compare before and after. */
function snapshot(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      const stat = fs.statSync(full);
      return `${path.relative(dir, full)} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('scripts answer --help with their usage and do nothing else', () => {
  let tree: string;
  let cwd: string;
  let stubs: string;
  let calls: string;

  beforeAll(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-scripts-'));
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-cwd-'));
    stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-stubs-'));
    calls = path.join(stubs, 'calls.log');
    for (const file of runnableScripts().concat('scripts/common.sh', 'nginx/nginx.conf.template')) {
      fs.mkdirSync(path.join(tree, path.dirname(file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(tree, file));
    }
    for (const command of STUBBED) {
      fs.writeFileSync(path.join(stubs, command), `#!/bin/sh\necho "${command} $*" >>"${calls}"\nexit 1\n`, { mode: 0o755 });
    }
  });
  afterAll(() => {
    for (const dir of [tree, cwd, stubs]) fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(file: string, flag: string): Promise<Run> {
    const script = path.join(tree, file);
    const [command, args] = file.endsWith('.js') ? [process.execPath, [script, flag]] : ['bash', [script, flag]];
    const env = { PATH: `${stubs}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: cwd };
    return new Promise((resolve) => {
      execFile(command, args, { cwd, env, timeout: 20000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it('finds the scripts an operator runs', () => {
    expect(runnableScripts()).toEqual(
      expect.arrayContaining([
        'scripts/run.sh',
        'scripts/run-infra.sh',
        'scripts/run-checks.sh',
        'scripts/gen-certs.sh',
        'scripts/kibana-import.sh',
        'scripts/healthcheck.js',
        'nginx/render.sh',
      ]),
    );
    expect(runnableScripts()).not.toContain('scripts/common.sh');
  });

  it.each(runnableScripts().flatMap((file) => [[file, '--help'], [file, '-h']]))(
    '%s %s prints a Usage line, exits 0, writes no file and runs no command',
    async (file, flag) => {
      const before = [snapshot(tree), snapshot(cwd)];
      const result = await run(file, flag);
      expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^Usage: .*\S/m), stderr: '' });
      expect(result.stdout).toContain(path.basename(file));
      expect(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '').toBe('');
      expect([snapshot(tree), snapshot(cwd)]).toEqual(before);
    },
  );
});
