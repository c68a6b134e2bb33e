// Two gestionnaires of different OGs negotiate a grappe in two browsers, live; an auditor travels
// back in time; an ARS decides; an admin looks at the read models. One real server for the file,
// but each scenario makes its own grappes in a call of its own (lib/scene.mjs), so that each
// runs alone, e.g. from tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test --test-name-pattern=presence \
//       grappe.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, freeEstablishments, porteurAndPartner} from './lib/world.mjs';

// No call has this id: every establishment is free in it, as in a scene's call.
const NO_CALL = 'none';

describe('grappe web client', () => {
  let server, dir, browser, world, cast;
  const env = {};

  before(async () => {
    dir = freshDataDir('e2e');
    server = await startServer(
        {data: path.join(dir, 'data'), args: ['--demo', '--config', writeScenesConfig(dir)]});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 3, NO_CALL);
    cast.own = await freeEstablishments(server.url, cast.porteur, NO_CALL);
    assert.ok(cast.own.length >= 3, 'the porteur needs three establishments of its own');
    Object.assign(env, {browser, base: server.url});
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  // The members section once it shows version `v` (the page is subscribed from then on).
  const atVersion = (page, v) =>
      page.locator(`[data-testid="members-section"][data-version="${v}"]`).waitFor();

  test('sign-in lists the demo users and shows role and organisations', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(null, '#/');
    await page.getByTestId(`demo-user-${cast.porteur.id}`).waitFor();
    await screenshot(page, '01-signin');
    await page.getByTestId(`demo-user-${cast.porteur.id}`).click();
    await waitText(page.getByTestId('me'), cast.porteur.name);
    await waitText(page.getByTestId('role'), 'Gestionnaire');
    await waitText(page.getByTestId('connection'), 'Connecté');
    await page.getByRole('button', {name: 'Se déconnecter'}).click();
    await page.getByLabel('Jeton d’accès').waitFor();
  });

  test('the porteur creates a grappe from the list', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(cast.porteur, '#/');
    await page.getByTestId('grappes-list').locator('li').first().waitFor();
    await page.getByText('Créer une grappe').click();
    const form = page.getByTestId('create-form');
    await form.getByLabel('Nom de la grappe').fill('Grappe e2e Gironde');
    await form.getByLabel('Appel à projets').selectOption(scene.call);
    await screenshot(page, '02-grappes-list');
    await form.getByRole('button', {name: 'Créer la grappe'}).click();
    await waitText(page.getByTestId('grappe-name'), 'Grappe e2e Gironde');
    const grappe = decodeURIComponent(page.url().split('#/grappe/')[1]);
    assert.match(grappe, /^[0-9a-f-]{36}$/);
    const state = (await scene.api(cast.porteur).get(`/api/grappes/${grappe}`)).data;
    assert.equal(state.call, scene.call);
  });

  test(
      'an invitation arrives live and its acceptance changes the count without reload',
      async (t) => {
        const scene = new Scene(t, env);
        const [x1, x2] = cast.free;
        const grappe = await scene.grappe(cast.porteur);
        const {page: pa} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
        await atVersion(pa, 1);
        const invited = await scene.api(cast.porteur).command(grappe, 'InviteEstablishment', {
          finess: x1.finess
        });
        assert.equal(invited.status, 200);
        await pa.getByTestId(`member-${x1.finess}`).waitFor();

        const {page: pb} = await scene.open(cast.partner, `#/grappe/${grappe}`);
        await pb.getByTestId(`member-${x1.finess}`).waitFor();
        await waitText(pa.getByTestId('presence'), cast.partner.name);

        // The porteur invites x2 by searching the registry as-you-type.
        await pa.getByTestId('invite-search').fill(x2.finess);
        await pa.getByTestId(`invite-${x2.finess}`).click();
        await pb.getByTestId(`accept-${x2.finess}`).waitFor();
        const acceptedBefore =
            await pa.getByTestId('eligibility').getByTestId('accepted-count').textContent();

        await pb.getByTestId(`accept-${x2.finess}`).click();
        await waitText(
            pa.getByTestId(`member-${x2.finess}`).getByTestId('member-status'), 'Membre');
        await pa.getByTestId('eligibility')
            .getByTestId('accepted-count')
            .filter({hasNotText: acceptedBefore})
            .waitFor();
        await waitText(pa.getByTestId('activity'), 'a accepté');
        await screenshot(pa, '03-grappe-porteur');
        await screenshot(pb, '04-grappe-partner');
      });

  test('forbidden actions are not offered', async (t) => {
    const scene = new Scene(t, env);
    const [x1] = cast.free;
    const grappe = await scene.grappe(cast.porteur, {invite: [x1]});
    const {page: pa} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    const {page: pb} = await scene.open(cast.partner, `#/grappe/${grappe}`);
    // Each page is drawn with the actions its user may take...
    await pa.getByTestId(`revoke-${x1.finess}`).waitFor();
    await pb.getByTestId(`accept-${x1.finess}`).waitFor();
    // ...and without the others.
    assert.equal(await pb.getByTestId('invite-search').count(), 0, 'partner cannot invite');
    assert.equal(await pb.getByTestId(`revoke-${x1.finess}`).count(), 0, 'partner cannot revoke');
    assert.equal(await pb.getByTestId('submit-dossier').count(), 0, 'partner cannot submit');
    assert.equal(
        await pa.getByTestId(`accept-${x1.finess}`).count(), 0,
        'porteur cannot accept for another OG');
  });

  test('a command the server rejects shows its reason beside the action', async (t) => {
    const scene = new Scene(t, env);
    const [x3] = cast.free;
    const grappe = await scene.grappe(cast.porteur, {invite: [x3]});
    const other = await scene.grappe(cast.porteur, {name: 'Grappe concurrente', invite: [x3]});
    const accepted =
        await scene.api(cast.partner).command(other, 'AcceptInvitation', {finess: x3.finess});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.data));

    const {page: pb} = await scene.open(cast.partner, `#/grappe/${grappe}`);
    await pb.getByTestId(`accept-${x3.finess}`).click();
    const row = pb.getByTestId(`member-${x3.finess}`);
    await waitText(row.getByTestId('rejection'), 'déjà membre d’une autre grappe');
    await waitText(row.getByTestId('member-status'), 'Invité');
    await screenshot(pb, '05-rejected');

    // The porteur's search shows the establishment is taken elsewhere in the call.
    const {page: pa} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    await pa.getByTestId('invite-search').fill(x3.finess);
    await waitText(pa.getByTestId(`result-${x3.finess}`), 'Déjà membre d’une autre grappe');
  });

  test('presence appears and disappears', async (t) => {
    const scene = new Scene(t, env);
    const grappe = await scene.grappe(cast.porteur, {invite: [cast.free[0]]});
    const {page: pa} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    const b = await scene.open(cast.partner, `#/grappe/${grappe}`);
    await pa.getByTestId(`presence-${cast.partner.id}`).waitFor();
    await b.context.close();
    await pa.getByTestId(`presence-${cast.partner.id}`).waitFor({state: 'detached'});
  });

  test('the porteur validates and sees each rule', async (t) => {
    const scene = new Scene(t, env);
    const grappe = await scene.grappe(cast.porteur, {invite: [cast.own[0], cast.free[0]]});
    const {page: pa} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    await pa.getByTestId('request-validation').click();
    await pa.getByTestId('rule-min_size').waitFor();
    for (const rule of ['min_organisations', 'max_size', 'open_establishment']) {
      await pa.getByTestId(`rule-${rule}`).waitFor();
    }
    await waitText(pa.getByTestId('what-if'), 'Estimation');
    await waitText(pa.getByTestId('what-if-organisations'), 'Organismes gestionnaires distincts');
    await screenshot(pa, '06-eligibility');
    // What the page folded from events is what the server has.
    const state = (await scene.api(cast.porteur).get(`/api/grappes/${grappe}`)).data;
    await atVersion(pa, state.version);
    for (const m of state.members) {
      assert.equal(
          await pa.getByTestId(`member-${m.finess}`).getAttribute('data-status'), m.status);
    }
    assert.equal(await pa.getByTestId('members').locator('tbody tr').count(), state.members.length);
  });

  test('an auditor moves the timeline back and sees the earlier member list', async (t) => {
    const scene = new Scene(t, env);
    const [x2] = cast.free;
    const grappe = await scene.grappe(cast.porteur, {invite: [x2]});  // versions 1 and 2
    const accepted =
        await scene.api(cast.partner).command(grappe, 'AcceptInvitation', {finess: x2.finess});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.data));

    const {page} = await scene.open(world.auditor, `#/grappe/${grappe}/historique`);
    await waitText(page.getByTestId('verify-result'), 'Chaîne intègre');
    await waitText(page.getByTestId(`member-${x2.finess}`).getByTestId('member-status'), 'Membre');
    // Back to the version right after the invitation of x2: invited, not yet a member.
    const invited = page.getByTestId('timeline').getByRole('button', {
      name: new RegExp(`a invité .*${x2.finess}`)
    });
    await invited.click();
    await waitText(page.getByTestId(`member-${x2.finess}`).getByTestId('member-status'), 'Invité');
    await waitText(page.getByTestId('travel-event'), 'a invité');
    // The first version: no member yet.
    await page.getByTestId('timeline-1').click();
    await page.getByTestId('members-empty').waitFor();
    await page.getByTestId('timeline-slider').focus();
    await page.keyboard.press('ArrowRight');
    await waitText(page.getByTestId('travel-version'), 'version 2');
    await screenshot(page, '07-audit');
  });

  test('the porteur submits and the ARS records its decision', async (t) => {
    const scene = new Scene(t, env);
    // Three accepted members reach the scene call's threshold.
    const grappe =
        await scene.grappe(cast.porteur, {name: 'Grappe à déposer', invite: cast.own.slice(0, 3)});
    const {page: pa} = await scene.open(cast.porteur, `#/grappe/${grappe}`);
    await pa.getByTestId('submit-dossier').click();
    await pa.getByTestId('confirm-dialog').getByTestId('dialog-confirm').click();
    await waitText(pa.getByTestId('grappe-status'), 'Dossier déposé');
    await pa.getByTestId('reopen-dossier').waitFor();
    const {page: ars} = await scene.open(world.ars, `#/grappe/${grappe}`);
    const form = ars.getByTestId('decision-form');
    await form.getByLabel('Retenue', {exact: true}).check();
    await form.getByLabel('Commentaire').fill('Dossier complet.');
    await form.getByRole('button', {name: 'Enregistrer la décision'}).click();
    await ars.getByTestId('confirm-dialog').getByTestId('dialog-confirm').click();
    await waitText(pa.getByTestId('decision'), 'Retenue');
    await waitText(ars.getByTestId('grappe-status'), 'Retenue');
    assert.equal(await pa.getByTestId('reopen-dossier').count(), 0, 'closed for good');
    await screenshot(ars, '08-ars-decision');
  });

  test('an admin sees the projections and users, and rebuilds one from the page', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(world.admin, '#/admin');
    await page.getByTestId('users').getByRole('table').waitFor();
    const row = page.getByTestId('projection-grappes');
    await row.waitFor();
    await waitText(row, 'À jour');
    await row.getByRole('button', {name: 'Reconstruire'}).click();
    await waitText(page.getByTestId('projections-notice'), 'Reconstruction de grappes terminée');
    await waitText(row, 'À jour');
    const api = scene.api(world.admin);
    const r = await api.get('/api/admin/projections');
    const grappes = r.data.projections.find((p) => p.name === 'grappes');
    assert.equal(grappes.status, 'live');
    assert.equal(grappes.lag, 0);
    // The rebuilt read model serves the grappe list (the two demo grappes at least).
    const list = await api.get('/api/grappes');
    assert.equal(list.status, 200);
    assert.ok(list.data.grappes.length >= 2, JSON.stringify(list.data));
    await screenshot(page, '09-admin');
  });

  test('region names come from the server, and from the cache when it is slow', async (t) => {
    const scene = new Scene(t, env);
    const {data} = await scene.api(world.ars).get('/api/reference/regions');
    const name = (r) => `${r.name} (${r.code})`;
    const names = data.regions.map(name);
    const arsRegions = world.ars.regions.map((c) => name(data.regions.find((r) => r.code === c)));
    const ownRegions = `Régions : ${arsRegions.join(', ')}`;
    const {page, context} = await scene.open(world.ars, null);
    const regionFilter = page.getByRole('search').getByLabel('Région');

    // First visit: the first view waits for the regions, held back here until released.
    let release;
    const held = new Promise((resolve) => release = resolve);
    await context.route('**/api/reference/regions', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${env.base}/#/`);
    await waitText(page.getByTestId('me'), world.ars.name);
    assert.equal(await page.getByTestId('grappes-list').count(), 0, 'waiting for the regions');
    release();
    await page.getByTestId('grappes-list').waitFor();
    assert.deepEqual(await regionFilter.locator('option').allTextContents(), ['Toutes', ...names]);
    await waitText(page.locator('#identity .orgs'), ownRegions);

    // Next visit, an answer that never comes: the copy kept by the first one serves at once.
    await context.unroute('**/api/reference/regions');
    await context.route('**/api/reference/regions', () => {});
    await page.reload();
    await page.getByTestId('grappes-list').waitFor();
    assert.deepEqual(await regionFilter.locator('option').allTextContents(), ['Toutes', ...names]);
    await waitText(page.locator('#identity .orgs'), ownRegions);
  });
});
