import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Chromium (.ci/run installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1440, height: 900 },
} as const;
export type SizeName = keyof typeof SIZES;
export type ThemeName = 'light' | 'dark';

/** Headless Chromium through puppeteer-core (no browser download); --no-sandbox only as root. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  const args = ['--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  // A renderer stuck in a loop would leave every CDP call waiting (180 s by default): fail in 60 s instead.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args, protocolTimeout: 60_000 });
}

export interface ConsolePage {
  page: Page;
  /** Console errors and failed page scripts, including CSP violations ("Refused to ..."). */
  errors: string[];
}

/** A new tab at a viewport size and colour scheme, recording the page's errors. */
export async function openPage(browser: Browser, size: SizeName = 'desktop', theme: ThemeName = 'light'): Promise<ConsolePage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await setView(page, size, theme);
  return { page, errors };
}

export async function setView(page: Page, size: SizeName, theme: ThemeName): Promise<void> {
  await page.setViewport({ ...SIZES[size], deviceScaleFactor: 1, isMobile: size === 'phone', hasTouch: size === 'phone' });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
}

/** Waits until the page shows `text` somewhere in its body. */
export async function waitForText(page: Page, text: string, timeout = 10_000): Promise<void> {
  // A string runs in the page (this program has no DOM types).
  await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(text)})`, { timeout, polling: 100 });
}

/**
 * Signs in on /ui/ with a local token, as a person would (pastes it, presses Sign in), and waits for the
 * console's layout. `path` is the console route to open afterwards ('/' is the overview).
 */
export async function signIn(page: Page, baseUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}/ui${path}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('textarea#token');
  // Typing 400 characters one key at a time is slow: set the value, then one real keystroke fires input.
  await page.evaluate(
    `(() => { const area = document.querySelector('textarea#token'); area.value = ${JSON.stringify(token.slice(0, -1))}; area.dispatchEvent(new Event('input', { bubbles: true })); })()`,
  );
  await page.type('textarea#token', token.slice(-1));
  await page.click('button[type="submit"]');
  await page.waitForSelector('nav[aria-label="Main"]');
}

/** Replaces the text of an input or textarea by typing, as a person would (select all, delete, type). */
export async function replaceText(page: Page, selector: string, text: string): Promise<void> {
  await page.click(selector, { count: 3 });
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.type(selector, text);
}

/** Closes the browser; if it does not answer within 10 s (a stuck renderer), kills it so no CPU is left spinning. */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  const child = browser.process();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 10_000);
  });
  await Promise.race([browser.close().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
