// The sign-in page's variants and the client's side of a cookie session, on the demo server:
// the demo picker with the token form when the server offers no OpenID Connect; with `oidc`
// (the methods answer rewritten here) the « Se connecter » button first and the token behind
// « Autre méthode »; a person the provider knows but no user (GET /api/me rewritten) sees the
// access request, which sends the CSRF header; the header names the user and signs out.
// The real provider's flow is oidc.test.mjs.
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {axeScan, describeViolation, isSerious, overflowingWidths} from './lib/a11y.mjs';
import {launchBrowser, userPage, waitText} from './lib/browser.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld} from './lib/world.mjs';

const IDENTITY = {
  email: 'camille.martin@example.fr',
  given_name: 'Camille',
  usual_name: 'Martin',
  siret: '21330063500017',
};

describe('sign-in page and cookie sessions, client side', () => {
  let server, dir, browser, world;

  before(async () => {
    dir = freshDataDir('signin');
    server = await startServer({data: path.join(dir, 'data')});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
  });

  after(async () => {
    await browser?.close();
    if (server) await server.stop();
    if (dir) removeDir(dir);
  });

  // The methods answer as the server gives it, with `change` merged in.
  const methods = (change) => async (route) => {
    try {
      const answer = await route.fetch();
      await route.fulfill({response: answer, json: {...(await answer.json()), ...change}});
    } catch {
      // the page closed meanwhile
    }
  };

  test('without OIDC: the token form and the demo users, no provider button', async () => {
    const {page, context, errors} = await userPage(browser, server.url, null);
    await page.locator('[data-testid^="demo-user-"]').first().waitFor();
    assert.equal(await page.getByTestId('oidc-signin').count(), 0);
    assert.ok(await page.getByLabel('Jeton d’accès').isVisible());
    await page.getByTestId(`demo-user-${world.admin.id}`).click();
    await waitText(page.getByTestId('me'), world.admin.name);
    await waitText(page.getByTestId('connection'), 'Connecté');
    await page.getByRole('button', {name: 'Se déconnecter'}).click();
    await page.getByLabel('Jeton d’accès').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('grappe.token')), null);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('with OIDC and no demo: « Se connecter », the token behind « Autre méthode »', async () => {
    // Signed out, GET /api/me answers 401: the console says so.
    const {page, context, errors} =
        await userPage(browser, server.url, null, {path: null, ignore: [/status of 401/]});
    await page.route('**/api/auth/methods', methods({oidc: true, demo: false}));
    await page.goto(`${server.url}/#/`);
    const go = page.getByRole('link', {name: 'Se connecter'});
    await go.waitFor();
    assert.equal(await go.getAttribute('href'), '/auth/login');
    assert.equal(await page.locator('.demo-users').count(), 0, 'no demo picker');
    assert.equal(await page.getByLabel('Jeton d’accès').isVisible(), false, 'token folded');
    await page.getByText('Autre méthode : jeton d’accès').click();
    await page.getByLabel('Jeton d’accès').fill(world.admin.token);
    await page.getByTestId('token-submit').click();
    await waitText(page.getByTestId('me'), world.admin.name);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a failed sign-in comes back with a reason, the address cleaned', async () => {
    const {page, context, errors} = await userPage(browser, server.url, null, {path: null});
    await page.goto(`${server.url}/#/connexion?erreur=jeton`);
    await waitText(page.getByTestId('signin-error'), 'n’a pas pu être vérifiée');
    assert.equal(new URL(page.url()).hash, '');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a person with no user asks for access; the request carries the CSRF header', async () => {
    const {page, context, errors} =
        await userPage(browser, server.url, null, {path: null, ignore: [/status of 401/]});
    await page.route('**/api/auth/methods', methods({oidc: true}));
    let sent = null;
    let requests = [];
    let me = {identity: IDENTITY};
    await page.route('**/api/me', (route) => route.fulfill({json: me}));
    await page.route('**/api/access-requests', (route) => {
      if (route.request().method() === 'POST') {
        sent = {body: route.request().postDataJSON(), headers: route.request().headers()};
        requests = [{id: 'r1', status: 'pending', at: new Date().toISOString(), ...sent.body}];
        return route.fulfill({json: requests[0]});
      }
      route.fulfill({json: {requests}});
    });
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', {level: 1, name: 'Demande d’accès'}).waitFor();
    assert.match(page.url(), /#\/acces$/);
    await waitText(page.getByTestId('me'), 'Camille Martin');
    await waitText(page.getByTestId('identity'), '213 300 635 00017');
    await waitText(page.getByTestId('identity'), IDENTITY.email);

    await page.getByLabel('Agent d’ARS').check();
    await page.getByTestId('access-submit').click();
    await waitText(page.getByTestId('access-error'), 'Choisissez la région');
    await page.getByLabel('Région instruite').selectOption('53');
    await page.getByLabel('Message (facultatif)').fill('Inspectrice à la DD 35.');
    const violations = (await axeScan(page)).filter(isSerious).map(describeViolation);
    assert.deepEqual(violations, [], 'axe: the access form');
    assert.deepEqual(await overflowingWidths(page, [360, 1366]), [], 'no sideways scroll');
    await page.getByTestId('access-submit').click();
    await page.getByRole('heading', {name: 'Demande envoyée, en attente'}).waitFor();
    assert.deepEqual(sent.body, {role: 'ars', regions: ['53'], message: 'Inspectrice à la DD 35.'});
    assert.equal(sent.headers['x-grappe-csrf'], '1');
    assert.ok(await page.getByTestId('access-form').isHidden());

    // Approved: /api/me names a user; the page moves on without a new sign-in and says `hello`
    // without a token (the real server, without a cookie, refuses it: back to sign-in).
    const hellos = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => hellos.push(JSON.parse(f.payload))));
    me = {id: 'cmartin', name: 'Camille Martin', role: 'ars', regions: ['53'], ...IDENTITY};
    await page.getByTestId('access-check').click();
    await waitText(page.getByTestId('signin-error'), 'Votre session a pris fin');
    assert.equal(hellos[0]?.type, 'hello');
    assert.equal('token' in hellos[0], false, 'hello without a token');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
