// The server restarts under an open page: the page shows it is offline, reconnects by itself and
// catches up with what happened meanwhile, without losing or doubling an event.
//
// Each server start listens on port 0 and is found at the address its own `listening on` line
// gives, so the restarted server has another port. What the page needs is its own origin to
// answer again, so it is loaded through a relay of the test (lib/relay.mjs) that holds one port
// from start to end and forwards to whichever server is up. (Restarting on the first server's
// port would need that port still free after the stop: a race with every other process.)
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {launchBrowser, screenshot, userPage, waitText} from './lib/browser.mjs';
import {startRelay} from './lib/relay.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

// While the server is down Chromium reports the failed WebSocket and fetches on the console.
const EXPECTED_WHILE_DOWN =
    [/WebSocket connection to .* failed/, /ERR_CONNECTION_(REFUSED|RESET)|ERR_EMPTY_RESPONSE/];

let server, data, browser, relay;

before(async () => {
  data = freshDataDir('restart');
  server = await startServer({data});
  relay = await startRelay();
  relay.to(server.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await relay?.close();
  if (server) await server.stop();
  if (data) removeDir(data);
});

test('the page reconnects after a server restart and catches up', async () => {
  const world = await demoWorld(server.url);
  const {porteur, free} = await porteurAndPartner(server.url, world, 2);
  const api = apiClient(server.url, porteur.token);
  const grappe = crypto.randomUUID();
  const created = await api.command(
      grappe, 'CreateGrappe',
      {name: 'Grappe redémarrage', call: 'default', region: '75', porteur: porteur.og[0]});
  assert.equal(created.status, 200, JSON.stringify(created.data));
  await api.command(grappe, 'InviteEstablishment', {finess: free[0].finess});

  const {page, errors} = await userPage(
      browser, relay.url, porteur.token, {path: `#/grappe/${grappe}`, ignore: EXPECTED_WHILE_DOWN});
  await page.getByTestId(`member-${free[0].finess}`).waitFor();
  await waitText(page.getByTestId('connection'), 'Connecté');

  assert.equal(await server.stop(), 0);
  await waitText(page.getByTestId('connection'), 'Hors ligne');
  await screenshot(page, '10-offline');

  server = await startServer({data});  // on another port, most likely: the relay follows it
  relay.to(server.url);
  // Changed while the page is still waiting to reconnect: it must catch up with fromVersion.
  const invited =
      await apiClient(server.url, porteur.token).command(grappe, 'InviteEstablishment', {
        finess: free[1].finess
      });
  assert.equal(invited.status, 200, JSON.stringify(invited.data));
  const version = invited.data.version;

  await waitText(page.getByTestId('connection'), 'Connecté', 20000);
  await page.getByTestId(`member-${free[1].finess}`).waitFor();
  await page.locator(`[data-testid="members-section"][data-version="${version}"]`).waitFor();
  const shown = await page.getByTestId('activity')
                    .locator('li')
                    .evaluateAll((items) => items.map((li) => li.dataset.version));
  assert.equal(new Set(shown).size, shown.length, `no event shown twice: ${shown}`);
  const state = (await apiClient(server.url, porteur.token).get(`/api/grappes/${grappe}`)).data;
  const rows = await page.getByTestId('members').locator('tbody tr').count();
  assert.equal(rows, state.members.length, 'the page has every member the server has');
  await screenshot(page, '11-reconnected');
  assert.deepEqual(errors, []);
});
