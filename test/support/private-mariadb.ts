import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { eventually } from './eventually';
import { freePort } from './free-port';

/**
 * A MariaDB server of a test's own (its own data directory and port), for tests that stop and start the
 * database: the machine's shared server must keep running for every other test. Needs the mariadbd and
 * mariadb-install-db binaries (the Debian mariadb-server package); without them it fails with the reason.
 */
export interface PrivateMariadb {
  readonly host: string;
  readonly port: number;
  /** Clean shutdown (SIGTERM), as an operator's `systemctl stop` does; resolves once the process is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same data directory and port; resolves once it answers queries. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

function binary(name: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install the mariadb-server package to run this test`);
}

export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-mariadb-'));
  const datadir = path.join(dir, 'data');
  const user = os.userInfo().username;
  await promisify(execFile)(binary('mariadb-install-db'), [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--auth-root-authentication-method=normal',
    `--user=${user}`,
    '--skip-test-db',
  ]);
  const port = await freePort();
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const child = spawn(
      binary('mariadbd'),
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--socket=${path.join(dir, 'sock')}`,
        `--pid-file=${path.join(dir, 'pid')}`,
        `--log-error=${path.join(dir, 'error.log')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        // No accounts to set up: any user connects. It listens on loopback only and lives for one test.
        '--skip-grant-tables',
        `--user=${user}`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
      ],
      { stdio: 'ignore' },
    );
    server = child;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let lastError: unknown;
    const answering = async () => {
      if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}: ${String(lastError)}`);
      try {
        const connection = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
        await connection.query('SELECT 1');
        await connection.end();
        return true;
      } catch (error) {
        lastError = error;
        return false;
      }
    };
    await eventually(answering, (up) => up, { timeoutMs: 30_000, what: 'private MariaDB answering' }).catch((error: unknown) => {
      const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
      throw new Error(`private MariaDB did not start: ${String(error)} (${String(lastError)})\n${log.slice(-2000)}`, { cause: error });
    });
  };

  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await exited;
    }
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
