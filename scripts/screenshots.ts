import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/project-root';
import { SIZES, launchBrowser, openPage, setView, signIn, type SizeName, type ThemeName } from '../test/browser/support/browser';
import { startConsolePlatform } from '../test/browser/support/platform';
import { seed } from '../test/browser/support/seed';

/**
 * npm run screenshots: starts the real platform (MariaDB, RabbitMQ, REST, consumer) with seed data, signs
 * in as an ADMIN and photographs the sign-in page and every page the nav lists, at 390x844 and 1440x900,
 * light and dark, into docs/screenshots/<page>-<size>-<theme>.png.
 */
const OUT = path.join(PROJECT_ROOT, 'docs', 'screenshots');

/** '/ui/' -> 'overview', '/ui/alerts/history' -> 'alerts-history'. */
function pageName(href: string): string {
  const rest = href.replace(/^\/ui\/?/, '').replace(/\/$/, '');
  return rest === '' ? 'overview' : rest.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const platform = await startConsolePlatform();
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    await seed(platform);
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
