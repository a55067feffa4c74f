import type { Browser, Page } from 'puppeteer-core';
import { expectAccessible } from './support/axe';
import { closeBrowser, launchBrowser, openPage, replaceText, setView, signIn, waitForText, type SizeName, type ThemeName } from './support/browser';
import { call, eventually, startConsolePlatform, type ConsolePlatform } from './support/platform';
import { seed, type Seed } from './support/seed';

/**
 * The policy pages against the real platform in Chromium: an ADMIN writes a temporal policy in the form (a
 * formula outside the monitorable fragment is refused at its field, nothing stored), events are fed over the
 * REST API, the policy's page shows its violations and a refused time point; the associated SCIENTIST reads
 * it without the ADMIN's actions, another SCIENTIST gets a readable refusal; axe at both sizes and themes.
 */
jest.setTimeout(120_000);

describe('the web console: temporal policies and their verdicts', () => {
  let platform: ConsolePlatform;
  let browser: Browser;
  let seeded: Seed;
  let policyId: number | undefined;

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startConsolePlatform(), launchBrowser()]);
    seeded = await seed(platform);
  }, 240_000);
  afterAll(async () => {
    await closeBrowser(browser);
    await platform?.stop();
  });

  const policies = async () => {
    const response = await call(platform.baseUrl, 'GET', `/policies?experiment=${seeded.experiment}`, { token: platform.adminToken });
    expect(response.status).toBe(200);
    return response.body.items as Array<{ id: number; name: string; formula: string }>;
  };

  async function axeEverywhere(page: Page, where: string, ready: string): Promise<void> {
    for (const size of ['phone', 'desktop'] as SizeName[]) {
      for (const theme of ['light', 'dark'] as ThemeName[]) {
        await setView(page, size, theme);
        await waitForText(page, ready);
        await expectAccessible(page, `${where} at ${size} in ${theme}`);
      }
    }
  }

  it('lets an ADMIN write a policy in the form, refusing an unmonitorable formula at its field', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, platform.baseUrl, platform.adminToken, `/policies/edit?experiment=${seeded.experiment}`);
    await waitForText(page, 'New policy');
    await page.type('#policy-name', 'approved-before-publish');
    await page.type('#policy-signature', 'publish(d:int)\napprove(d:int)');
    await page.type('#policy-formula', 'publish(d) AND EVENTUALLY approve(d)');
    await page.click('form[aria-label="Policy"] button[type="submit"]');
    await page.waitForSelector('#policy-formula-error');
    expect(await page.$eval('#policy-formula-error', (el) => el.textContent)).toMatch(/not monitorable/);
    expect(await page.$eval('#policy-formula', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    expect(await policies()).toEqual([]);
    await expectAccessible(page, 'the policy form with a field error');

    await replaceText(page, '#policy-formula', 'publish(d) AND NOT ONCE[0,5] approve(d)');
    await Promise.all([page.waitForFunction(`location.pathname.match(/\\/ui\\/policies\\/\\d+$/)`), page.click('form[aria-label="Policy"] button[type="submit"]')]);
    await waitForText(page, 'Policy approved-before-publish');
    await waitForText(page, 'No verdict: no violation so far.');
    const stored = await policies();
    expect(stored).toEqual([expect.objectContaining({ name: 'approved-before-publish', formula: 'publish(d) AND NOT ONCE[0,5] approve(d)' })]);
    policyId = stored[0]!.id;
    expect(await page.evaluate('location.pathname')).toBe(`/ui/policies/${policyId}`);
    // Chromium logs the refused request itself; nothing else went wrong.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await page.close();
  });

  it("shows the policy's violations and a refused time point, readable at both sizes and in both themes", async () => {
    if (policyId === undefined) throw new Error('no policy: the first test, which creates it through the console, failed (see its error)');
    const fed = await call(platform.baseUrl, 'POST', `/policies/${policyId}/events`, {
      token: platform.adminToken,
      body: [
        { ts: 10, events: [{ pred: 'approve', args: [1] }] },
        { ts: 12, events: [{ pred: 'publish', args: [1] }, { pred: 'publish', args: [2] }] },
        { ts: 30, events: [{ pred: 'publish', args: [1] }] },
      ],
    });
    expect(fed.body).toMatchObject({ accepted: 3, next_tp: 3 });
    const refused = await call(platform.baseUrl, 'POST', `/policies/${policyId}/events`, {
      token: platform.adminToken,
      rawBody: '@20 approve(3)',
      headers: { 'content-type': 'text/plain' },
    });
    expect(refused.status).toBe(422);
    // What the console must show, from the API: d=2 at time point 1 (never approved), d=1 at time point 2 (approved 20 s before).
    const verdicts = await call(platform.baseUrl, 'GET', `/policies/${policyId}/verdicts`, { token: platform.adminToken });
    expect(verdicts.body.items.map((v: { tp: number; tuples: number[][] }) => [v.tp, v.tuples])).toEqual([
      [1, [[2]]],
      [2, [[1]]],
    ]);

    const { page, errors } = await openPage(browser, 'phone', 'dark');
    await signIn(page, platform.baseUrl, platform.adminToken, `/policies/${policyId}`);
    await waitForText(page, 'Verdicts by time point');
    const rows = await page.$$eval('table', (tables) =>
      tables
        .filter((t) => t.caption?.textContent?.startsWith('Verdicts'))
        .flatMap((t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''))),
    );
    expect(rows).toEqual([
      ['1', '(2)', '12'],
      ['2', '(1)', '30'],
    ]);
    await waitForText(page, 'the timestamp 20 is smaller than the previous one (30)');
    await waitForText(page, 'Time points fed');
    await axeEverywhere(page, "a policy's page with verdicts and a rejection", 'Refused time points');

    // The list shows it with its time points.
    await page.goto(`${platform.baseUrl}/ui/policies`, { waitUntil: 'domcontentloaded' });
    await waitForText(page, 'approved-before-publish');
    await axeEverywhere(page, 'the policy list', 'approved-before-publish');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets the associated SCIENTIST read the verdicts without the ADMIN actions; another SCIENTIST gets a readable refusal', async () => {
    if (policyId === undefined) throw new Error('no policy: the first test, which creates it through the console, failed (see its error)');
    const { page } = await openPage(browser);
    await signIn(page, platform.baseUrl, seeded.scientistToken, `/policies/${policyId}`);
    await waitForText(page, 'Policy approved-before-publish');
    await waitForText(page, '(2)');
    expect(await page.$$eval('a, button', (els) => els.map((e) => e.textContent?.trim()))).not.toEqual(expect.arrayContaining(['Edit']));
    expect(await page.$$eval('button', (els) => els.map((e) => e.textContent?.trim()))).not.toContain('Delete policy');
    await page.close();

    const { token: stranger } = await platform.userWithToken('SCIENTIST', 'stranger');
    const other = await openPage(browser);
    await signIn(other.page, platform.baseUrl, stranger, `/policies/${policyId}`);
    // The API's 404 becomes a message with the request id, not an empty page; the verdicts are not there.
    await other.page.waitForFunction(`/request id/i.test(document.body.innerText)`, { timeout: 10_000 });
    expect(await other.page.evaluate('document.body.innerText')).not.toContain('(2)');
    await other.page.goto(`${platform.baseUrl}/ui/policies`, { waitUntil: 'domcontentloaded' });
    await waitForText(other.page, 'No policy.');
    await eventually(
      () => call(platform.baseUrl, 'GET', `/policies/${policyId}`, { token: stranger }),
      (r) => r.status === 404,
      { what: "the API refusing another experiment's policy" },
    );
    await other.page.close();
  });
});
