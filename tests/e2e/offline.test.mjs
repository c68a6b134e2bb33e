// Offline-safe actions (issue 18, "Deliver" 4): commands made while the WebSocket is down are kept
// in IndexedDB with their ids, counted on screen, survive a reload (with a warning first), are
// sent once the connection is back, and a refusal then is shown with its French reason. The
// server's log must hold the comment exactly once. From tests/e2e:
// GRAPPE_WEB_ROOT=DIR serves another web client (to see these tests fail on an older one).
//   GRAPPE_SERVER=../../build/server/grappe-server node --test offline.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, freeEstablishments} from './lib/world.mjs';

const REASON = 'Retrait décidé hors ligne.';
const OFF = {code: 4000, reason: 'test offline'};

let server, dir, browser, world;
const env = {};

before(async () => {
  dir = freshDataDir('offline');
  const webRoot = process.env.GRAPPE_WEB_ROOT ? ['--web-root', process.env.GRAPPE_WEB_ROOT] : [];
  server = await startServer({
    data: path.join(dir, 'data'),
    args: ['--demo', '--config', writeScenesConfig(dir), ...webRoot]
  });
  browser = await launchBrowser();
  world = await demoWorld(server.url);
  Object.assign(env, {browser, base: server.url});
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
  if (dir) removeDir(dir);
});

// A page whose WebSocket the test cuts and gives back, HTTP untouched (reloads still load).
async function cuttablePage(scene, user, hash) {
  const p = await scene.open(user, null);
  const link = {offline: false, open: new Set()};
  await p.page.routeWebSocket(/\/ws$/, (ws) => {
    if (link.offline) return ws.close(OFF);
    ws.connectToServer();
    link.open.add(ws);
  });
  link.cut = async () => {
    link.offline = true;
    for (const ws of link.open) await ws.close(OFF);
    link.open.clear();
    await waitText(p.page.getByTestId('connection'), 'Hors ligne');
  };
  link.restore = async () => {
    link.offline = false;
    await p.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitText(p.page.getByTestId('connection'), 'Connecté', 15000);
  };
  await p.page.goto(`${env.base}/${hash}`);
  return {...p, link};
}

test('actions made offline survive a reload, leave once, and a refusal is explained', async (t) => {
  const scene = new Scene(t, env);
  const porteur = world.gestionnaires[0];
  const own = await freeEstablishments(server.url, porteur, scene.call);
  assert.ok(own.length >= 3, 'the porteur needs three establishments of its own');
  const grappe = await scene.grappe(porteur, {name: 'Grappe hors ligne', invite: own.slice(0, 3)});
  const api = scene.api(porteur);
  const {page, link} = await cuttablePage(scene, porteur, `#/grappe/${grappe}`);
  const count = page.getByTestId('outbox-count');
  const member = page.getByTestId(`member-${own[0].finess}`);
  const text = `Écrit hors ligne ${Date.now()}`;
  await member.waitFor();
  await waitText(page.getByTestId('connection'), 'Connecté');

  await t.test('offline, each action is counted as waiting', async () => {
    await link.cut();
    await page.getByTestId('comment-text').fill(text);
    await page.getByTestId('comment-submit').click();
    await waitText(count, '1 action en attente d’envoi');
    await page.getByTestId(`remove-${own[0].finess}`).click();
    await page.getByTestId('reason-dialog').getByRole('textbox').fill(REASON);
    await page.getByTestId('dialog-confirm').click();
    await waitText(count, '2 actions en attente d’envoi');
    await waitText(member, 'Retrait en attente');
  });

  // Meanwhile the dossier is submitted elsewhere: the removal will be refused.
  const submitted = await api.command(grappe, 'SubmitDossier', {});
  assert.equal(submitted.status, 200, JSON.stringify(submitted.data));

  await t.test('a reload warns first, and keeps both actions', async () => {
    const warned = [];
    page.on('dialog', (d) => {
      warned.push(d.type());
      d.accept();
    });
    await page.reload();
    assert.deepEqual(warned, ['beforeunload'], 'leaving with unsent actions warns');
    // The grappe itself comes with the WebSocket: only the waiting actions show until then.
    await waitText(count, '2 actions en attente d’envoi');
    await screenshot(page, 'offline-pending');
  });

  await t.test('back online, the comment is posted once and the refusal is explained', async () => {
    await link.restore();
    await waitText(page.getByTestId('comments'), text);
    const refused = page.getByTestId('outbox-rejected');
    await waitText(refused, 'Retrait');
    await waitText(refused, 'Impossible dans l’état actuel du dossier');
    await waitText(member.getByTestId('rejection'), 'Impossible dans l’état actuel du dossier');
    await page.waitForFunction(
        () => document.querySelector('[data-testid="outbox-count"]').textContent === '');
    assert.equal(await page.getByTestId('comment-text').inputValue(), '', 'the box is emptied');
    await screenshot(page, 'offline-refused');

    const {data} = await api.get(`/api/grappes/${grappe}/events?fromVersion=0&limit=500`);
    const posted = data.events.filter((e) => e.type === 'CommentPosted' && e.data.text === text);
    assert.equal(posted.length, 1, 'the comment is in the log exactly once');
    assert.equal(data.events.filter((e) => e.type === 'MemberRemoved').length, 0);

    await refused.getByRole('button', {name: /J’ai lu le refus/}).click();
    await refused.locator('li').first().waitFor({state: 'detached'});
  });
});
