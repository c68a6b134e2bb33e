// The registry of establishments replaced from the administration page (issue 22): an admin
// sees the demo registry in service, sends the FINESS+ sample (reference/data/finess-plus) with
// its progress shown, sees it in service with its counts and remarks; a truncated file is refused
// with the server's reason and the registry stays. Every signed-in user sees which registry is in
// service on the establishments page. From tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test registry.test.mjs
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld} from './lib/world.mjs';

const SAMPLE = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../reference/data/finess-plus/finess-structures-echantillon-20260813.json.gz');
const PHONE = {
  width: 390,
  height: 844
};
// The 400 answer to the truncated file is logged by the browser; it is what the test expects.
const EXPECTED_REFUSAL = [/status of 400/];
// Slow enough for the upload's progress to show between 0 and 100 % (bytes per second).
const UPLOAD_BYTES_PER_S = 150 * 1000;

describe('registry upload', () => {
  let server, dir, browser, world;
  const env = {};

  before(async () => {
    dir = freshDataDir('e2e-registry');
    server = await startServer({data: path.join(dir, 'data')});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
    Object.assign(env, {browser, base: server.url});
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  test('an admin replaces the registry, and a bad file leaves it in service', async (t) => {
    const scene = new Scene(t, env);
    const api = scene.api(world.admin);
    const {page, context} = await scene.open(world.admin, '#/admin', {ignore: EXPECTED_REFUSAL});
    const section = page.locator('section.registry');
    const source = page.getByTestId('registry-source');
    const submit = page.getByTestId('registry-submit');
    const progressText = page.getByTestId('registry-progress');

    await t.test('the demo registry is in service', async () => {
      const {data: demo} = await api.get('/api/registry');
      assert.equal(demo.source, 'demo');
      await waitText(source, 'Démonstration');
      await waitText(page.getByTestId('registry-establishments'), String(demo.establishments));
      await waitText(section, demo.sha256.slice(0, 12));
    });

    await t.test('the FINESS+ sample goes up with its progress, then serves', async () => {
      // Every text the progress line shows, kept by the page as it changes.
      await page.evaluate(() => {
        window.seenProgress = [];
        const line = document.querySelector('[data-testid="registry-progress"]');
        new MutationObserver(() => window.seenProgress.push(line.textContent))
            .observe(line, {subtree: true, childList: true, characterData: true});
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: UPLOAD_BYTES_PER_S
      });
      await page.getByLabel('Fichier du registre').setInputFiles(SAMPLE);
      await submit.click();
      const dialog = page.getByTestId('confirm-dialog');
      await waitText(
          dialog, 'Les validations déjà faites gardent le registre qu’elles ont utilisé.');
      await dialog.getByTestId('dialog-confirm').click();
      await waitText(progressText, /Envoi : \d+ % \([\d,]+ ko sur 338,7 ko\)/);
      assert.equal(await submit.isDisabled(), true, 'no second load while one runs');
      await screenshot(page, 'registry-upload-progress');

      const success = page.getByTestId('registry-success');
      await waitText(success, /1\s753 établissements/, 30000);
      await cdp.send(
          'Network.emulateNetworkConditions',
          {offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1});
      await waitText(source, 'FINESS+ (data.gouv.fr)');
      assert.equal(await submit.isDisabled(), false);
      const seen = await page.evaluate(() => window.seenProgress);
      assert.ok(seen.some((s) => /^Envoi : ([1-9]|[1-9]\d) % /.test(s)), seen.join('\n'));
      assert.ok(seen.some((s) => s.startsWith('Lecture du fichier : ')), seen.join('\n'));

      const {data: status} = await api.get('/api/admin/registry');
      assert.equal(status.current.source, 'finess-plus');
      assert.equal(status.current.establishments, 1753);
      assert.match(await success.textContent(), /du 13\/08\/2026/);
      await waitText(section, status.current.sha256.slice(0, 12));
      const n = status.load.warningCount;
      assert.ok(n > 0, 'the sample has remarks');
      const remarks = page.getByTestId('registry-warnings');
      await waitText(remarks.locator('summary'), `${n} remarque${n > 1 ? 's' : ''}`);
      assert.equal(await remarks.evaluate((d) => d.open), false, 'folded at first');
      await remarks.locator('summary').click();
      assert.equal(await remarks.locator('li').count(), Math.min(n, 50));
      await screenshot(page, 'registry-upload-done');
    });

    await t.test('a truncated file is refused and the registry stays', async () => {
      const before = (await api.get('/api/registry')).data;
      const bytes = readFileSync(SAMPLE).subarray(0, 100000);
      await page.getByLabel('Fichier du registre')
          .setInputFiles({name: 'tronque.json.gz', mimeType: 'application/gzip', buffer: bytes});
      await submit.click();
      await page.getByTestId('confirm-dialog').getByTestId('dialog-confirm').click();
      const error = page.getByTestId('registry-error');
      await waitText(error, 'Le registre précédent reste en service.');
      const {data: status} = await api.get('/api/admin/registry');
      assert.equal(status.load.state, 'failed');
      const text = await error.textContent();
      assert.ok(text.startsWith('Le fichier n’a pas été chargé : '), text);
      assert.ok(text.includes(status.load.error.replace(/[.\s]+$/, '')), text);
      assert.deepEqual(status.current, before, 'the registry in service is unchanged');
      await waitText(source, 'FINESS+ (data.gouv.fr)');
      await waitText(page.getByTestId('registry-establishments'), /1\s753/);
      assert.equal(await submit.isDisabled(), false);
      await screenshot(page, 'registry-upload-refused');
    });

    await t.test('at 390 px the registry section needs no horizontal scroll', async () => {
      await page.setViewportSize(PHONE);
      const {scrollWidth, clientWidth} = await page.evaluate(() => {
        const d = document.documentElement;
        return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth};
      });
      assert.ok(scrollWidth <= clientWidth, `${scrollWidth} px wide in ${clientWidth}`);
      const box = await submit.boundingBox();
      assert.ok(box.x + box.width <= PHONE.width, 'the button is on screen');
      await screenshot(page, 'registry-390');
    });
  });

  test('a gestionnaire sees which registry is in service', async (t) => {
    const scene = new Scene(t, env);
    const {data: info} = await scene.api(world.admin).get('/api/registry');
    const {page} = await scene.open(world.gestionnaires[0], '#/etablissements');
    const expected = info.source === 'finess-plus' ?
        'Registre : FINESS+ (data.gouv.fr) du 13/08/2026' :
        'Registre : Démonstration, chargé le';
    await waitText(page.getByTestId('registry-line'), expected);
  });
});
