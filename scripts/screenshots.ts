import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/project-root';
import { SIZES, launchBrowser, openPage, setView, signIn, type SizeName, type ThemeName } from '../test/browser/support/browser';
import { call, eventually, startConsolePlatform, type ConsolePlatform } from '../test/browser/support/platform';
import { ok, seed } from '../test/browser/support/seed';
import { openTicket } from '../test/browser/support/tickets';

/**
 * npm run screenshots: starts the real platform (MariaDB, RabbitMQ, REST, consumer, rule evaluator) with seed
 * data (measures, a firing alert, a silence, an open ticket, a rejected message, a policy with violations),
 * signs in as an ADMIN and photographs the sign-in page, every page the nav lists and the pages reached from
 * them (a series chart, a rule group's editor, a policy's verdicts, a rejected message), at 390x844 and
 * 1440x900, light and dark, into docs/screenshots/<page>-<size>-<theme>.png.
 */
const OUT = path.join(PROJECT_ROOT, 'docs', 'screenshots');

/** '/ui/' -> 'overview', '/ui/alerts/history' -> 'alerts-history'. */
function pageName(href: string): string {
  const rest = href.replace(/^\/ui\/?/, '').replace(/\/$/, '');
  return rest === '' ? 'overview' : rest.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
}

/** What the operations pages show: a firing alert, a silence, an open ticket, a rejected message, a policy with violations. */
async function seedOperations(platform: ConsolePlatform, experiment: string): Promise<{ policyId: number; exceptionId: number }> {
  const { baseUrl, adminToken: token } = platform;
  const rules = [
    { alert: 'BoilerHot', expr: 'boiler_c > 50', for: '0s', labels: { severity: 'critical' }, annotations: { summary: 'boiler above 50 °C' } },
    { alert: 'ProbeCold', expr: 'temperature < 0', for: '5m', labels: { severity: 'minor' } },
  ];
  await ok(call(baseUrl, 'PUT', `/experiments/${experiment}/rule-groups/boiler`, { token, body: { name: 'boiler', interval: '1s', rules } }), 'rule group');
  await platform.publish([{ experiment, metric: 'boiler_c', source: 'boiler-1', value: 81.5, timestamp: Date.now() }]);
  await eventually(
    () => call(baseUrl, 'GET', '/alerts?state=firing', { token }),
    (r) => r.status === 200 && JSON.stringify(r.body).includes('BoilerHot'),
    { what: 'BoilerHot firing', timeoutMs: 60_000 },
  );
  const now = Date.now();
  await ok(
    call(baseUrl, 'POST', '/alertmanager/api/v2/silences', {
      token,
      body: {
        matchers: [{ name: 'alertname', value: 'ProbeCold', isRegex: false, isEqual: true }, { name: 'experiment', value: experiment, isRegex: false, isEqual: true }],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 4 * 3_600_000).toISOString(),
        createdBy: 'ops',
        comment: 'probe recalibration',
      },
    }),
    'silence',
  );
  const experimentId = (await ok(call(baseUrl, 'GET', `/experiments/${experiment}`, { token }), 'experiment')).body.id as number;
  await openTicket(platform, 'BoilerHot', experimentId, { labels: [['experiment', experiment]], annotations: [['summary', 'boiler above 50 °C']] });
  // A measure for an experiment that does not exist: the consumer stores it as a rejected message.
  await platform.publish([{ experiment: 'NOPE', metric: 'temperature', source: 'probe-9', value: 21, timestamp: now - 60_000 }], { messageId: 'screenshot-1' });
  const exceptions = await eventually(
    () => call(baseUrl, 'GET', '/exceptions', { token }),
    (r) => r.status === 200 && r.body.items.length > 0,
    { what: 'a rejected message' },
  );
  const policy = await ok(
    call(baseUrl, 'POST', '/policies', {
      token,
      body: { experiment, name: 'approved-before-publish', signature: 'publish(d:int)\napprove(d:int)', formula: 'publish(d) AND NOT ONCE[0,5] approve(d)' },
    }),
    'policy',
  );
  const policyId = policy.body.id as number;
  await ok(
    call(baseUrl, 'POST', `/policies/${policyId}/events`, {
      token,
      rawBody: '@10 approve(1)\n@12 publish(1) publish(2)\n@30 publish(1) approve(3)\n@33 publish(3)',
      headers: { 'content-type': 'text/plain' },
    }),
    'policy events',
  );
  return { policyId, exceptionId: exceptions.body.items[0].id as number };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const platform = await startConsolePlatform({ components: ['rule-evaluator'] });
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    const seeded = await seed(platform);
    const { policyId, exceptionId } = await seedOperations(platform, seeded.experiment);
    const { page } = await openPage(browser);
    const shoot = async (name: string) => {
      for (const size of Object.keys(SIZES) as SizeName[]) {
        for (const theme of ['light', 'dark'] as ThemeName[]) {
          await setView(page, size, theme);
          await page.waitForNetworkIdle({ idleTime: 300, timeout: 15_000 }).catch(() => undefined);
          const file = path.join(OUT, `${name}-${size}-${theme}.png`);
          await page.screenshot({ path: file as `${string}.png`, fullPage: true });
          written.push(path.relative(PROJECT_ROOT, file));
        }
      }
    };
    await page.goto(`${platform.baseUrl}/ui/`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('textarea#token');
    await shoot('signin');
    await signIn(page, platform.baseUrl, platform.adminToken);
    const hrefs = (await page.evaluate(`[...document.querySelectorAll('nav[aria-label="Main"] a')].map((a) => a.getAttribute('href'))`)) as string[];
    for (const href of hrefs) {
      await page.goto(`${platform.baseUrl}${href}`, { waitUntil: 'networkidle0' });
      await page.waitForSelector('nav[aria-label="Main"]');
      await shoot(pageName(href));
    }
    const reached: Array<[string, string, string]> = [
      ['series-chart', `/experiments/${seeded.experiment}`, 'input[aria-label="Chart temperature from probe-1"]'],
      ['rule-editor', `/rules/edit?experiment=${seeded.experiment}&group=boiler`, '.rules-code-promql .cm-content'],
      ['policy-verdicts', `/policies/${policyId}`, 'table'],
      ['rejected-message', `/exceptions/${exceptionId}`, 'pre.admin-body'],
    ];
    for (const [name, route, ready] of reached) {
      await page.goto(`${platform.baseUrl}/ui${route}`, { waitUntil: 'networkidle0' });
      await page.waitForSelector(ready);
      if (name === 'series-chart') {
        await page.click('input[aria-label="Chart temperature from probe-1"]');
        await page.waitForSelector('figure.chart .u-over');
      }
      await shoot(name);
    }
  } finally {
    await browser.close();
    await platform.stop();
  }
  for (const file of written) console.log(file);
  console.log(`${written.length} screenshots`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
