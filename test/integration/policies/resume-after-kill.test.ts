import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startConsumer, type ConsumerProcess } from '../../support/consumer-process';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { mfotlCases, timePointOffsets, type MfotlCase } from '../../support/mfotl-cases';
import { call, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

/**
 * Issue 15, "Resume anywhere": for every conformance case, half the log is fed to one real `mymonit serve`
 * process (its own connection pool and temporary directory), which is then SIGKILLed; another process (another
 * pool, another temporary directory, nothing shared but the database) takes the rest with final=true, and the
 * text/plain verdicts equal the uninterrupted run's (expected.txt). For one case the kill comes while a POST
 * is in flight: whatever the killed process committed or not, the second process continues from the time
 * point the database says was the last one fed.
 */
describe('a policy resumes in another process after a SIGKILL', () => {
  let p: TestPlatform;
  let token: string;
  const dirs: string[] = [];
  const running = new Set<ConsumerProcess>();

  beforeAll(async () => {
    // The test's database, migrated, with an ADMIN and their token; the processes under test are children.
    p = await startPlatform();
    token = await p.tokenFor(p.admin);
    const created = await call(p.baseUrl, 'POST', '/experiments', { token, body: { code: 'RESUME', name: 'resume after kill' } });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    for (const child of running) await child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await p.stop();
  });

  /** A `mymonit serve` of its own: a port, a pool size and a temporary directory of its own. */
  async function serve(label: string, poolSize: number): Promise<{ child: ConsumerProcess; baseUrl: string }> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), `mymonit-resume-${label}-`));
    dirs.push(dir);
    const child = await startConsumer(
      {
        DB_DATABASE: p.database.name,
        DB_POOL_SIZE: String(poolSize),
        MIGRATE_ON_START: 'false',
        AUTH_LOCAL_KEY: p.config.auth.local.key ?? '',
        REST_HOST: '127.0.0.1',
        REST_PORT: String(port),
        RABBIT_EXCHANGE: p.config.rabbit.exchange,
        RABBIT_QUEUE: p.config.rabbit.queue,
        SERVICE_INSTANCE: `resume-${label}`,
        TMPDIR: dir,
      },
      'serve',
    );
    running.add(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    await eventually(
      async () => {
        if (child.child.exitCode !== null) throw new Error(`the ${label} process exited: ${child.output()}`);
        return fetch(`${baseUrl}/health/live`).then(
          (r) => r.status,
          () => 0,
        );
      },
      (status) => status === 200,
      { what: `the ${label} process listening`, timeoutMs: 60_000, intervalMs: 50 },
    );
    return { child, baseUrl };
  }

  async function kill(child: ConsumerProcess): Promise<void> {
    const exit = await child.kill('SIGKILL');
    running.delete(child);
    expect(exit.signal).toBe('SIGKILL');
  }

  const api = (baseUrl: string, method: string, url: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> =>
    call(baseUrl, method, url, { token, ...options });
  const postLog = (baseUrl: string, id: number, text: string, final: boolean) =>
    api(baseUrl, 'POST', `/policies/${id}/events${final ? '?final=true' : ''}`, { rawBody: text, headers: { 'content-type': 'text/plain' } });

  const cases = mfotlCases();
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c, i) => [c.name, i === 0 ? 'while a POST is in flight' : 'between POSTs', c] as const))(
    '%s: killed %s, resumed by another process, the verdicts equal the uninterrupted run',
    async (_name, when, c: MfotlCase) => {
      const offsets = timePointOffsets(c.log, c.sig);
      const half = Math.floor(offsets.length / 2);
      const cut = offsets[half] as number;

      const a = await serve(`${c.name}-a`, 3);
      const created = await api(a.baseUrl, 'POST', '/policies', { body: { experiment: 'RESUME', name: c.name, signature: c.sig, formula: c.mfotl, negate: c.negate } });
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
      const id = created.body.id as number;
      const first = await postLog(a.baseUrl, id, c.log.slice(0, cut), false);
      expect({ status: first.status, body: first.body }).toMatchObject({ status: 200, body: { accepted: half, next_tp: half, ended: false } });

      // The time points the database may hold once A is dead: the half, or (a POST in flight) the half or three quarters.
      const possible = [half];
      if (when === 'while a POST is in flight') {
        // The next quarter goes out and A dies with it in flight: it committed all of it or none of it.
        const quarterTp = Math.floor((offsets.length * 3) / 4);
        possible.push(quarterTp);
        const quarter = offsets[quarterTp] as number;
        const inFlight = postLog(a.baseUrl, id, c.log.slice(cut, quarter), false).catch((error: unknown) => error);
        await kill(a.child);
        await inFlight;
      } else {
        await kill(a.child);
      }

      const b = await serve(`${c.name}-b`, 5);
      const policy = await api(b.baseUrl, 'GET', `/policies/${id}`);
      expect(policy.status).toBe(200);
      const fed = policy.body.monitor.next_tp as number;
      expect(possible).toContain(fed);
      const rest = await postLog(b.baseUrl, id, c.log.slice(offsets[fed] ?? c.log.length), true);
      expect({ status: rest.status, body: rest.body }).toMatchObject({ status: 200, body: { accepted: offsets.length - fed, next_tp: offsets.length, ended: true } });
      const verdicts = await fetch(`${b.baseUrl}/policies/${id}/verdicts`, { headers: { authorization: `Bearer ${token}`, accept: 'text/plain' } });
      expect(verdicts.status).toBe(200);
      expect(await verdicts.text()).toBe(c.expected);
      await kill(b.child);
    },
  );
});
