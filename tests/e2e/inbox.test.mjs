// Issue 18, points 2, 9 and 11, and what it asks to deliver (2: « À traiter », 3: the live list):
// an invited gestionnaire is told at once, without a reload; the ARS agent's list follows a
// submission live, with its dashboard; a server without demo users says how to get a token.
// GRAPPE_WEB_ROOT=DIR serves another web client (to see these tests fail on an older one).
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, userPage, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld} from './lib/world.mjs';

const webRoot = process.env.GRAPPE_WEB_ROOT ? ['--web-root', process.env.GRAPPE_WEB_ROOT] : [];

describe('what awaits each user, live', () => {
  let server, dir, browser, world;
  const env = {};

  before(async () => {
    dir = freshDataDir('inbox');
    server = await startServer({
      data: path.join(dir, 'data'),
      args: ['--demo', '--config', writeScenesConfig(dir), ...webRoot]
    });
    browser = await launchBrowser();
    Object.assign(env, {browser, base: server.url});
    world = await demoWorld(server.url);
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  // Establishments of `user`'s first organisation that a scene's call may take.
  async function own(scene, user, n) {
    const {data} = await scene.api(user).get(`/api/establishments?ej=${user.og[0]}&limit=500`);
    const usable = data.establishments.filter((e) => e.inScope !== false && !e.closedOn);
    assert.ok(usable.length >= n, `${user.id} needs ${n} establishments`);
    return usable.slice(0, n);
  }

  // The list is drawn (from the server's first `list`) and what the header counts then.
  async function listed(page) {
    await page.locator('[data-testid="grappes-list"][aria-busy="false"]').waitFor();
    const badge = page.getByTestId('inbox-count');
    return (await badge.count()) ? Number.parseInt(await badge.textContent(), 10) || 0 : 0;
  }

  test('2: an invited gestionnaire is told at once, in the list and the header', async (t) => {
    const scene = new Scene(t, env);
    const [porteur, partner] = world.gestionnaires;
    const {page} = await scene.open(partner, '#/');
    const before = await listed(page);
    const [x] = await own(scene, partner, 1);
    const grappe = await scene.grappe(porteur, {name: 'Grappe qui invite', invite: [x]});

    await page.getByTestId(`grappe-card-${grappe}`).waitFor();
    await waitText(page.getByTestId(`todo-${grappe}`), 'une invitation attend votre réponse');
    await waitText(page.getByTestId('inbox-count'), `${before + 1} à traiter`);
    assert.ok((await page.title()).startsWith(`(${before + 1}) `), await page.title());

    const accepted =
        await scene.api(partner).command(grappe, 'AcceptInvitation', {finess: x.finess});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.data));
    await page.getByTestId(`todo-${grappe}`).waitFor({state: 'detached'});
    const left = before ? `${before} à traiter` : null;
    if (left)
      await waitText(page.getByTestId('inbox-count'), left);
    else
      await page.getByTestId('inbox-count').waitFor({state: 'hidden'});
  });

  test('11: the ARS list follows a submission live, with its dashboard', async (t) => {
    const scene = new Scene(t, env);
    const porteur = world.gestionnaires[0];
    const name = `Grappe déposée ${scene.call}`;
    const grappe = await scene.grappe(porteur, {name, invite: await own(scene, porteur, 3)});
    const {page} = await scene.open(world.ars, '#/');
    const before = await listed(page);
    const card = page.getByTestId(`grappe-card-${grappe}`);
    await waitText(card.locator('.meta .badge'), 'En constitution');
    const submittedCell = page.getByTestId('dash-status-submitted').locator('td');
    const submittedBefore =
        (await submittedCell.count()) ? Number(await submittedCell.textContent()) : 0;

    const submitted = await scene.api(porteur).command(grappe, 'SubmitDossier', {});
    assert.equal(submitted.status, 200, JSON.stringify(submitted.data));
    await waitText(card.locator('.meta .badge'), 'Dossier déposé');
    await waitText(page.getByTestId(`todo-${grappe}`), 'votre décision est attendue');
    await waitText(page.getByTestId('inbox-count'), `${before + 1} à traiter`);
    await waitText(submittedCell, String(submittedBefore + 1));

    await t.test('3: the list is searchable by name', async () => {
      await page.getByRole('search').getByLabel('Rechercher par nom').fill(name.toUpperCase());
      await page.waitForFunction(
          () => document.querySelectorAll('[data-testid="grappes-list"] li').length === 1);
      await page.getByTestId(`grappe-card-${grappe}`).waitFor();
    });
  });
});

describe('a server without demo users', () => {
  test('9: the sign-in page says how to get a token', async () => {
    const dir = freshDataDir('nodemo');
    const server = await startServer({data: path.join(dir, 'data'), args: webRoot});
    const browser = await launchBrowser();
    try {
      const {page, errors} = await userPage(browser, server.url, null);
      await waitText(page.getByTestId('signin-help'), 'Demandez un jeton à votre administrateur');
      assert.equal(await page.locator('.demo-users').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.stop();
      removeDir(dir);
    }
  });
});
