import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/**
 * The image, without a Docker engine: the Dockerfile's shape (what `docker build` would run), that the
 * .dockerignore allow-list lets in everything the Dockerfile copies and nothing secret, and the health
 * probe script the image runs, against real sockets.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'));
const stages = instructions.filter((line) => line.startsWith('FROM '));
const runtime = instructions.slice(instructions.indexOf(stages[stages.length - 1]!));

describe('Dockerfile', () => {
  it('is multi-stage on a slim Node base, with production dependencies only in the runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(instructions[0]).toMatch(/^ARG NODE_IMAGE=node:\d+-[a-z]*-?slim$/);
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev\b/));
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm run build$/));
    expect(runtime).toContainEqual('COPY --from=build /app/dist ./dist');
    expect(runtime).toContainEqual(expect.stringMatching(/^COPY package\.json openapi\.yaml \.\/$/));
    expect(runtime.find((l) => l.startsWith('COPY --from=') && l.includes('node_modules'))).toMatch(/--from=deps /);
  });

  it('runs as a non-root user, checks /health/live and starts `all` by default', () => {
    const user = runtime.filter((l) => l.startsWith('USER ')).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    expect(runtime).toContainEqual(expect.stringMatching(/^HEALTHCHECK .*CMD \["node", "scripts\/healthcheck\.js", "live"\]$/));
    expect(runtime[runtime.length - 1]).toBe('CMD ["node", "dist/src/main.js", "all"]');
  });

  it('.dockerignore lets in what the build copies and keeps secrets, certificates and builds out', () => {
    const rules = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    const copied = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.replace(/^COPY\s+/, '').split(/\s+/).slice(0, -1))
      .filter((source) => source !== '.');
    for (const source of copied) expect({ source, allowed: allowed.some((a) => source === a || source.startsWith(`${a}/`)) }).toEqual({ source, allowed: true });
    for (const secret of ['.env', 'certs', '.git', 'node_modules', 'dist', '.mymonit']) expect(allowed).not.toContain(secret);
    // `npm run build` needs these in the context, and every folder tsconfig.json compiles.
    const compiled = (JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] }).include;
    expect(compiled).toEqual(expect.arrayContaining(['lib', 'src', 'adapters']));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/copy-assets.js', ...compiled]) expect(allowed).toContain(needed);
    // ... and the web console (vite build of web/, then its size check).
    for (const needed of ['web', 'scripts/web-size.js']) expect(allowed).toContain(needed);
  });
});

function probe(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'healthcheck.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('scripts/healthcheck.js', () => {
  it('is healthy when /health/live answers 200 and unhealthy on 503 or when nothing listens', async () => {
    let status = 200;
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === '/health/live' || req.url === '/health/ready' ? status : 404;
      res.end('{}');
    });
    const port = await listen(server);
    try {
      expect((await probe([], { REST_PORT: String(port) })).code).toBe(0);
      expect((await probe(['ready'], { REST_PORT: String(port) })).code).toBe(0);
      status = 503;
      const unhealthy = await probe(['live'], { REST_PORT: String(port) });
      expect(unhealthy).toEqual({ code: 1, stderr: 'unhealthy: /health/live answered 503\n' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await probe([], { REST_PORT: String(port) })).code).toBe(1);
  });

  it('for a consumer, is healthy only while a connection to the broker port is established', async () => {
    const broker = net.createServer((socket) => socket.on('error', () => undefined));
    const port = await listen(broker);
    const url = `amqps://user:secret@127.0.0.1:${port}/vhost`;
    try {
      const before = await probe(['amqp'], { RABBIT_URL: url });
      expect(before.code).toBe(1);
      expect(before.stderr).toContain(`broker port ${port}`);
      expect(before.stderr).not.toContain('secret');
      const client = net.connect({ host: '127.0.0.1', port });
      await new Promise((resolve) => client.once('connect', resolve));
      expect((await probe(['amqp'], { RABBIT_URL: url })).code).toBe(0);
      expect((await probe(['amqp'], { RABBIT_URL: `127.0.0.1:${port}` })).code).toBe(0);
      client.destroy();
    } finally {
      await new Promise((resolve) => broker.close(resolve));
    }
  });
});
