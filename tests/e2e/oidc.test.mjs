// Signing in through OpenID Connect, in Chromium, against a real provider on loopback (panva's
// oidc-provider, lib/oidc_provider.mjs) and a server started with --oidc-issuer:
// - a person whose e-mail is a user's: « Se connecter », the provider's form, back on the grappe
//   list; a reload keeps the session (the cookie, no token stored); the WebSocket says hello
//   without a token and a grappe created meanwhile appears live; « Se déconnecter » ends it;
// - a person no user has: the access request (an EJ found in the registry), an admin approves it
//   in a second browser context, and the first page opens the app without a new sign-in;
//   axe finds nothing serious on the access request nor on the admin's list;
// - a refused request shows its reason. Screenshots (oidc-*.png) go to GRAPPE_SCREENSHOTS.
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {axeScan, describeViolation, isSerious, overflowingWidths} from './lib/a11y.mjs';
import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {FONT_ERROR, providerLogin, startProvider} from './lib/oidc_provider.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {
  apiClient, freePort, freshDataDir, oidcArgs, removeDir, startServer
} from './lib/server.mjs';
import {demoWorld} from './lib/world.mjs';

// Signed out, GET /api/me answers 401; the provider's page asks for a web font it cannot reach.
const IGNORE = [/status of 401/, FONT_ERROR];
const APPROVAL_MS = 25000;  // the access page asks /api/me again every 15 s

const KNOWN = {
  email: 'Claire.Durand@example.fr',
  given_name: 'Claire',
  usual_name: 'Durand',
  uid: 'cdurand',
};
const NEWCOMER = {email: 'lea.nouveau@example.fr', given_name: 'Léa', usual_name: 'Nouveau'};
const REFUSED = {email: 'paul.martin@example.fr', given_name: 'Paul', usual_name: 'Martin'};

describe('sign-in through OpenID Connect', () => {
  let server, provider, dir, browser, world, ej, sample;
  const env = {};

  before(async () => {
    dir = freshDataDir('oidc');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    provider = await startProvider({
      redirectUri: `${url}/auth/callback`,
      accounts: {claire: KNOWN, lea: NEWCOMER, paul: REFUSED},
      secretDir: dir,
    });
    server = await startServer({
      data: path.join(dir, 'data'),
      listen: `127.0.0.1:${port}`,
      args: ['--demo', '--config', writeScenesConfig(dir), ...oidcArgs(provider, url)],
    });
    browser = await launchBrowser();
    Object.assign(env, {browser, base: server.url});
    world = await demoWorld(server.url);
    ej = world.gestionnaires[0].og[0];
    const admin = apiClient(server.url, world.admin.token);
    // Claire is a gestionnaire of the first demo gestionnaire's EJ, known by her e-mail (another
    // case than the provider's: addresses match whatever their case).
    const saved = await admin.put('/api/admin/users/cdurand', {
      name: 'Claire Durand',
      role: 'gestionnaire',
      og: [ej],
      email: 'claire.durand@example.fr',
    });
    assert.ok([200, 201].includes(saved.status), JSON.stringify(saved.data));
    sample = (await admin.get(`/api/establishments?ej=${ej}&limit=1`)).data.establishments[0];
    NEWCOMER.siret = sample.siret ?? '21330063500017';
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    await provider?.stop();
    if (dir) removeDir(dir);
  });

  // From the sign-in page to the app (or the access request) through the provider's form.
  async function signIn(page, login, shot) {
    await page.getByRole('link', {name: 'Se connecter'}).waitFor();
    if (shot) await screenshot(page, shot);
    await page.getByRole('link', {name: 'Se connecter'}).click();
    await page.locator('input[name="login"]').waitFor();
    await providerLogin(page, login);
  }

  test('a user signs in, reloads, works live without a token, signs out', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(null, '#/', {ignore: IGNORE});
    assert.equal(await page.locator('.demo-users').count(), 1, 'demo users: the server has --demo');
    await signIn(page, 'claire', 'oidc-signin');
    await page.locator('[data-testid="grappes-list"][aria-busy="false"]').waitFor();
    await waitText(page.getByTestId('me'), 'Claire Durand');
    await waitText(page.getByTestId('connection'), 'Connecté');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('grappe.token')), null);

    await t.test('a reload keeps the session', async () => {
      const hellos = [];
      page.on('websocket', (ws) => ws.on('framesent', (f) => {
        const msg = JSON.parse(f.payload);
        if (msg.type === 'hello') hellos.push(msg);
      }));
      await page.reload();
      await page.locator('[data-testid="grappes-list"][aria-busy="false"]').waitFor();
      await waitText(page.getByTestId('me'), 'Claire Durand');
      await waitText(page.getByTestId('connection'), 'Connecté');
      assert.equal(hellos.length, 1);
      assert.equal('token' in hellos[0], false, 'hello without a token');
    });

    await t.test('a grappe of her EJ created elsewhere appears live', async () => {
      const id = await scene.grappe(world.gestionnaires[0], {name: 'Grappe vue en direct'});
      await waitText(page.getByTestId(`grappe-card-${id}`), 'Grappe vue en direct');
    });

    await t.test('« Se déconnecter » ends the session', async () => {
      await page.getByRole('button', {name: 'Se déconnecter'}).click();
      await page.getByRole('link', {name: 'Se connecter'}).waitFor();
      await page.reload();
      await page.getByRole('link', {name: 'Se connecter'}).waitFor();
      assert.equal(await page.getByTestId('me').count(), 0);
    });
  });

  test('a newcomer asks for access, an admin approves, the app opens', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(null, '#/', {ignore: IGNORE});
    await signIn(page, 'lea');
    await page.getByRole('heading', {level: 1, name: 'Demande d’accès'}).waitFor();
    await waitText(page.getByTestId('me'), 'Léa Nouveau');
    await waitText(page.getByTestId('identity'), NEWCOMER.email);

    // Without a user, GET /api/reference/regions is refused: the ARS choice lists the regions
    // the client knows, which must be the server's.
    await page.getByLabel('Agent d’ARS').check();
    const {regions} = (await apiClient(server.url, world.admin.token).get('/api/reference/regions'))
                          .data;
    const listed = page.locator('[data-testid="access-region"] option:not([value=""])');
    assert.deepEqual(await listed.allTextContents(), regions.map((r) => `${r.name} (${r.code})`));
    await page.getByLabel('Gestionnaire d’un ou plusieurs organismes (EJ)').check();

    await page.getByLabel('Rechercher votre organisme gestionnaire').fill(sample.name);
    const found = page.getByTestId(`ej-result-${ej}`);
    await found.waitFor();
    if (sample.siret) await waitText(found, 'Correspond à votre SIRET');
    await page.getByTestId(`ej-add-${ej}`).click();
    await page.getByTestId(`ej-chosen-${ej}`).waitFor();
    await page.getByLabel('Message (facultatif)').fill('Directrice administrative.');
    await t.test('axe and widths: the access request', async () => {
      const serious = (await axeScan(page)).filter(isSerious).map(describeViolation);
      assert.deepEqual(serious, []);
      assert.deepEqual(await overflowingWidths(page, [360, 1366]), []);
      await screenshot(page, 'oidc-access-1366');
      await page.setViewportSize({width: 390, height: 844});
      await screenshot(page, 'oidc-access-390');
      await page.setViewportSize({width: 1366, height: 900});
    });
    await page.getByTestId('access-submit').click();
    await page.getByRole('heading', {name: 'Demande envoyée, en attente'}).waitFor();
    await waitText(page.getByTestId('request-status'), 'En attente');
    await screenshot(page, 'oidc-access-sent');

    const admin = await scene.open(world.admin, '#/demandes');
    const item = admin.page.locator(`[data-email="${NEWCOMER.email}"]`);
    await waitText(item, 'Léa Nouveau');
    await waitText(item.getByTestId('requested-scope'), ej);
    await waitText(item, 'Directrice administrative.');
    await waitText(admin.page.getByTestId('requests-count'), '1');
    // The gestionnaires of the EJ asked for see it too, counted in their navigation.
    const peer = await scene.open(world.gestionnaires[0], '#/');
    await waitText(peer.page.getByTestId('requests-link'), '1');
    await t.test('axe and widths: the pending requests', async () => {
      const serious = (await axeScan(admin.page)).filter(isSerious).map(describeViolation);
      assert.deepEqual(serious, []);
      assert.deepEqual(await overflowingWidths(admin.page, [360, 1366]), []);
      await screenshot(admin.page, 'oidc-requests-1366');
      await admin.page.setViewportSize({width: 390, height: 844});
      await screenshot(admin.page, 'oidc-requests-390');
      await admin.page.setViewportSize({width: 1366, height: 900});
    });
    await item.getByRole('button', {name: /^Approuver/}).click();
    await admin.page.getByTestId('dialog-confirm').click();
    await waitText(admin.page.getByTestId('requests-notice'), 'approuvée');
    await admin.page.getByTestId('requests-count').waitFor({state: 'detached'});

    // The newcomer's page moves on by itself: no new sign-in.
    await page.locator('[data-testid="grappes-list"][aria-busy="false"]')
        .waitFor({timeout: APPROVAL_MS});
    await waitText(page.getByTestId('role'), 'Gestionnaire');
    await waitText(page.getByTestId('connection'), 'Connecté');
    assert.match(page.url(), /#\/$/);
  });
  test('a refused request shows its reason; the person may ask again', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(null, '#/', {ignore: IGNORE});
    await signIn(page, 'paul');
    await page.getByRole('heading', {level: 1, name: 'Demande d’accès'}).waitFor();
    await page.getByLabel('Agent d’ARS').check();
    await page.getByLabel('Région instruite').selectOption('53');
    await page.getByTestId('access-submit').click();
    await page.getByRole('heading', {name: 'Demande envoyée, en attente'}).waitFor();

    const admin = await scene.open(world.admin, '#/demandes');
    const item = admin.page.locator(`[data-email="${REFUSED.email}"]`);
    await waitText(item.getByTestId('requested-role'), 'Agent d’ARS');
    await waitText(item.getByTestId('requested-scope'), 'Bretagne');
    await item.getByRole('button', {name: /^Refuser/}).click();
    const reason = admin.page.getByLabel('Motif du refus (la personne le verra)');
    await reason.fill('Adresse personnelle : utilisez celle de l’ARS.');
    await admin.page.getByTestId('dialog-confirm').click();
    await waitText(admin.page.getByTestId('requests-notice'), 'refusée');
    // Focus stays in the page (on the list's title when nothing is left), not on the body.
    assert.ok(await admin.page.evaluate(
        () => document.getElementById('main').contains(document.activeElement)));

    await page.getByTestId('access-check').click();
    await waitText(page.getByTestId('request-status'), 'Motif : Adresse personnelle');
    await page.getByTestId('access-form').waitFor();
  });
});
