import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually';
import { freePort } from './free-port';

const run = promisify(execFile);
const NGINX_BIN = '/usr/sbin/nginx';

/** One listener of a static nginx: plain HTTP, or HTTPS with the given certificate. */
export interface StaticSite {
  /** Answered to every request, with status 200. */
  readonly body: string;
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
}

export interface RunningStaticNginx {
  /** The port of each site, in the order given. */
  readonly ports: readonly number[];
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * The real nginx (Debian's /usr/sbin/nginx) with a generated minimal config: one loopback listener per site,
 * each answering its text. Fails loudly when nginx is missing or refuses the config.
 */
export async function startStaticNginx(sites: readonly StaticSite[]): Promise<RunningStaticNginx> {
  if (!fs.existsSync(NGINX_BIN)) throw new Error(`nginx is not installed at ${NGINX_BIN}: apt-get install -y nginx`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-static-nginx-'));
  fs.chmodSync(dir, 0o755);
  const ports = await Promise.all(sites.map(() => freePort()));
  const conf = writeStaticNginxConfig(dir, sites.map((site, i) => ({ ...site, address: `127.0.0.1:${ports[i]}` })));
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf];
  await run(NGINX_BIN, [...args, '-t', '-q']).catch((error: { stderr?: string }) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t refused ${conf}: ${error.stderr ?? String(error)}`);
  });
  const child = spawn(NGINX_BIN, [...args, '-g', 'daemon off;'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await eventually(() => (child.exitCode === null ? accepts(port) : Promise.reject(new Error(`nginx exited: ${stderr}`))), (open) => open, {
        timeoutMs: 10_000,
        intervalMs: 50,
        what: `nginx listening on ${port}`,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, pid: child.pid ?? 0, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Writes `dir`/nginx.conf: one server per site at its address, answering its text (over TLS when given). */
export function writeStaticNginxConfig(dir: string, sites: readonly (Pick<StaticSite, 'body' | 'tls'> & { address: string })[]): string {
  const servers = sites.map((site) => {
    const listen = site.tls ? `listen ${site.address} ssl;\n    ssl_certificate ${site.tls.certPath};\n    ssl_certificate_key ${site.tls.keyPath};` : `listen ${site.address};`;
    return `  server {\n    ${listen}\n    location / { default_type text/plain; return 200 ${JSON.stringify(site.body)}; }\n  }`;
  });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    [
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((temp) => `  ${temp}_temp_path ${path.join(dir, temp)};`),
      ...servers,
      '}',
      '',
    ].join('\n'),
  );
  return conf;
}
