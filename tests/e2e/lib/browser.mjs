// Debian's chromium driven by playwright-core: never a downloaded browser.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

export const WAIT_MS = 10000;

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'
    ],
  });
}

// A browser context signed in with `token` (kept in sessionStorage as the app does), and a page
// whose console errors and uncaught exceptions are collected in `errors`. `path: null` leaves
// the page blank (the caller navigates).
export async function userPage(browser, base, token, {path: hash = '#/', ignore = []} = {}) {
  const context = await browser.newContext({viewport: {width: 1366, height: 900}, locale: 'fr-FR'});
  if (token) {
    await context.addInitScript((t) => sessionStorage.setItem('grappe.token', t), token);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore.some((re) => re.test(m.text()))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  if (hash !== null) await page.goto(`${base}/${hash}`);
  return {context, page, errors};
}

export async function screenshot(page, name) {
  const dir = process.env.GRAPPE_SCREENSHOTS ?? path.resolve('screenshots');
  mkdirSync(dir, {recursive: true});
  await page.screenshot({path: path.join(dir, `${name}.png`), fullPage: true});
}

// Waits until the locator (first match) contains `text`.
export function waitText(locator, text, timeout = WAIT_MS) {
  return locator.filter({hasText: text}).first().waitFor({timeout});
}
