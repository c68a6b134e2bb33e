// Finding partners in the browser: a gestionnaire says one of its establishments looks for a
// grappe, the porteur's "Partenaires possibles" panel shows it without a reload, with its
// reasons, and one click invites it. Each scenario has its own call, grappe and establishment
// (lib/scene.mjs): profiles are per establishment, so no two scenarios touch the same one.
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

describe('finding partners', () => {
  let server, dir, browser, cast;
  const env = {};

  before(async () => {
    dir = freshDataDir('e2e-partners');
    server = await startServer(
        {data: path.join(dir, 'data'), args: ['--demo', '--config', writeScenesConfig(dir)]});
    browser = await launchBrowser();
    const world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 3, 'none');
    Object.assign(env, {browser, base: server.url});
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  // A grappe of the porteur in the region of the partner's establishments.
  const partnersGrappe = (scene) =>
      scene.grappe(cast.porteur, {name: 'Grappe partenaires e2e', region: cast.free[0].region});

  test('a profile update reaches the porteur\'s open panel and one click invites', async (t) => {
    const scene = new Scene(t, env);
    const target = cast.free[0];
    const grappe = await partnersGrappe(scene);
    const {page: porteur} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    const panel = porteur.getByTestId('partners');
    await porteur.locator('[data-testid="partners"][data-loads]').waitFor();
    await porteur.evaluate(() => {
      window.noReload = true;
    });

    // The partner's gestionnaire ticks "Je cherche une grappe" on its own establishment.
    const {page: partner} = await scene.open(cast.partner, '#/etablissements');
    const toggle = partner.getByTestId(`looking-toggle-${target.finess}`);
    await toggle.waitFor();
    assert.equal(await toggle.isChecked(), false);
    await toggle.check();
    await waitText(partner.getByTestId(`own-${target.finess}`), 'Cherche une grappe');
    await partner.getByTestId(`looking-${target.finess}`).waitFor();
    await screenshot(partner, '20-establishments');

    // The porteur's panel, open all along, now lists it with its reasons.
    const shown = panel.getByTestId(`suggestion-${target.finess}`);
    await waitText(shown.getByTestId('reasons'), 'cherche une grappe');
    assert.equal(await porteur.evaluate(() => window.noReload), true, 'no reload happened');
    await screenshot(porteur, '21-partners-panel');

    // Ranked before every establishment not looking for a grappe, with the server's reasons.
    const {data: answer} =
        await scene.api(cast.porteur).get(`/api/grappes/${grappe}/suggestions?limit=20`);
    const rank = answer.suggestions.findIndex((s) => s.finess === target.finess);
    assert.ok(rank >= 0, JSON.stringify(answer));
    assert.ok(answer.suggestions.slice(0, rank).every((s) => s.lookingForGrappe), 'looking first');
    const reasons = await shown.getByTestId('reasons').locator('li').allTextContents();
    assert.deepEqual(reasons, answer.suggestions[rank].reasons);

    // One click invites; the member row appears and the suggestion leaves the panel.
    await porteur.getByTestId(`suggest-invite-${target.finess}`).click();
    await waitText(
        porteur.getByTestId(`member-${target.finess}`).getByTestId('member-status'), 'Invité');
    await shown.waitFor({state: 'detached'});
  });

  test('the invite picker shows the profile of a search result', async (t) => {
    const scene = new Scene(t, env);
    const target = cast.free[1];
    const profile =
        await scene.api(cast.partner).put(`/api/establishments/${target.finess}/profile`, {
          lookingForGrappe: true
        });
    assert.equal(profile.status, 200, JSON.stringify(profile.data));
    const grappe = await partnersGrappe(scene);
    const {page} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    await page.getByTestId('invite-search').fill(target.finess);
    await waitText(
        page.getByTestId(`result-${target.finess}`).getByTestId('profile'), 'Cherche une grappe');
  });

  test('a gestionnaire edits its establishment\'s DUI and publics', async (t) => {
    const scene = new Scene(t, env);
    const target = cast.free[2];
    const {page} = await scene.open(cast.partner, '#/etablissements');
    const item = page.getByTestId(`own-${target.finess}`);
    await item.getByText('Modifier le profil').click();
    await item.getByLabel('Éditeur du DUI actuel').fill('Éditeur Sud');
    await item.getByLabel('Logiciel DUI actuel').fill('Logiciel Océan');
    await item.getByLabel('Personnes âgées').check();
    await item.getByRole('button', {name: 'Enregistrer'}).click();
    await waitText(item.getByTestId('profile'), 'DUI : Logiciel Océan (Éditeur Sud)');
    const {data: detail} =
        await scene.api(cast.partner).get(`/api/establishments/${target.finess}`);
    assert.equal(detail.profile.dui.software, 'Logiciel Océan');
    assert.deepEqual(detail.profile.publics, ['PA']);
    assert.equal(detail.profile.lookingForGrappe, false, 'what the form did not touch stays');
  });
});
