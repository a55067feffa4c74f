import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually';
import { freePort } from './free-port';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const NGINX_BIN = '/usr/sbin/nginx';
const INSTALL_HINT = 'apt-get update && apt-get install -y nginx openssl gettext-base';

/**
 * Runs the real nginx (Debian's package) with the project's nginx/nginx.conf.template, rendered by
 * nginx/render.sh (as compose renders it) onto loopback ports and a temporary prefix, with certificates
 * from scripts/gen-certs.sh. Nothing is skipped: a missing nginx fails with the command that installs it.
 */
export interface NginxOptions {
  /** host:port of the two REST instances (the template's NGX_REST_1 and NGX_REST_2). */
  upstreams: [string, string];
  /** The API rate limit (limit_req_zone rate), e.g. '10r/s'. */
  apiRate?: string;
  apiBurst?: number;
}

export interface RunningNginx {
  dir: string;
  caPath: string;
  ca: Buffer;
  httpPort: number;
  httpsPort: number;
  kibanaPort: number;
  /** https://127.0.0.1:<port> (the generated certificate names 127.0.0.1 and localhost). */
  baseUrl: string;
  accessLogPath: string;
  errorLogPath: string;
  stop(): Promise<void>;
}

function assertInstalled(): void {
  if (!fs.existsSync(NGINX_BIN)) {
    throw new Error(`nginx is not installed at ${NGINX_BIN}; the e2e tests run the real nginx. Install it: ${INSTALL_HINT}`);
  }
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string, timeoutMs = 10000): Promise<void> {
  const listening = () => {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr()}`);
    return new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  };
  await eventually(listening, (open) => open, { timeoutMs, intervalMs: 50, what: `nginx listening on ${port}` }).catch(
    (error: Error) => {
      throw new Error(`${error.message}: ${stderr()}`);
    },
  );
}

export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  assertInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-nginx-'));
  try {
    return await startIn(dir, options);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, options: NginxOptions): Promise<RunningNginx> {
  // Workers run as an unprivileged user when the tests run as root: they must reach the temp paths.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'tmp'), { mode: 0o755 });
  const certs = path.join(dir, 'certs');
  await run('bash', [path.join(ROOT, 'scripts', 'gen-certs.sh'), certs]);

  const [httpPort, httpsPort, kibanaPort, kibanaUpstreamPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const accessLogPath = path.join(dir, 'access.json.log');
  const errorLogPath = path.join(dir, 'error.log');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NGX_WORKER_PROCESSES: '1',
    NGX_PID: path.join(dir, 'nginx.pid'),
    NGX_ERROR_LOG: errorLogPath,
    NGX_ACCESS_LOG: accessLogPath,
    NGX_TEMP_DIR: path.join(dir, 'tmp'),
    NGX_TLS_CERT: path.join(certs, 'server.pem'),
    NGX_TLS_KEY: path.join(certs, 'server.key'),
    NGX_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    NGX_HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
    NGX_HTTPS_REDIRECT_PORT: `:${httpsPort}`,
    NGX_KIBANA_LISTEN: `127.0.0.1:${kibanaPort}`,
    NGX_KIBANA_UPSTREAM: `127.0.0.1:${kibanaUpstreamPort}`,
    NGX_RESOLVER: '127.0.0.1',
    NGX_REST_1: options.upstreams[0],
    NGX_REST_2: options.upstreams[1],
    NGX_API_RATE: options.apiRate ?? '100r/s',
    NGX_API_BURST: String(options.apiBurst ?? 200),
  };
  const rendered = await run('bash', [path.join(ROOT, 'nginx', 'render.sh')], { env });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, rendered.stdout);

  const args = ['-p', dir, '-e', errorLogPath, '-c', conf];
  await run(NGINX_BIN, [...args, '-t', '-q']).catch((error: { stderr?: string }) => {
    throw new Error(`nginx -t refused the rendered config ${conf}: ${error.stderr ?? String(error)}`);
  });
  const child = spawn(NGINX_BIN, [...args, '-g', 'daemon off;'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const errors = () => `${stderr}${fs.existsSync(errorLogPath) ? fs.readFileSync(errorLogPath, 'utf8') : ''}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      // The master did not stop its workers in time: end the whole process group it leads.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPort(httpsPort, child, errors);
    await waitForPort(httpPort, child, errors);
  } catch (error) {
    await stop();
    throw error;
  }
  const ca = fs.readFileSync(path.join(certs, 'ca.pem'));
  return {
    dir,
    caPath: path.join(certs, 'ca.pem'),
    ca,
    httpPort,
    httpsPort,
    kibanaPort,
    baseUrl: `https://127.0.0.1:${httpsPort}`,
    accessLogPath,
    errorLogPath,
    async stop() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
