import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import type { User } from '../../src/domain/user';
import { expectAccessible } from './support/axe';
import { closeBrowser, launchBrowser, openPage, replaceText, setView, signIn, waitForText, type SizeName, type ThemeName } from './support/browser';
import { call, eventually, startConsolePlatform, type ConsolePlatform } from './support/platform';

/**
 * The data pages against the real platform in Chromium: the seed's API sequence done through the console
 * (an ADMIN creates a SCIENTIST and an experiment in the forms and associates them), measures published
 * over AMQP, the SCIENTIST signing in and seeing them on a chart (point counts and latest values, a live
 * tail without reload, drag to zoom), Explore (completion, a range query's graph and table), refusals
 * shown at the field they name, and axe on each page at both sizes and themes.
 */
jest.setTimeout(120_000);

describe('the web console: experiments, users, series charts and Explore', () => {
  let platform: ConsolePlatform;
  let browser: Browser;
  let scientistToken: string;
  const CODE = 'LAB7';
  const SOURCE = 'probe-7';
  const now = Date.now();
  // Two series over the last half hour, one measure a minute each (a 1 h window charts them 5 s apart: one bucket each).
  const measures = Array.from({ length: 30 }, (_, i) => [
    { experiment: CODE, metric: 'temperature', source: SOURCE, value: 20 + i / 4, timestamp: now - (i + 1) * 60_000 },
    { experiment: CODE, metric: 'pressure', source: SOURCE, value: 1000 - i, timestamp: now - (i + 1) * 60_000 - 500 },
  ]).flat();
  const newest = (metric: string) => measures.filter((m) => m.metric === metric).sort((a, b) => b.timestamp - a.timestamp)[0]!.value;
  const count = (metric: string) => measures.filter((m) => m.metric === metric).length;

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startConsolePlatform(), launchBrowser()]);
  }, 240_000);
  afterAll(async () => {
    await closeBrowser(browser);
    await platform?.stop();
  });

  /** The SCIENTIST the first test creates through the forms; the later tests sign in as them. */
  function scientist(): string {
    if (!scientistToken) throw new Error('no SCIENTIST: the first test, which creates them through the console, failed (see its error)');
    return scientistToken;
  }

  /** axe at both sizes and themes; `ready` is what the page shows when done (a change of size reloads the page). */
  async function axeEverywhere(page: Page, where: string, ready: string): Promise<void> {
    for (const size of ['phone', 'desktop'] as SizeName[]) {
      for (const theme of ['light', 'dark'] as ThemeName[]) {
        await setView(page, size, theme);
        await page.waitForSelector(ready);
        await expectAccessible(page, `${where} at ${size} in ${theme}`);
      }
    }
    await setView(page, 'desktop', 'light');
    await page.waitForSelector(ready);
  }

  /** An element of the PromQL editor, which lives in a shadow root (CSP: constructable stylesheets), once it exists. */
  async function inEditor(page: Page, selector: string, text = ''): Promise<ElementHandle> {
    const handle = await page.waitForFunction(
      `[...(document.querySelector('.explore-editor')?.shadowRoot?.querySelectorAll(${JSON.stringify(selector)}) ?? [])].find((el) => el.textContent.includes(${JSON.stringify(text)}))`,
    );
    return handle.asElement() as ElementHandle;
  }

  it('lets an ADMIN create a SCIENTIST and an experiment in the forms and associate them', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, platform.baseUrl, platform.adminToken, '/users');
    await waitForText(page, 'All users');
    await page.click('.page-title button.primary');
    await page.waitForSelector('dialog #user-user-id');
    await page.type('#user-user-id', 'S900');
    await page.type('#user-name', 'Sam Scientist');
    await page.type('#user-username', 'sam');
    await page.type('#user-email', 'sam-at-example.org');
    await page.click('dialog button[type="submit"]');
    // The API's refusal lands at the field it names, announced and linked to the input.
    await page.waitForSelector('#user-email-error');
    expect(await page.$eval('#user-email-error', (el) => el.textContent)).toMatch(/email/i);
    expect(await page.$eval('#user-email', (el) => el.getAttribute('aria-describedby'))).toBe('user-email-error');
    expect(await page.$('#user-name-error')).toBeNull();
    await expectAccessible(page, 'the user form with an error');
    await replaceText(page, '#user-email', 'sam@example.org');
    await page.click('dialog button[type="submit"]');
    await page.waitForFunction(`!document.querySelector('dialog')`);
    await waitForText(page, 'Sam Scientist');
    await axeEverywhere(page, 'the users page', '.table-wrap tbody tr');

    await page.click('a[href="/ui/experiments"]');
    await waitForText(page, 'All experiments');
    await page.click('.page-title button.primary');
    await page.waitForSelector('dialog #experiment-code');
    await page.type('#experiment-code', CODE);
    await page.type('#experiment-name', 'Lab seven');
    await page.type('#experiment-description', 'made in the console');
    await page.click('dialog button[type="submit"]');
    await page.waitForFunction(`!document.querySelector('dialog')`);
    await page.waitForSelector(`a[href="/ui/experiments/${CODE}"]`);
    // The same code again: the 409 shows at the code field.
    await page.click('.page-title button.primary');
    await page.waitForSelector('dialog #experiment-code');
    await page.type('#experiment-code', CODE);
    await page.type('#experiment-name', 'Twice');
    await page.click('dialog button[type="submit"]');
    await page.waitForSelector('#experiment-code-error');
    expect(await page.$eval('#experiment-code-error', (el) => el.textContent)).toContain('already taken');
    await page.keyboard.press('Escape');
    await page.waitForFunction(`!document.querySelector('dialog')`);
    await axeEverywhere(page, 'the experiments page', `a[href="/ui/experiments/${CODE}"]`);

    await page.click(`a[href="/ui/experiments/${CODE}"]`);
    await waitForText(page, 'Associated users');
    await waitForText(page, 'No user is associated.');
    const value = await page.$$eval('#associate-user option', (options) => options.find((o) => (o.textContent ?? '').includes('Sam Scientist'))?.getAttribute('value'));
    expect(value).toMatch(/^\d+$/);
    await page.select('#associate-user', value!);
    await page.click('.experiments-associate button[type="submit"]');
    await waitForText(page, 'Sam Scientist (sam)');
    await axeEverywhere(page, 'the experiment page (ADMIN)', '.experiments-associate select');
    // Only the two refusals provoked above reached the console (Chromium logs every failed request); no CSP refusal, no script error.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
      'Failed to load resource: the server responded with a status of 409 (Conflict)',
    ]);
    await page.close();

    // What the console did is what the API holds.
    const associated = await call(platform.baseUrl, 'GET', `/experiments/${CODE}/users`, { token: platform.adminToken });
    expect(associated.body.items.map((u: { username: string }) => u.username)).toEqual(['sam']);
    const experiment = await call(platform.baseUrl, 'GET', `/experiments/${CODE}`, { token: platform.adminToken });
    expect(experiment.body).toMatchObject({ name: 'Lab seven', description: 'made in the console' });
    const sam = associated.body.items[0] as { username: string; pseudonym: string; role: string };
    expect(sam.role).toBe('SCIENTIST');
    // A token for that user, as `mymonit token` issues it.
    scientistToken = await platform.tokenFor(sam as unknown as User);
  });

  it('shows the SCIENTIST the measures published over AMQP on a chart, with a live tail and zoom', async () => {
    await platform.publish(measures);
    await eventually(
      () => call(platform.baseUrl, 'GET', `/experiments/${CODE}/measures`, { token: platform.adminToken }),
      (r) => r.status === 200 && r.body.items.length === measures.length,
      { what: 'the published measures stored' },
    );
    const { page, errors } = await openPage(browser);
    await signIn(page, platform.baseUrl, scientist(), '/experiments');
    await page.waitForSelector(`a[href="/ui/experiments/${CODE}"]`);
    // No ADMIN controls, no Users page in the nav.
    expect(await page.$('.page-title button.primary')).toBeNull();
    expect(await page.$('a[href="/ui/users"]')).toBeNull();
    await page.click(`a[href="/ui/experiments/${CODE}"]`);
    await page.waitForSelector('input[aria-label="Chart temperature from probe-7"]');
    expect(await page.evaluate('document.body.innerText.includes("Associated users")')).toBe(false);

    await page.click('input[aria-label="Chart temperature from probe-7"]');
    await page.waitForSelector(`figure.chart[data-points="${count('temperature')}"]`);
    await page.click('input[aria-label="Chart pressure from probe-7"]');
    await page.waitForSelector(`figure.chart[data-points="${count('temperature') + count('pressure')}"]`);
    const summary = async () =>
      page.$$eval('.chart-summary tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const rows = await summary();
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      [`temperature @ ${SOURCE}`, String(count('temperature')), String(newest('temperature'))],
      [`pressure @ ${SOURCE}`, String(count('pressure')), String(newest('pressure'))],
    ]);
    // uPlot's legend names both series.
    const legend = await page.$eval('.u-legend', (el) => el.textContent ?? '');
    expect(legend).toContain(`temperature @ ${SOURCE}`);
    expect(legend).toContain(`pressure @ ${SOURCE}`);
    await waitForText(page, 'step 5s');

    // Live tail: a new measure appears without a reload.
    const latest = newest('temperature') + 100.5;
    await platform.publish({ experiment: CODE, metric: 'temperature', source: SOURCE, value: latest, timestamp: Date.now() });
    await page.waitForFunction(`document.querySelector('.chart-summary tbody tr .chart-last')?.textContent === ${JSON.stringify(String(latest))}`, { timeout: 15_000 });
    expect((await summary())[0]![1]).toBe(String(count('temperature') + 1));
    // Drag across the plot: the window becomes fixed (no longer live) and the step finer.
    const box = (await (await page.waitForSelector('.chart .u-over'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(`!document.body.innerText.includes(', live, step') && document.body.innerText.includes('step 1s')`);
    // (A change of size reloads the page: the series come back from the address, the window is live again.)
    await axeEverywhere(page, 'the experiment page with a chart (SCIENTIST)', `figure.chart[data-points="${count('temperature') + count('pressure') + 1}"] .u-over`);

    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a PromQL query from the Explore editor with completion, and shows its graph and table', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, platform.baseUrl, scientist(), '/explore');
    await inEditor(page, '.cm-content').then((h) => h.click());
    await page.keyboard.type('temper');
    // Completion from /prometheus/api/v1/label/__name__/values, with the bearer token.
    await inEditor(page, '.cm-tooltip-autocomplete li', 'temperature').then((h) => h.click());
    await page.waitForFunction(`document.querySelector('.explore-editor').shadowRoot.querySelector('.cm-content').textContent === 'temperature'`);
    await page.click('.explore-options button[type="submit"]');
    await page.waitForSelector('figure.chart');
    const table = await page.$$eval('section[aria-labelledby="section-result"] tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(table).toHaveLength(1);
    expect(table[0]![0]).toContain('temperature');
    expect(table[0]![0]).toContain(CODE);
    expect(Number(table[0]![3])).toBeGreaterThan(0);
    await axeEverywhere(page, 'Explore with a result', 'figure.chart .u-over');

    // An instant query: one row, the latest value.
    await page.select('#explore-mode', 'instant');
    await page.click('.explore-options button[type="submit"]');
    await page.waitForFunction(`document.querySelector('section[aria-labelledby="section-result"] caption')?.textContent.startsWith('vector')`);
    expect(await page.$('figure.chart')).toBeNull();

    // A refused query: Prometheus's error as a readable message.
    await inEditor(page, '.cm-content').then((h) => h.click());
    await page.keyboard.press('End');
    await page.keyboard.type(' +');
    await page.click('.explore-options button[type="submit"]');
    await page.waitForSelector('main .error-message');
    expect(await page.$eval('main .error-message', (el) => el.textContent)).toMatch(/HTTP 4\d\d/);
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await page.close();
  });
});
