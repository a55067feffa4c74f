import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually';
import { writeStaticNginxConfig } from './static-nginx';

const run = promisify(execFile);
const NGINX_BIN = '/usr/sbin/nginx';

/** One listener: `host:port`, answering `body` with 200, over TLS when given a certificate. */
export interface NginxSite {
  readonly host: string;
  readonly port: number;
  readonly body: string;
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
}

/** Debian's nginx on fixed listeners that can be stopped and started again on the same ports. */
export interface RestartableNginx {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
}

export function restartableNginx(sites: readonly NginxSite[]): RestartableNginx {
  if (!fs.existsSync(NGINX_BIN)) throw new Error(`nginx is not installed at ${NGINX_BIN}: apt-get install -y nginx`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-e2e-nginx-'));
  fs.chmodSync(dir, 0o755);
  const conf = writeStaticNginxConfig(dir, sites.map((site) => ({ ...site, address: `${site.host}:${site.port}` })));
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf];
  let child: ChildProcess | undefined;
  let stderr = '';
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    const current = child;
    if (current && running()) {
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.pid && process.kill(-current.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    child = undefined;
    for (const site of sites) await eventually(() => accepts(site.host, site.port), (open) => !open, { timeoutMs: 10_000, intervalMs: 50, what: `nothing on ${site.host}:${site.port}` });
  };
  return {
    async start() {
      if (running()) return;
      await run(NGINX_BIN, [...args, '-t', '-q']).catch((error: { stderr?: string }) => {
        throw new Error(`nginx -t refused ${conf}: ${error.stderr ?? String(error)}`);
      });
      stderr = '';
      const started = spawn(NGINX_BIN, [...args, '-g', 'daemon off;'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      started.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child = started;
      for (const site of sites) {
        await eventually(
          () => (running() ? accepts(site.host, site.port) : Promise.reject(new Error(`nginx exited: ${stderr}`))),
          (open) => open,
          { timeoutMs: 10_000, intervalMs: 50, what: `nginx listening on ${site.host}:${site.port}` },
        );
      }
    },
    stop,
    async remove() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port free on every one of the loopback addresses given (the kernel's choice for the first, tried on the others). */
export async function portFreeOn(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenFree(hosts[0]!, 0);
    let free = true;
    for (const host of hosts.slice(1)) free = free && (await listenFree(host, port).then(() => true, () => false));
    if (free) return port;
  }
  throw new Error(`no port free on all of ${hosts.join(', ')}`);
}

function listenFree(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

/** A fixed-width text table for the test's log (what the lead quotes). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}
