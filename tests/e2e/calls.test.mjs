// The calls for projects of --config, as GET /api/reference/calls gives them: the web client names
// a call by its label (its id when the read fails), and the eligibility panel uses the call's
// minimum of organisations, its maximum of members and its deadline.
// GRAPPE_WEB_ROOT=DIR serves another web client (to see these tests fail on an older one).
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, userPage, waitText} from './lib/browser.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

const webRoot = process.env.GRAPPE_WEB_ROOT ? ['--web-root', process.env.GRAPPE_WEB_ROOT] : [];
const CALLS = [
  {
    id: 'esms-2027',
    label: 'ESMS numérique 2027',
    maxMembers: 20,
    minOrganisations: 4,
    deadline: '2027-03-15'
  },
  {id: 'petit', label: 'Petit appel', threshold: 2, thresholdOverseasCorsica: 2, maxMembers: 3},
];

describe('calls for projects by their label and figures', () => {
  let server, dir, browser, cast, big, small;
  const pages = [];

  before(async () => {
    dir = freshDataDir('calls');
    const config = path.join(dir, 'calls.json');
    writeFileSync(config, JSON.stringify({calls: CALLS}));
    server = await startServer(
        {data: path.join(dir, 'data'), args: ['--demo', '--config', config, ...webRoot]});
    browser = await launchBrowser();
    cast = await porteurAndPartner(server.url, await demoWorld(server.url), 3, 'petit');
    big = await grappe('esms-2027', 'Grappe ESMS 2027', []);
    // One accepted member (the porteur's) and three invitations: four members, above three.
    small = await grappe('petit', 'Grappe du petit appel', cast.free.slice(0, 3));
  });

  after(async () => {
    for (const p of pages) await p.context.close().catch(() => {});
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
    assert.deepEqual(pages.flatMap((p) => p.errors), [], 'no console error');
  });

  // A grappe of the porteur in `call` with one of its own establishments (accepted at once) and
  // `invite` invited.
  async function grappe(call, name, invite) {
    const api = apiClient(server.url, cast.porteur.token);
    const id = crypto.randomUUID();
    const ok = (r) => assert.equal(r.status, 200, JSON.stringify(r.data));
    ok(await api.command(
        id, 'CreateGrappe', {name, call, region: '75', porteur: cast.porteur.og[0]}));
    const {data} = await api.get(`/api/establishments?ej=${cast.porteur.og[0]}&limit=50`);
    const own = data.establishments.find((e) => e.inScope !== false && !e.closedOn);
    for (const e of [own, ...invite]) {
      ok(await api.command(id, 'InviteEstablishment', {finess: e.finess}));
    }
    return id;
  }

  async function open(hash, options) {
    const p = await userPage(browser, server.url, cast.porteur.token, {...options, path: hash});
    pages.push(p);
    return p.page;
  }

  test('the list, its filter and the grappe page show the label', async () => {
    const page = await open('#/');
    const card = page.getByTestId(`grappe-card-${big}`);
    await waitText(card, 'Appel ESMS numérique 2027');
    assert.doesNotMatch(await card.textContent(), /esms-2027/);
    const filter = page.getByRole('search').getByLabel('Appel à projets');
    await filter.selectOption('petit');
    await page.getByTestId(`grappe-card-${big}`).waitFor({state: 'detached'});
    await page.getByTestId(`grappe-card-${small}`).waitFor();
    await page.getByText('Créer une grappe').click();
    const create = page.getByTestId('create-form').getByLabel('Appel à projets');
    assert.equal(
        await create.locator('option[value="esms-2027"]').textContent(), 'ESMS numérique 2027');

    await page.getByTestId(`grappe-card-${small}`).getByRole('link').click();
    await waitText(page.getByTestId('grappe-call'), 'Petit appel');
  });

  test('the eligibility panel uses the call’s figures and deadline', async () => {
    const page = await open(`#/grappe/${big}`);
    const panel = page.getByTestId('eligibility');
    await waitText(panel.getByTestId('what-if-organisations'), 'il en faut au moins 4');
    assert.equal(
        await panel.getByTestId('call-deadline').textContent(),
        'Date limite de dépôt : 15/03/2027');
    assert.equal(await page.getByTestId('grappe-call').textContent(), 'ESMS numérique 2027');
    assert.equal(await panel.getByTestId('what-if-max-members').count(), 0);

    const other = await open(`#/grappe/${small}`);
    await waitText(other.getByTestId('what-if-max-members'), 'au plus 3 membres pour cet appel');
    assert.equal(await other.getByTestId('call-deadline').count(), 0);
  });

  test('when the calls cannot be read, a call shows as its id', async () => {
    const ignore = [/Failed to load resource/];
    const {page, context, errors} =
        await userPage(browser, server.url, cast.porteur.token, {path: null, ignore});
    pages.push({context, errors});
    await page.route('**/api/reference/calls', (route) => route.fulfill({status: 500}));
    await page.goto(`${server.url}/#/`);
    await waitText(page.getByTestId(`grappe-card-${big}`), 'Appel esms-2027');
  });
});
