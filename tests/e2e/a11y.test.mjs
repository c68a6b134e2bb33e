// Accessibility (RGAA AA, issue 18 point 5) and widths (point 6) of every view, for every role:
// axe-core finds no serious or critical violation (the moderate ones left are listed in
// README.md and in the accessibility statement); no view scrolls sideways from 360 to 1440 px;
// keyboard paths (skip link, focus after a dialog and after navigation); reduced motion. One
// server, one browser, one page per role that moves from view to view (lib/sweep.mjs).
// Screenshots of each view at 390 and 1366 px go to GRAPPE_SCREENSHOTS (a11y-*.png).
// GRAPPE_WEB_ROOT=DIR serves another web client.
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {axeScan, describeViolation, DESKTOP, isSerious, movingElements, overflowingWidths} from './lib/a11y.mjs';
import {launchBrowser, screenshot, userPage, waitText} from './lib/browser.mjs';
import {writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {runWalk, sweepFixtures, walks} from './lib/sweep.mjs';

const PHONE = {
  width: 390,
  height: 844
};

describe('accessibility and widths of every view', () => {
  let server, dir, browser, fx;
  const left = new Map();  // rule id → {impact, where: views where axe found it}

  before(async () => {
    dir = freshDataDir('a11y');
    const webRoot = process.env.GRAPPE_WEB_ROOT ? ['--web-root', process.env.GRAPPE_WEB_ROOT] : [];
    server = await startServer({
      data: path.join(dir, 'data'),
      args: ['--demo', '--config', writeScenesConfig(dir), ...webRoot]
    });
    browser = await launchBrowser();
    fx = await sweepFixtures(server.url);
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  // One subtest per view: axe, the footer's statement link, the widths, the screenshots.
  async function check(t, role, step, page) {
    await t.test(`${role}: ${step.view}`, async (t) => {
      const t0 = Date.now();
      const violations = await axeScan(page);
      const t1 = Date.now();
      for (const v of violations.filter((v) => !isSerious(v))) {
        t.diagnostic(describeViolation(v));
        const seen = left.get(v.id) ?? {impact: v.impact, where: []};
        seen.where.push(`${role}: ${step.view}`);
        left.set(v.id, seen);
      }
      const serious = violations.filter(isSerious).map(describeViolation);
      const wide = await overflowingWidths(page);
      const t2 = Date.now();
      assert.deepEqual({serious, wide}, {serious: [], wide: []}, 'axe, then widths');
      await page.locator('footer a[href="#/accessibilite"]').waitFor();
      if (step.shot) {
        await page.setViewportSize(PHONE);
        await screenshot(page, `a11y-${step.shot}-390`);
        await page.setViewportSize(DESKTOP);
        await screenshot(page, `a11y-${step.shot}-1366`);
      }
      t.diagnostic(`axe ${t1 - t0} ms, widths ${t2 - t1} ms, screenshots ${Date.now() - t2} ms`);
    });
  }

  // Two roles at a time: one page each, the two cores busy (axe is most of the time).
  describe('every view, per role', {concurrency: 2}, () => {
    for (const [k, role] of ['signed out', 'porteur', 'gestionnaire', 'ARS', 'auditor', 'admin']
             .entries()) {
      test(`${role}: every view`, async (t) => {
        const walk = walks(fx)[k];
        assert.equal(walk.role, role);
        const errors =
            await runWalk(browser, server.url, walk, (step, page) => check(t, role, step, page));
        assert.deepEqual(errors, [], 'no console error');
      });
    }
  });

  test('the statement counts the moderate findings the sweep left', async () => {
    const {page, context} = await userPage(browser, server.url, null, {path: '#/accessibilite'});
    const audit = page.getByTestId('a11y-audit');
    const moderate = [...left.values()].filter((v) => v.impact === 'moderate').length;
    await waitText(audit, 'critiques ou graves : 0');
    await waitText(audit, `modérées : ${moderate}`);
    await context.close();
    for (const [id, {impact, where}] of left) console.log(`${impact} ${id}: ${where.join(', ')}`);
  });

  test('keyboard: skip link, footer link, navigation, dialogs', async (t) => {
    const {page, context} = await userPage(browser, server.url, fx.cast.porteur.token);
    const active = () => page.evaluate(() => {
      const a = document.activeElement;
      return a?.dataset.testid ?? a?.id ?? a?.className ?? null;
    });
    const inMain = () =>
        page.evaluate(() => document.getElementById('main').contains(document.activeElement));
    await page.getByTestId('grappes-list').locator('li').first().waitFor();

    await t.test('« Aller au contenu » shows when focused, Enter goes to the content', async () => {
      const skip = page.locator('a.skip');
      await skip.focus();
      const box = await skip.boundingBox();
      assert.ok(box.x >= 0 && box.y >= 0, 'on screen once focused');
      await page.keyboard.press('Enter');
      assert.equal(await active(), 'main');
      await page.keyboard.press('Tab');
      assert.ok(await inMain(), 'the next Tab stays in the content');
    });

    await t.test('a navigation link leaves focus at the start of the new view', async () => {
      await page.getByRole('link', {name: 'Établissements'}).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', {level: 1, name: 'Établissements'}).waitFor();
      assert.ok(await inMain(), 'focus in main');
      assert.match(
          await page.title(), /^(\(\d+\) )?Établissements — /, 'the page title names the view');
    });

    await t.test('the footer link opens the statement, focus in main', async () => {
      await page.getByTestId('a11y-link').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', {level: 1, name: 'Déclaration d’accessibilité'}).waitFor();
      assert.ok(await inMain(), 'focus in main');
    });

    await t.test('a dialog opens on the safe choice and gives focus back', async () => {
      await page.evaluate((h) => {
        location.hash = h;
      }, `#/grappe/${fx.open}`);
      await page.getByTestId('submit-dossier').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('confirm-dialog').waitFor();
      assert.equal(await active(), 'dialog-cancel');
      await page.keyboard.press('Escape');
      await page.getByTestId('confirm-dialog').waitFor({state: 'detached'});
      assert.equal(await active(), 'submit-dossier');
    });

    await t.test('reduced motion: nothing moves; otherwise the newest activity glows', async () => {
      await page.getByTestId('activity').locator('li').first().waitFor();
      await page.emulateMedia({reducedMotion: 'no-preference'});
      assert.ok((await movingElements(page)).length > 0, 'an animation to take away');
      await page.emulateMedia({reducedMotion: 'reduce'});
      assert.deepEqual(await movingElements(page), []);
    });
    await context.close();
  });
});
