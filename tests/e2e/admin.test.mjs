// The administration page manages users and backups (issue 18, point 5): a user is created from a
// form that explains each mistake in French, its token is shown once in a dialog with a copy
// button, it is edited, then revoked after a confirmation; « Sauvegarder maintenant » says where
// the backup went, or why it failed. From tests/e2e:
// GRAPPE_WEB_ROOT=DIR serves another web client (to see these tests fail on an older one).
//   GRAPPE_SERVER=../../build/server/grappe-server node --test admin.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene} from './lib/scene.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld} from './lib/world.mjs';

const ID = 'camille-e2e';
const NAME = 'Camille Essai';
// The failed backup below is answered 500 by the test itself; the browser logs it.
const EXPECTED_FAILURE = [/status of 500/];

let server, dir, browser, world;
const env = {};

before(async () => {
  dir = freshDataDir('admin');
  const webRoot = process.env.GRAPPE_WEB_ROOT ? ['--web-root', process.env.GRAPPE_WEB_ROOT] : [];
  server = await startServer({data: path.join(dir, 'data'), args: ['--demo', ...webRoot]});
  browser = await launchBrowser();
  world = await demoWorld(server.url);
  Object.assign(env, {browser, base: server.url});
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
  if (dir) removeDir(dir);
});

test('an admin creates, edits and revokes a user, and takes a backup', async (t) => {
  const scene = new Scene(t, env);
  const {page, context} = await scene.open(world.admin, '#/admin', {ignore: EXPECTED_FAILURE});
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: server.url});
  const form = page.getByTestId('user-form');
  const error = page.getByTestId('user-error');
  const row = page.getByTestId(`user-${ID}`);
  const ej = world.gestionnaires[0].og[0];
  let token = null;
  await page.getByTestId(`user-${world.admin.id}`).waitFor();

  await t.test('mistakes are explained in French before anything is sent', async () => {
    await form.getByLabel('Identifiant').fill(world.admin.id);
    await form.getByLabel('Nom', {exact: true}).fill(NAME);
    await form.getByTestId('user-submit').click();
    await waitText(error, 'est déjà pris');
    await form.getByLabel('Identifiant').fill(ID);
    await form.getByLabel(/Organismes gestionnaires/).fill('12345');
    await form.getByTestId('user-submit').click();
    await waitText(error, '« 12345 » n’est pas un numéro FINESS');
    const badKey = ej.slice(0, 8) + String((Number(ej[8]) + 1) % 10);
    await form.getByLabel(/Organismes gestionnaires/).fill(badKey);
    await form.getByTestId('user-submit').click();
    await waitText(error, 'clé de contrôle');
    assert.equal(await form.getByLabel(/Organismes gestionnaires/).getAttribute('aria-invalid'),
                 'true');
    assert.equal(await row.count(), 0, 'nothing was created');
  });

  await t.test('the new token is shown once, with a copy button and a warning', async () => {
    await form.getByLabel(/Organismes gestionnaires/).fill(ej);
    await form.getByTestId('user-submit').click();
    const dialog = page.getByTestId('secret-dialog');
    await waitText(dialog.getByTestId('secret-warning'), 'il ne sera plus jamais affiché');
    token = await dialog.getByTestId('secret-value').inputValue();
    assert.match(token, /^[0-9a-f]{32,}$/);
    await dialog.getByTestId('secret-copy').click();
    await waitText(dialog.getByTestId('secret-copied'), 'Copié');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await screenshot(page, 'admin-token');
    await dialog.getByTestId('dialog-confirm').click();
    await dialog.waitFor({state: 'detached'});
    assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid), `edit-user-${ID}`,
        'focus goes to the new user’s row');
    await waitText(page.getByTestId('users-notice'), `Utilisateur ${NAME} créé.`);
    const me = await apiClient(server.url, token).get('/api/me');
    assert.equal(me.status, 200);
    assert.deepEqual([me.data.id, me.data.role, me.data.og], [ID, 'gestionnaire', [ej]]);
  });

  await t.test('the user is edited: an ARS agent needs a region', async () => {
    await row.getByTestId(`edit-user-${ID}`).click();
    await waitText(form, `Modifier ${NAME}`);
    await form.getByLabel('Rôle').selectOption('ars');
    await form.getByTestId('user-submit').click();
    await waitText(error, 'au moins une région');
    const box = form.getByTestId('user-regions').getByRole('checkbox').first();
    const region = await box.inputValue();
    await box.check();
    await form.getByTestId('user-submit').click();
    await waitText(row, 'ARS');
    const {data} = await scene.api(world.admin).get(`/api/admin/users/${ID}`);
    assert.deepEqual([data.role, data.regions, data.og], ['ars', [region], []]);
  });

  await t.test('revoking asks first, then the token is refused', async () => {
    await row.getByTestId(`revoke-user-${ID}`).click();
    const confirm = page.getByTestId('confirm-dialog');
    await waitText(confirm, 'ne pourra plus se connecter');
    await confirm.getByTestId('dialog-cancel').click();
    assert.equal(await row.count(), 1, 'cancelled: still there');
    await row.getByTestId(`revoke-user-${ID}`).click();
    await confirm.getByTestId('dialog-confirm').click();
    await row.waitFor({state: 'detached'});
    await waitText(page.getByTestId('users-notice'), `Accès de ${NAME} révoqué.`);
    assert.equal((await apiClient(server.url, token).get('/api/me')).status, 401);
  });

  await t.test('« Sauvegarder maintenant » says where the backup went, or why not', async () => {
    await page.getByRole('button', {name: 'Sauvegarder maintenant'}).click();
    await waitText(page.getByTestId('backup-path'), `${path.join(dir, 'data')}.backups/`);
    await page.route('**/api/admin/backup', (route) => route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({error: {code: 'internal', message: 'backup failed; see the server log'}}),
    }));
    await page.getByRole('button', {name: 'Sauvegarder maintenant'}).click();
    await waitText(page.getByTestId('backup-error'), 'Sauvegarde impossible');
    await screenshot(page, 'admin-backup-error');
  });
});
