// Two gestionnaires of different OGs negotiate one grappe in two browsers, live; an auditor
// travels back in time; an admin looks at the read models. One real server for the whole file.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, userPage, waitText} from './lib/browser.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

describe('grappe web client', () => {
  let server, data, browser, world, cast;
  const pages = [];
  const errorLists = [];
  const ctx = {};

  before(async () => {
    data = freshDataDir('e2e');
    server = await startServer({data});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 3);
  });

  after(async () => {
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (data) removeDir(data);
  });

  async function open(user, hash) {
    const p = await userPage(browser, server.url, user?.token, {path: hash});
    pages.push(p);
    errorLists.push(p.errors);
    return p;
  }

  test('sign-in lists the demo users and shows role and organisations', async () => {
    const {page, context} = await open(null, '#/');
    await page.getByTestId(`demo-user-${cast.porteur.id}`).waitFor();
    await screenshot(page, '01-signin');
    await page.getByTestId(`demo-user-${cast.porteur.id}`).click();
    await waitText(page.getByTestId('me'), cast.porteur.name);
    await waitText(page.getByTestId('role'), 'Gestionnaire');
    await waitText(page.getByTestId('connection'), 'Connecté');
    await page.getByRole('button', {name: 'Se déconnecter'}).click();
    await page.getByLabel('Jeton d’accès').waitFor();
    await context.close();
    pages.splice(pages.findIndex((p) => p.page === page), 1);
  });

  test('the porteur creates a grappe from the list', async () => {
    const a = await open(cast.porteur, '#/');
    ctx.a = a;
    await a.page.getByTestId('grappes-list').locator('li').first().waitFor();
    await a.page.getByText('Créer une grappe').click();
    await a.page.getByLabel('Nom de la grappe').fill('Grappe e2e Gironde');
    await screenshot(a.page, '02-grappes-list');
    await a.page.getByRole('button', {name: 'Créer la grappe'}).click();
    await waitText(a.page.getByTestId('grappe-name'), 'Grappe e2e Gironde');
    ctx.grappe = decodeURIComponent(a.page.url().split('#/grappe/')[1]);
    assert.match(ctx.grappe, /^[0-9a-f-]{36}$/);
  });

  test(
      'an invitation arrives live and its acceptance changes the count without reload',
      async () => {
        const {page: pa} = ctx.a;
        const [x1, x2] = cast.free;
        const porteurApi = apiClient(server.url, cast.porteur.token);
        assert.equal(
            (await porteurApi.command(ctx.grappe, 'InviteEstablishment', {finess: x1.finess}))
                .status,
            200);
        await pa.getByTestId(`member-${x1.finess}`).waitFor();

        const b = await open(cast.partner, `#/grappe/${ctx.grappe}`);
        ctx.b = b;
        await b.page.getByTestId(`member-${x1.finess}`).waitFor();
        await waitText(pa.getByTestId('presence'), cast.partner.name);

        // The porteur invites x2 by searching the registry as-you-type.
        await pa.getByTestId('invite-search').fill(x2.finess);
        await pa.getByTestId(`invite-${x2.finess}`).click();
        await b.page.getByTestId(`accept-${x2.finess}`).waitFor();
        const acceptedBefore =
            await pa.getByTestId('eligibility').getByTestId('accepted-count').textContent();

        await b.page.getByTestId(`accept-${x2.finess}`).click();
        await waitText(
            pa.getByTestId(`member-${x2.finess}`).getByTestId('member-status'), 'Membre');
        await pa.getByTestId('eligibility')
            .getByTestId('accepted-count')
            .filter({hasNotText: acceptedBefore})
            .waitFor();
        await waitText(pa.getByTestId('activity'), 'a accepté');
        await screenshot(pa, '03-grappe-porteur');
        await screenshot(b.page, '04-grappe-partner');
      });

  test('forbidden actions are not offered', async () => {
    const {page: pa} = ctx.a;
    const {page: pb} = ctx.b;
    const [x1] = cast.free;
    assert.equal(await pb.getByTestId('invite-search').count(), 0, 'partner cannot invite');
    assert.equal(await pb.getByTestId(`revoke-${x1.finess}`).count(), 0, 'partner cannot revoke');
    assert.equal(await pb.getByTestId('submit-dossier').count(), 0, 'partner cannot submit');
    assert.equal(
        await pa.getByTestId(`accept-${x1.finess}`).count(), 0,
        'porteur cannot accept for another OG');
    await pa.getByTestId(`revoke-${x1.finess}`).waitFor();
    await pb.getByTestId(`accept-${x1.finess}`).waitFor();
  });

  test('a command the server rejects shows its reason beside the action', async () => {
    const {page: pb} = ctx.b;
    const x3 = cast.free[2];
    const porteurApi = apiClient(server.url, cast.porteur.token);
    const partnerApi = apiClient(server.url, cast.partner.token);
    const other = crypto.randomUUID();
    const created = await porteurApi.command(
        other, 'CreateGrappe',
        {name: 'Grappe concurrente', call: 'default', region: '75', porteur: cast.porteur.og[0]});
    assert.equal(created.status, 200, JSON.stringify(created.data));
    await porteurApi.command(ctx.grappe, 'InviteEstablishment', {finess: x3.finess});
    await porteurApi.command(other, 'InviteEstablishment', {finess: x3.finess});
    const accepted = await partnerApi.command(other, 'AcceptInvitation', {finess: x3.finess});
    assert.equal(accepted.status, 200, JSON.stringify(accepted.data));

    await pb.getByTestId(`accept-${x3.finess}`).click();
    const row = pb.getByTestId(`member-${x3.finess}`);
    await waitText(row.getByTestId('rejection'), 'déjà membre d’une autre grappe');
    await waitText(row.getByTestId('member-status'), 'Invité');
    await screenshot(pb, '05-rejected');

    // The porteur's search shows the establishment is taken elsewhere in the call.
    const {page: pa} = ctx.a;
    await pa.getByTestId('invite-search').fill(x3.finess);
    await waitText(pa.getByTestId(`result-${x3.finess}`), 'Déjà membre d’une autre grappe');
  });

  test('presence appears and disappears', async () => {
    const {page: pa} = ctx.a;
    await pa.getByTestId(`presence-${cast.partner.id}`).waitFor();
    await ctx.b.context.close();
    pages.splice(pages.indexOf(ctx.b), 1);
    await pa.getByTestId(`presence-${cast.partner.id}`).waitFor({state: 'detached'});
  });

  test('the porteur validates and sees each rule', async () => {
    const {page: pa} = ctx.a;
    await pa.getByTestId('request-validation').click();
    await pa.getByTestId('rule-min_size').waitFor();
    await waitText(pa.getByTestId('what-if'), 'Estimation');
    await screenshot(pa, '06-eligibility');
    // What the page folded from events is what the server has.
    const state =
        (await apiClient(server.url, cast.porteur.token).get(`/api/grappes/${ctx.grappe}`)).data;
    await pa.locator(`[data-testid="members-section"][data-version="${state.version}"]`).waitFor();
    for (const m of state.members) {
      assert.equal(
          await pa.getByTestId(`member-${m.finess}`).getAttribute('data-status'), m.status);
    }
    assert.equal(await pa.getByTestId('members').locator('tbody tr').count(), state.members.length);
  });

  test('an auditor moves the timeline back and sees the earlier member list', async () => {
    const x2 = cast.free[1];
    const {page} = await open(world.auditor, `#/grappe/${ctx.grappe}/historique`);
    await page.getByTestId('verify-result').waitFor();
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

  test('the porteur submits and the ARS records its decision', async () => {
    const demo = 'demo-grappe-sud-ouest';
    const {page: pa} = await open(cast.porteur, `#/grappe/${demo}`);
    await pa.getByTestId('submit-dossier').click();
    await waitText(pa.getByTestId('grappe-status'), 'Dossier déposé');
    await pa.getByTestId('reopen-dossier').waitFor();
    const {page: ars} = await open(world.ars, `#/grappe/${demo}`);
    const form = ars.getByTestId('decision-form');
    await form.getByLabel('Retenue', {exact: true}).check();
    await form.getByLabel('Commentaire').fill('Dossier complet.');
    await form.getByRole('button', {name: 'Enregistrer la décision'}).click();
    await waitText(pa.getByTestId('decision'), 'Retenue');
    await waitText(ars.getByTestId('grappe-status'), 'Retenue');
    assert.equal(await pa.getByTestId('reopen-dossier').count(), 0, 'closed for good');
    await screenshot(ars, '08-ars-decision');
  });

  test('an admin sees the projections and users, and rebuilds one from the page', async () => {
    const {page} = await open(world.admin, '#/admin');
    await page.getByTestId('users').getByRole('table').waitFor();
    const row = page.getByTestId('projection-grappes');
    await row.waitFor();
    await waitText(row, 'À jour');
    await row.getByRole('button', {name: 'Reconstruire'}).click();
    await waitText(page.getByTestId('projections-notice'), 'Reconstruction de grappes terminée');
    await waitText(row, 'À jour');
    const api = apiClient(server.url, world.admin.token);
    const r = await api.get('/api/admin/projections');
    const grappes = r.data.projections.find((p) => p.name === 'grappes');
    assert.equal(grappes.status, 'live');
    assert.equal(grappes.lag, 0);
    // The rebuilt read model serves the same grappe list.
    const list = await api.get('/api/grappes');
    assert.equal(list.status, 200);
    assert.ok(list.data.grappes.length >= 2, JSON.stringify(list.data));
    await screenshot(page, '09-admin');
  });

  test('no console errors in any page', () => {
    const errors = errorLists.flat();
    assert.deepEqual(errors, []);
  });
});
