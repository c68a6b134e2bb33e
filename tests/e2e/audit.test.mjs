// « Vérifier cette grappe » (issue 18): on the history page an auditor checks every event of a
// grappe in the browser, each one's receipt against the signed checkpoint with the key they
// pinned (web-client/lib/grappe_check.js); a receipt altered on its way, or an event missing
// from the history, is named. Run from tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test audit.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

const NO_CALL = 'none';  // no grappe is in it: every establishment is free there

describe('an auditor verifies a whole grappe in the browser', () => {
  let server, dir, browser, world, cast;
  const env = {};

  before(async () => {
    dir = freshDataDir('audit');
    server = await startServer(
        {data: path.join(dir, 'data'), args: ['--demo', '--config', writeScenesConfig(dir)]});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 3, NO_CALL);
    Object.assign(env, {browser, base: server.url});
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  test('every receipt passes; an altered one and a missing event are named', async (t) => {
    const scene = new Scene(t, env);
    const grappe = await scene.grappe(cast.porteur, {invite: cast.free.slice(0, 3)});  // v1–4
    const accepted = await scene.api(cast.partner).command(grappe, 'AcceptInvitation', {
      finess: cast.free[0].finess
    });  // version 5
    assert.equal(accepted.status, 200, JSON.stringify(accepted.data));
    const {verifierKey: key} = await (await fetch(`${server.url}/api/log/key`)).json();
    const origin = key.split('+')[0];

    const {page} = await scene.open(world.auditor, `#/grappe/${grappe}/historique`);
    const section = page.getByTestId('grappe-check');
    const start = section.getByTestId('grappe-check-start');
    const result = section.getByRole('status');
    await page.getByTestId('timeline-item-5').waitFor();

    // No key pinned: nothing is checked, the way to the key's settings is given.
    await start.click();
    await waitText(result, 'Enregistrez d’abord la clé de vérification du journal');
    await section.getByTestId('grappe-check-key').click();
    const input = page.getByTestId('log-key-input');
    assert.equal(await input.evaluate((e) => e === document.activeElement), true);
    assert.match(page.url(), /#\/grappe\/.*\/historique$/, 'the route is kept');
    await input.fill(key);
    await input.press('Enter');
    await page.getByTestId('log-key-saved').filter({hasText: 'enregistrée'}).waitFor();

    // Every event, each receipt checked with the pinned key.
    const outcome = () => result.filter({hasText: /inclus|Échec|impossible/}).textContent();
    await start.click();
    const passed = await outcome();
    const included = new RegExp(
        `^Les 5 événements de cette grappe sont inclus dans le journal signé \\(points? de ` +
        `contrôle « ${origin} », tailles? (\\d+)( à (\\d+))?\\)\\.$`);
    assert.match(passed, included);
    assert.equal(
        await section.getByTestId('grappe-check-progress').textContent(),
        '5 / 5 événements vérifiés');
    assert.equal(await section.getAttribute('aria-busy'), 'false');
    await screenshot(page, 'audit-grappe-check');

    // One receipt altered on its way (a byte of its record): that event is named, and why.
    const receipt3 = (url) =>
        url.pathname.endsWith(`/${grappe}/receipt`) && url.searchParams.get('version') === '3';
    await page.route(receipt3, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      const record = Buffer.from(body.record, 'base64');
      record[record.length - 1] ^= 0x01;
      body.record = record.toString('base64');
      await route.fulfill({response, json: body});
    });
    await start.click();
    await result.filter({hasText: 'version 3'}).waitFor();
    assert.equal(
        await result.textContent(),
        'Échec à l’événement de version 3 : l’empreinte de l’enregistrement ne correspond pas à ' +
            'son contenu.');
    assert.equal(await result.getAttribute('class'), 'error');
    await page.unroute(receipt3);

    // An event left out of the history: a failure too, before any receipt is fetched.
    const events = (url) => url.pathname.endsWith(`/${grappe}/events`);
    await page.route(events, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      body.events = body.events.filter((e) => e.version !== 2);
      await route.fulfill({response, json: body});
    });
    await start.click();
    await result.filter({hasText: 'version 2'}).waitFor();
    assert.equal(
        await result.textContent(),
        'Échec à l’événement de version 2 : événement absent de l’historique (la version 1 est ' +
            'suivie de la version 3).');
    await page.unroute(events);

    // Beyond the bound only the first events are checked, and the result says so.
    const bounded = await page.evaluate(async ([grappe, key]) => {
      const {checkGrappe} = await import('/lib/grappe_check.js');
      const {createApi} = await import('/api.js');
      const api = createApi(sessionStorage.getItem('grappe.token'));
      return checkGrappe({api, grappe, verifierKey: key, limit: 2});
    }, [grappe, key]);
    assert.equal(bounded.ok, true, JSON.stringify(bounded));
    assert.equal(bounded.checked, 2, JSON.stringify(bounded));
    assert.equal(bounded.complete, false);
  });
});
