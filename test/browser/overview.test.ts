import type { Browser } from 'puppeteer-core';
import { mysqlFor } from './support/db';
import { expectAccessible } from './support/axe';
import { closeBrowser, launchBrowser, openPage, setView, signIn, waitForText, type SizeName, type ThemeName } from './support/browser';
import { call, eventually, startConsolePlatform, type ConsolePlatform } from './support/platform';

/**
 * The console against the real platform (MariaDB, RabbitMQ, REST serving /ui/, the consumer) in Debian's
 * Chromium: sign-in with a pasted local token, the overview's sections, the nav by role and size, axe at
 * both sizes in both themes, and an API failure shown as a message with its request id.
 */
describe('the web console: sign-in and overview', () => {
  let platform: ConsolePlatform;
  let browser: Browser;
  const PUBLISHED = 7;

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startConsolePlatform(), launchBrowser()]);
    const created = await call(platform.baseUrl, 'POST', '/experiments', { token: platform.adminToken, body: { code: 'WEB1', name: 'Web console' } });
    expect(created.status).toBe(201);
    // Measures over AMQP, through the consumer, within the last hour: the overview's ingest section counts them.
    const now = Date.now();
    await platform.publish(
      Array.from({ length: PUBLISHED }, (_, i) => ({ experiment: 'WEB1', metric: i % 2 === 0 ? 'temperature' : 'pressure', source: 'probe-1', value: 20 + i, timestamp: now - (i + 1) * 60_000 })),
    );
    await eventually(
      () => call(platform.baseUrl, 'GET', '/experiments/WEB1/measures', { token: platform.adminToken }),
      (r) => r.status === 200 && r.body.items.length === PUBLISHED,
      { what: 'the published measures stored' },
    );
  }, 240_000);
  afterAll(async () => {
    await closeBrowser(browser);
    await platform?.stop();
  });

  it('signs in with a pasted token kept in sessionStorage (no cookie) and shows the overview', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, platform.baseUrl, platform.adminToken);
    for (const heading of ['Overview', 'Services', 'Hosts', 'Firing alerts', 'Open tickets', 'Ingest', 'Rejected messages']) await waitForText(page, heading);
    await waitForText(page, 'No alert is firing.');
    await waitForText(page, 'rejected in the last hour');
    await waitForText(page, 'measures per minute over the last hour');
    await waitForText(page, `(${PUBLISHED} in all)`);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate("sessionStorage.getItem('mymonit.token')")).toBe(platform.adminToken);
    expect(await page.title()).toBe('Overview · MyMONIT');
    // Nothing refused by the Content-Security-Policy, no script error.
    expect(errors).toEqual([]);
    // Sign out forgets the token.
    await page.click('.topbar-end button:last-child');
    await page.waitForSelector('textarea#token');
    expect(await page.evaluate("sessionStorage.getItem('mymonit.token')")).toBeNull();
    await page.close();
  });

  it('refuses a token that is not a user\'s with a readable message and its request id', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${platform.baseUrl}/ui/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('textarea#token');
    await page.type('textarea#token', 'not.a.token');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.error-message .request-id');
    const text = (await page.$eval('.error-message', (el) => el.textContent)) ?? '';
    expect(text).toContain('Sign-in failed');
    expect(text).toContain('HTTP 401');
    await page.close();
  });

  it('shows a SCIENTIST no ADMIN section, and the phone layout folds the nav behind Menu', async () => {
    const { token } = await platform.userWithToken('SCIENTIST', 'sci');
    const { page } = await openPage(browser, 'phone');
    await signIn(page, platform.baseUrl, token);
    await waitForText(page, 'No alert is firing.');
    expect(await page.evaluate('document.body.innerText.includes("Rejected messages")')).toBe(false);
    const navShown = () => page.$eval('#main-nav', (el) => (el as unknown as { offsetParent: unknown }).offsetParent !== null);
    expect(await navShown()).toBe(false);
    await page.click('.menu-button');
    expect(await navShown()).toBe(true);
    expect(await page.$eval('.menu-button', (el) => el.getAttribute('aria-expanded'))).toBe('true');
    // Nothing wider than the phone: no sideways scrolling of the page.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.close();
  });

  it('has no serious or critical axe violations at 390x844 and 1440x900, light and dark', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${platform.baseUrl}/ui/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('textarea#token');
    await expectAccessible(page, 'the sign-in page');
    await signIn(page, platform.baseUrl, platform.adminToken);
    await waitForText(page, 'rejected in the last hour');
    for (const size of ['phone', 'desktop'] as SizeName[]) {
      for (const theme of ['light', 'dark'] as ThemeName[]) {
        await setView(page, size, theme);
        await expectAccessible(page, `the overview at ${size} in ${theme}`);
      }
    }
    await page.close();
  });

  it('renders an API failure as its message and request id beside the sections that worked', async () => {
    const db = await mysqlFor(platform);
    // A real storage failure: the tickets table is gone for the length of this test.
    await db.query('RENAME TABLE tickets TO tickets_away');
    try {
      const { page } = await openPage(browser);
      await signIn(page, platform.baseUrl, platform.adminToken);
      await page.waitForSelector('section[aria-labelledby="section-open-tickets"] .error-message .request-id');
      const requestId = await page.$eval('section[aria-labelledby="section-open-tickets"] .request-id', (el) => el.textContent);
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const message = (await page.$eval('section[aria-labelledby="section-open-tickets"] .error-message', (el) => el.textContent)) ?? '';
      expect(message).toMatch(/HTTP 5\d\d/);
      expect(message).toContain('Retry');
      // The other sections still rendered.
      await waitForText(page, 'No alert is firing.');
      await page.close();
    } finally {
      await db.query('RENAME TABLE tickets_away TO tickets');
      await db.end();
    }
  });
});
