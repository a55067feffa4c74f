import type { Browser, Page } from 'puppeteer-core';
import { TYPES } from '../../src/identifiers';
import type { CheckResultStore } from '../../src/storage/check-result-stores';
import { expectAccessible } from './support/axe';
import { closeBrowser, launchBrowser, openPage, setView, signIn, waitForText, type SizeName, type ThemeName } from './support/browser';
import { call, eventually, startConsolePlatform, type ConsolePlatform } from './support/platform';
import { seed, type Seed } from './support/seed';
import { openTicket as openTicketAs } from './support/tickets';

/**
 * The operations pages (alerts, silences, tickets, services, hosts and checks) against the real platform
 * with the rule evaluator: a rule made over the API fires on measures published over AMQP and appears on the
 * open Alerts page without a reload; a silence is made from the alert's row; a ticket is acknowledged on
 * the board; a SCIENTIST sees only their experiments' alerts; axe on every page at both sizes and themes.
 */
describe('the web console: alerts, silences, tickets, services, hosts', () => {
  let platform: ConsolePlatform;
  let browser: Browser;
  let seeded: Seed;
  const OTHER = 'OPSX';

  async function experimentId(code: string): Promise<number> {
    const got = await call(platform.baseUrl, 'GET', `/experiments/${code}`, { token: platform.adminToken });
    expect(got.status).toBe(200);
    return got.body.id as number;
  }

  async function openTicket(name: string, experiment: number): Promise<number> {
    const outcome = await openTicketAs(platform, name, experiment);
    expect(outcome.event).toBe('opened');
    return outcome.ticketId;
  }

  async function rule(code: string, alert: string, metric: string): Promise<void> {
    const group = { name: 'console', interval: '1s', rules: [{ alert, expr: `${metric} > 50`, for: '2s', labels: { severity: 'major' } }] };
    const created = await call(platform.baseUrl, 'POST', `/experiments/${code}/rule-groups`, { token: platform.adminToken, body: group });
    expect(created.status).toBe(201);
  }

  const rowWith = (texts: readonly string[]) =>
    `[...document.querySelectorAll('tbody tr')].some((row) => ${JSON.stringify(texts)}.every((t) => row.innerText.includes(t)))`;

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startConsolePlatform({ components: ['rule-evaluator'] }), launchBrowser()]);
    seeded = await seed(platform);
    expect((await call(platform.baseUrl, 'POST', '/experiments', { token: platform.adminToken, body: { code: OTHER, name: 'Other' } })).status).toBe(201);
    await rule(seeded.experiment, 'Overheat', 'overheat_c');
    await rule(OTHER, 'OtherHot', 'other_c');
  }, 240_000);
  afterAll(async () => {
    await closeBrowser(browser);
    await platform?.stop();
  });

  it('shows an alert that starts firing on the open Alerts page without a reload, and silences it from its row', async () => {
    const { page, errors } = await openPage(browser, 'desktop', 'light');
    await signIn(page, platform.baseUrl, platform.adminToken, '/alerts');
    await waitForText(page, 'No active alert.');
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    await platform.publish({ experiment: seeded.experiment, metric: 'overheat_c', source: 'boiler', value: 80, timestamp: new Date().toISOString() });
    // When the API first answers it firing (polled every 50 ms) and when the page first shows it (polled
    // every 50 ms in the page), each taken as soon as it happens.
    const apiFiring = eventually(
      () => call(platform.baseUrl, 'GET', '/alerts?state=firing', { token: platform.adminToken }),
      (r) => r.body?.items?.some((a: { alertname: string }) => a.alertname === 'Overheat') === true,
      { what: 'Overheat firing in the API', timeoutMs: 60_000, intervalMs: 50 },
    ).then((r) => ({ at: Date.now(), firedAt: Date.parse((r.body.items as Array<{ alertname: string; fired_at: string }>).find((a) => a.alertname === 'Overheat')!.fired_at) }));
    const pageFiring = page.waitForFunction(rowWith(['Overheat', 'Firing']), { polling: 50, timeout: 60_000 }).then(() => Date.now());
    const [api, shown] = await Promise.all([apiFiring, pageFiring]);
    console.log(
      `Alerts page: firing alert shown ${shown - api.at} ms after the API first answered it firing (${shown - api.firedAt} ms after its fired_at; polls every 1 s)`,
    );
    expect(shown - api.at).toBeLessThan(10_000); // generous: the figure above is the measurement
    expect(navigations).toEqual([]); // no reload

    // Silence from the row: matchers pre-filled from its labels, a preview of what else it would hit.
    await page.click('button[aria-label^="Silence Overheat"]');
    await page.waitForSelector('dialog[open]');
    await waitForText(page, 'Would silence 1 of 1 active alerts');
    const names = await page.$$eval('dialog input[id^="sm-name-"]', (inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
    expect(names).toEqual(expect.arrayContaining(['alertname', 'experiment', 'severity']));
    // (A change between phone and desktop reloads the page in puppeteer: the dialog is checked at desktop size.)
    await setView(page, 'desktop', 'dark');
    await expectAccessible(page, 'silence dialog at desktop/dark');
    await setView(page, 'desktop', 'light');
    expect(await page.$('dialog[open]')).not.toBeNull();
    // A regex that hits nothing else changes the preview.
    const valueOfAlertname = await page.$$eval('dialog input[id^="sm-name-"]', (inputs) => inputs.findIndex((i) => (i as unknown as { value: string }).value === 'alertname'));
    const opSelector = `dialog select[id^="sm-op-"]`;
    const ops = await page.$$(opSelector);
    await ops[valueOfAlertname]!.select('=~');
    const values = await page.$$('dialog input[id^="sm-value-"]');
    await values[valueOfAlertname]!.click({ count: 3 });
    await values[valueOfAlertname]!.type('Nothing.*');
    await waitForText(page, 'Would silence 0 of 1 active alerts');
    await values[valueOfAlertname]!.click({ count: 3 });
    await values[valueOfAlertname]!.type('Over.*');
    await waitForText(page, 'Would silence 1 of 1 active alerts');
    await page.type('#sm-comment', 'boiler maintenance');
    await page.click('dialog button[type="submit"]');
    await waitForText(page, 'created.');
    const silences = await eventually(
      () => call(platform.baseUrl, 'GET', '/alertmanager/api/v2/silences', { token: platform.adminToken }),
      (r) => Array.isArray(r.body) && r.body.length === 1,
      { what: 'the silence stored' },
    );
    expect(silences.body[0]).toMatchObject({ status: { state: 'active' }, comment: 'boiler maintenance' });
    expect(silences.body[0].matchers).toEqual(
      expect.arrayContaining([
        { name: 'alertname', value: 'Over.*', isRegex: true, isEqual: true },
        { name: 'experiment', value: seeded.experiment, isRegex: false, isEqual: true },
        { name: 'severity', value: 'major', isRegex: false, isEqual: true },
      ]),
    );
    await page.waitForFunction(rowWith(['Overheat', 'Silenced (1)']), { polling: 100, timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('lists the silence and expires it', async () => {
    const { page, errors } = await openPage(browser, 'desktop', 'dark');
    await signIn(page, platform.baseUrl, platform.adminToken, '/silences');
    await page.waitForFunction(rowWith(['alertname=~"Over.*"', 'boiler maintenance']), { polling: 100, timeout: 15_000 });
    await page.click('button[aria-label^="Expire silence"]');
    await eventually(
      () => call(platform.baseUrl, 'GET', '/alertmanager/api/v2/silences', { token: platform.adminToken }),
      (r) => r.body?.[0]?.status?.state === 'expired',
      { what: 'the silence expired' },
    );
    await waitForText(page, 'No active silence.');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('acknowledges a ticket on the board, with its time to acknowledge and the median', async () => {
    const id = await openTicket('BoilerDown', await experimentId(seeded.experiment));
    const { page, errors } = await openPage(browser, 'phone', 'light');
    await signIn(page, platform.baseUrl, platform.adminToken, '/tickets');
    await waitForText(page, `#${id} BoilerDown`);
    await waitForText(page, 'Median time to acknowledge: —');
    await page.click(`button[aria-label="Acknowledge ticket ${id}"]`);
    await page.waitForSelector('dialog[open]');
    await page.type('#ticket-comment', 'on it');
    await page.click('dialog button[type="submit"]');
    const acked = await eventually(
      () => call(platform.baseUrl, 'GET', `/tickets/${id}`, { token: platform.adminToken }),
      (r) => r.body?.state === 'acknowledged',
      { what: 'the ticket acknowledged' },
    );
    expect(acked.body.comments.map((c: { body: string }) => c.body)).toContain('on it');
    expect(acked.body.time_to_acknowledge_ms).toBeGreaterThan(0);
    // Now under Acknowledged, with Resolve offered and no Acknowledge.
    await page.waitForSelector(`#tickets-acknowledged ~ ul button[aria-label="Resolve ticket ${id}"], section[aria-labelledby="tickets-acknowledged"] button[aria-label="Resolve ticket ${id}"]`);
    expect(await page.$(`button[aria-label="Acknowledge ticket ${id}"]`)).toBeNull();
    await page.waitForFunction(`!document.body.innerText.includes('Median time to acknowledge: —')`, { polling: 100, timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("does not show a SCIENTIST the alerts or tickets of another experiment", async () => {
    await openTicket('OtherTicket', await experimentId(OTHER));
    await platform.publish({ experiment: OTHER, metric: 'other_c', source: 'x', value: 99, timestamp: new Date().toISOString() });
    await eventually(
      () => call(platform.baseUrl, 'GET', '/alerts', { token: platform.adminToken }),
      (r) => r.body?.items?.some((a: { alertname: string }) => a.alertname === 'OtherHot') === true,
      { what: 'OtherHot active', timeoutMs: 60_000 },
    );
    const { page, errors } = await openPage(browser, 'desktop', 'light');
    await signIn(page, platform.baseUrl, seeded.scientistToken, '/alerts');
    await page.waitForFunction(rowWith(['Overheat']), { polling: 100, timeout: 15_000 });
    expect(await page.evaluate('document.body.innerText.includes("OtherHot")')).toBe(false);
    await page.goto(`${platform.baseUrl}/ui/tickets`, { waitUntil: 'domcontentloaded' });
    await waitForText(page, 'BoilerDown');
    expect(await page.evaluate('document.body.innerText.includes("OtherTicket")')).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows the service tree with its explanation and the hosts with their results', async () => {
    // A check on web-1 with a critical result, stored as the check runner's recorder stores it.
    const check = await call(platform.baseUrl, 'POST', '/checks', {
      token: platform.adminToken,
      body: { experiment: seeded.experiment, name: 'portal_tcp', kind: 'tcp', params: { port: 443 }, hosts: [seeded.hostIds[0]] },
    });
    expect(check.status).toBe(201);
    const results = platform.container.get<CheckResultStore>(TYPES.CheckResultStore);
    await results.insertOnce({
      checkId: check.body.id as number,
      hostId: seeded.hostIds[0]!,
      experimentId: await experimentId(seeded.experiment),
      slotMs: Date.now() - 5_000,
      outcome: 'failed',
      message: 'connection refused',
      severity: 'critical',
      fencingToken: 1,
    });
    const { page, errors } = await openPage(browser, 'desktop', 'light');
    await signIn(page, platform.baseUrl, platform.adminToken, '/services');
    await waitForText(page, 'portal');
    await page.waitForSelector('ul.services-tree li.services-node');
    const nodes = await page.$$eval('ul.services-tree li.services-node', (items) => items.length);
    expect(nodes).toBeGreaterThanOrEqual(4); // the service, its two hosts and web-1's check
    // The path that decided the service's state is open and readable: service, host, check, all critical.
    await page.waitForFunction(
      `[...document.querySelectorAll('li.services-state-critical')].some((li) => li.innerText.includes('portal_tcp')) && document.querySelectorAll('li.services-state-critical').length >= 3`,
      { polling: 100, timeout: 15_000 },
    );
    await page.goto(`${platform.baseUrl}/ui/hosts`, { waitUntil: 'domcontentloaded' });
    await waitForText(page, 'db-1');
    await page.click(`button[aria-controls="host-${seeded.hostIds[0]}-detail"]`);
    await waitForText(page, 'Latest result of each check on web-1');
    await page.waitForFunction(rowWith(['portal_tcp', 'Critical', 'connection refused']), { polling: 100, timeout: 10_000 });
    await page.click('button[aria-pressed]');
    await waitForText(page, 'Results of portal_tcp, newest first');
    await page.waitForFunction(rowWith(['web-1', 'Critical', 'failed']), { polling: 100, timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  const VIEWS: ReadonlyArray<[SizeName, ThemeName]> = [
    ['phone', 'light'],
    ['phone', 'dark'],
    ['desktop', 'light'],
    ['desktop', 'dark'],
  ];
  const PAGES: ReadonlyArray<[string, string]> = [
    ['/alerts', 'Active alerts'],
    ['/silences', 'Expired silences'],
    ['/tickets', 'Median time to acknowledge'],
    ['/services', 'portal'],
    ['/hosts', 'portal_tcp'],
  ];

  it.each(PAGES)('%s has no serious or critical axe violation at both sizes, light and dark', async (path, text) => {
    const { page, errors } = await openPage(browser, 'desktop', 'light');
    await signIn(page, platform.baseUrl, platform.adminToken, path);
    await waitForText(page, text);
    await page.waitForFunction(`!document.querySelector('.loading')`, { polling: 100, timeout: 15_000 });
    for (const [size, theme] of VIEWS) {
      await setView(page, size, theme);
      await expectAccessible(page as Page, `${path} at ${size}/${theme}`);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
