import { execSync, spawn } from 'node:child_process';
import path from 'node:path';
import { LocalTokenVerifier } from '../../../src/auth/local-token-verifier';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from '../../support/real-services';

const root = path.resolve(__dirname, '../../..');
const KEY = 'cli-test-signing-key-0123456789abcdef0123';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `mymonit <args>` in a child process, as an operator would. */
function mymonit(args: string[], env: Record<string, string>, untilStdout?: RegExp): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js'), ...args], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', LOG_FORMAT: 'json', AUTH_LOCAL_KEY: KEY, ...env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (untilStdout?.test(stdout) && !signalled) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the mymonit command line', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
    db = await createTestDatabase('mymonit_cli');
    await db.drop(); // `migrate` must create it itself
    env = { DB_DATABASE: db.name, RABBIT_EXCHANGE: uniqueName('cli_ex'), RABBIT_QUEUE: uniqueName('cli_q'), RABBIT_QUEUE_TYPE: 'classic' };
  });
  afterAll(() => db.drop());

  it('stops at start-up with one line naming a bad variable, exit code 2', async () => {
    const result = await mymonit(['serve'], { REST_PORT: 'eighty' });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((line) => !line.includes('ExperimentalWarning') && !line.includes('--trace-warnings'));
    expect(lines).toEqual([expect.stringMatching(/^mymonit: configuration error: REST_PORT: .*"eighty"/)]);
  });

  it('migrate creates the database and applies the migrations', async () => {
    const result = await mymonit(['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^schema at version \d+$/m);
  });

  it('user create bootstraps an ADMIN and token prints a token that verifies as that user', async () => {
    const created = await mymonit(['user', 'create', '--role', 'ADMIN', '--username', 'boot-admin', '--user-id', 'A1', '--name', 'Boot Admin', '--email', 'boot@example.org'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created user \d+ \(ADMIN, pseudonym [0-9a-f-]{36}\)/);
    expect(created.stdout).not.toContain('boot@example.org');

    const token = await mymonit(['token', 'boot-admin', '--ttl', '5m'], env);
    expect(token.code).toBe(0);
    const verifier = new LocalTokenVerifier(testConfig({ AUTH_LOCAL_KEY: KEY }));
    await expect(verifier.verify(token.stdout.trim())).resolves.toMatchObject({
      username: 'boot-admin',
      pseudonym: created.stdout.match(/pseudonym ([0-9a-f-]{36})/)?.[1],
    });
  });

  it('token refuses a ttl above AUTH_MAX_TOKEN_LIFETIME', async () => {
    const token = await mymonit(['token', 'boot-admin', '--ttl', '365000d'], env);
    expect(token.code).toBe(1);
    expect(token.stdout).toBe('');
    expect(token.stderr).toContain('ttl must not exceed AUTH_MAX_TOKEN_LIFETIME');
  });

  it('all serves and consumes, and on SIGTERM drains and exits 0', async () => {
    const result = await mymonit(['all'], { ...env, REST_PORT: '0', REST_HOST: '127.0.0.1' }, /REST listening/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"consuming"/);
    expect(result.stdout).toMatch(/"stopped cleanly"/);
  });
});
