import { eventually } from '../../support/eventually';
import { call, type TestPlatform } from '../../support/platform';
import { startLoggedPlatform, type LoggedPlatform } from './logged-platform';

/**
 * Logstash goes away mid-run and comes back: the app keeps serving at full speed, the transport keeps a
 * bounded number of events and counts the rest in /metrics, and delivery resumes once Logstash is back.
 */
describe('the app while Logstash is down, slow, and back', () => {
  let logged: LoggedPlatform;
  const CAPACITY = 50;
  const REQUESTS = 300;
  const CONCURRENCY = 20;

  beforeAll(async () => {
    logged = await startLoggedPlatform({ capacity: CAPACITY, level: 'info' });
  });
  afterAll(() => logged.stop());

  /** Sends `count` GET /me with `CONCURRENCY` in flight; resolves with requests per second. */
  async function load(platform: TestPlatform, token: string, prefix: string, count = REQUESTS): Promise<number> {
    let next = 0;
    const started = process.hrtime.bigint();
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const response = await call(platform.baseUrl, 'GET', '/me', { token, headers: { 'x-request-id': `${prefix}-${i}` } });
        expect(response.status).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  }

  async function metric(platform: TestPlatform, series: string): Promise<number> {
    const text = (await call(platform.baseUrl, 'GET', '/metrics')).body as string;
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.split(' ')[1]) : NaN;
  }

  it('serves at the same pace, bounds and counts what it drops, and delivers again after a restart', async () => {
    const { platform, logstash, logger } = logged;
    const token = await platform.tokenFor(platform.admin);
    await load(platform, token, 'warmup', 50);

    const up = await load(platform, token, 'up');
    await logstash.waitFor((events) => events.some((e) => e.requestId === `up-${REQUESTS - 1}`) && logger.shipping.stats().queued === 0);
    expect(logger.shipping.stats()).toMatchObject({ queued: 0, dropped: { app: 0, audit: 0 } });
    expect(await metric(platform, 'mymonit_log_shipping_dropped_total{kind="app"}')).toBe(0);

    await logstash.stop();
    const down = await load(platform, token, 'down');
    // Audit events go on being committed to MySQL; their Logstash copies are bounded like the rest.
    for (let i = 0; i < 10; i++) {
      expect((await call(platform.baseUrl, 'POST', '/experiments', { token, body: { code: `OUT-${i}`, name: 'o' } })).status).toBe(201);
    }
    const whileDown = await eventually(() => logger.shipping.stats(), (stats) => stats.queued === CAPACITY, {
      what: 'the shipping queue full while Logstash is down',
    });
    expect(whileDown.dropped.app).toBeGreaterThanOrEqual(REQUESTS - CAPACITY);
    expect(whileDown.dropped.audit).toBe(10);
    // The scrape reads the counts before its own access line is logged.
    expect(await metric(platform, 'mymonit_log_shipping_dropped_total{kind="app"}')).toBe(whileDown.dropped.app);
    expect(await metric(platform, 'mymonit_log_shipping_dropped_total{kind="audit"}')).toBe(10);
    expect(await metric(platform, 'mymonit_log_shipping_queued')).toBe(CAPACITY);
    const audited = (await call(platform.baseUrl, 'GET', '/audit?action=experiment.create&limit=100', { token })).body.items;
    expect(audited.filter((e: { resource_id: string }) => e.resource_id.startsWith('OUT-'))).toHaveLength(10);

    // Back on the same port: the transport reconnects by itself and first delivers what it held, which
    // is the start of the outage (the bound drops the newest lines, not the oldest).
    await logstash.start();
    const downLines = () => logstash.events.map((e) => String(e.requestId)).filter((id) => id.startsWith('down-'));
    await logstash.waitFor(() => downLines().length >= CAPACITY && logger.shipping.stats().queued === 0);
    // (a line or two written into the connection as it died may be lost: json_lines has no acknowledgement.)
    const held = downLines();
    expect(Math.min(...held.map((id) => Number(id.slice('down-'.length))))).toBeLessThan(10);
    const back = await load(platform, token, 'back', 50);
    await logstash.waitFor((events) => events.some((e) => e.requestId === 'back-49'));

    logstash.pause();
    const slow = await load(platform, token, 'slow');
    logstash.resume();

    process.stdout.write(
      `GET /me throughput (${CONCURRENCY} in flight): Logstash up ${up.toFixed(0)}/s, down ${down.toFixed(0)}/s, ` +
        `back ${back.toFixed(0)}/s, not reading ${slow.toFixed(0)}/s; dropped while down: ${whileDown.dropped.app} app, ${whileDown.dropped.audit} audit\n`,
    );
    // Loose bound on a shared machine: losing Logstash must not cost anything like a wait per request.
    expect(down).toBeGreaterThan(up / 3);
    expect(slow).toBeGreaterThan(up / 3);
  });
});
