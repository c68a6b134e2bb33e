// Finding partners in the browser: a gestionnaire says one of its establishments looks for a
// grappe, the porteur's "Partenaires possibles" panel shows it first without a reload, with its
// reasons, and one click invites it.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, userPage, waitText} from './lib/browser.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

describe('finding partners', () => {
  let server, data, browser, cast, grappe;
  const pages = [];

  before(async () => {
    data = freshDataDir('e2e-partners');
    server = await startServer({data});
    browser = await launchBrowser();
    const world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 1);
    grappe = crypto.randomUUID();
    const created =
        await apiClient(server.url, cast.porteur.token).command(grappe, 'CreateGrappe', {
          name: 'Grappe partenaires e2e',
          call: 'default',
          region: cast.free[0].region,
          porteur: cast.porteur.og[0],
        });
    assert.equal(created.status, 200, JSON.stringify(created.data));
  });

  after(async () => {
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (data) removeDir(data);
    for (const p of pages) assert.deepEqual(p.errors, [], 'no console error');
  });

  async function open(user, hash) {
    const p = await userPage(browser, server.url, user.token, {path: hash});
    pages.push(p);
    return p;
  }

  test('a profile update reaches the porteur\'s open panel and one click invites', async () => {
    const target = cast.free[0];
    const {page: porteur} = await open(cast.porteur, `#/grappe/${grappe}`);
    const panel = porteur.getByTestId('partners');
    await porteur.locator('[data-testid="partners"][data-loads]').waitFor();
    await porteur.evaluate(() => {
      window.noReload = true;
    });

    // The partner's gestionnaire ticks "Je cherche une grappe" on its own establishment.
    const {page: partner} = await open(cast.partner, '#/etablissements');
    const toggle = partner.getByTestId(`looking-toggle-${target.finess}`);
    await toggle.waitFor();
    assert.equal(await toggle.isChecked(), false);
    await toggle.check();
    await waitText(partner.getByTestId(`own-${target.finess}`), 'Cherche une grappe');
    await partner.getByTestId(`looking-${target.finess}`).waitFor();
    await screenshot(partner, '20-establishments');

    // The porteur's panel, open all along, now lists it first with its reasons.
    const first = panel.getByTestId('suggestions').locator('li.suggestion').first();
    await waitText(first, target.name);
    await waitText(first.getByTestId('reasons'), 'cherche une grappe');
    assert.equal(await porteur.evaluate(() => window.noReload), true, 'no reload happened');
    await screenshot(porteur, '21-partners-panel');

    // Reasons shown are the server's for that suggestion.
    const api = apiClient(server.url, cast.porteur.token);
    const {data: answer} = await api.get(`/api/grappes/${grappe}/suggestions?limit=20`);
    assert.equal(answer.suggestions[0].finess, target.finess);
    const shown = await first.getByTestId('reasons').locator('li').allTextContents();
    assert.deepEqual(shown, answer.suggestions[0].reasons);

    // One click invites; the member row appears and the suggestion leaves the panel.
    await porteur.getByTestId(`suggest-invite-${target.finess}`).click();
    await waitText(
        porteur.getByTestId(`member-${target.finess}`).getByTestId('member-status'), 'Invité');
    await panel.getByTestId(`suggestion-${target.finess}`).waitFor({state: 'detached'});
  });

  test('the invite picker shows the profile of a search result', async () => {
    const target = cast.free[0];
    const {page} = pages[0];
    await page.getByTestId('invite-search').fill(target.finess);
    await waitText(
        page.getByTestId(`result-${target.finess}`).getByTestId('profile'), 'Cherche une grappe');
  });

  test('a gestionnaire edits its establishment\'s DUI and publics', async () => {
    const target = cast.free[0];
    const {page} = pages[1];
    const item = page.getByTestId(`own-${target.finess}`);
    await item.getByText('Modifier le profil').click();
    await item.getByLabel('Éditeur du DUI actuel').fill('Éditeur Sud');
    await item.getByLabel('Logiciel DUI actuel').fill('Logiciel Océan');
    await item.getByLabel('Personnes âgées').check();
    await item.getByRole('button', {name: 'Enregistrer'}).click();
    await waitText(item.getByTestId('profile'), 'DUI : Logiciel Océan (Éditeur Sud)');
    const {data: detail} =
        await apiClient(server.url, cast.partner.token).get(`/api/establishments/${target.finess}`);
    assert.equal(detail.profile.dui.software, 'Logiciel Océan');
    assert.deepEqual(detail.profile.publics, ['PA']);
    assert.equal(detail.profile.lookingForGrappe, true);
  });
});
