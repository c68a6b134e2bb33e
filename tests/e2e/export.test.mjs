// Exports of a grappe (issue 21): the buttons of the grappe view download the XLSX and the CSV
// the server writes (GET /api/grappes/{id}/export.xlsx|.csv), and the printable page
// (#/grappes/{id}/imprimer) shows the composition, the eligibility and the decision without a
// console error. Run from tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test export.test.mjs
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

const NO_CALL = 'none';  // no grappe is in it: every establishment is free there

describe('exports of a grappe in the web client', () => {
  let server, dir, browser, world, cast;
  const env = {};

  before(async () => {
    dir = freshDataDir('export');
    server = await startServer(
        {data: path.join(dir, 'data'), args: ['--demo', '--config', writeScenesConfig(dir)]});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 1, NO_CALL);
    Object.assign(env, {browser, base: server.url});
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  async function downloaded(page, click) {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    return {name: download.suggestedFilename(), bytes: readFileSync(await download.path())};
  }

  test('the export buttons download the XLSX and the CSV', async (t) => {
    const scene = new Scene(t, env);
    const [x1] = cast.free;
    const grappe = await scene.grappe(cast.porteur, {name: 'Grappe exportée', invite: [x1]});
    const {page} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    await page.getByTestId('grappe-version').waitFor();

    const xlsx = await downloaded(page, () => page.getByTestId('export-xlsx').click());
    assert.equal(xlsx.name, `grappe-${grappe}-v2.xlsx`);
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a ZIP container');
    await waitText(page.getByTestId('export-status'), `Fichier grappe-${grappe}-v2.xlsx`);

    const csv = await downloaded(page, () => page.getByTestId('export-csv').click());
    assert.equal(csv.name, `grappe-${grappe}-v2.csv`);
    const text = csv.bytes.toString('utf8');
    assert.ok(text.startsWith('\uFEFF# Grappe;Grappe exportée\r\n'), text.slice(0, 80));
    assert.match(text, /\r\nFINESS ET;FINESS EJ;Raison sociale;Organisation;Catégorie \(code\);/);
    assert.ok(text.includes(`\r\n${x1.finess};${x1.ej};`), 'the invited member has its row');
    await screenshot(page, 'export-buttons');
  });

  test('the printable page shows the composition, the eligibility and the decision',
       async (t) => {
         const scene = new Scene(t, env);
         const [x1] = cast.free;
         const grappe = await scene.grappe(cast.porteur, {name: 'Grappe à imprimer', invite: [x1]});
         const validated =
             await scene.api(cast.porteur).command(grappe, 'RequestValidation', {});
         assert.equal(validated.status, 200, JSON.stringify(validated.data));
         const {page} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
         await page.getByTestId('print-link').click();
         await page.getByTestId('print-view').waitFor();
         await waitText(page.getByTestId('print-title'), 'Grappe à imprimer');
         assert.equal(new URL(page.url()).hash, `#/grappes/${grappe}/imprimer`);
         const members = page.getByTestId('print-members');
         await waitText(members, x1.finess);
         await waitText(page.getByTestId('print-eligible'), 'Non éligible');
         await waitText(page.getByTestId('print-decision'), 'Aucune décision');
         // Printed, the application's header and the buttons are left out.
         await page.emulateMedia({media: 'print'});
         assert.equal(await page.locator('header.top').isVisible(), false);
         assert.equal(await page.getByTestId('print-button').isVisible(), false);
         assert.equal(await members.isVisible(), true);
         await screenshot(page, 'export-print');
       });
});
