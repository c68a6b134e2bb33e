// What a gestionnaire, an ARS agent and an auditor are told on a real day (issue 18): reasons and
// messages where people look, confirmations before what cannot be undone, names instead of codes,
// no horizontal scroll at 390 px, no typing lost silently, focus kept. One server and a few
// grappes made once through the API serve every test. Each test opens its own pages (a Scene)
// and checks, on them, one issue point per subtest (named by its number), so that a page is
// loaded once for several points and each test runs alone, e.g. from tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test --test-name-pattern=auditor \
//       day.test.mjs
// GRAPPE_WEB_ROOT=DIR serves another web client (to see these tests fail on an older one).
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, freeEstablishments, porteurAndPartner} from './lib/world.mjs';

const NO_CALL = 'none';  // no grappe is in it: every establishment is free there
const MESSAGE = 'Nous partageons déjà le même DUI.';
const DECLINE = 'Notre conseil d’administration a dit non.';
const REMOVAL = 'Établissement fermé en juin.';
const DECISION = 'Dossier complet, projet cohérent.';
const PHONE = {
  width: 390,
  height: 844
};

describe('a real day with the web client', () => {
  let server, dir, browser, world, cast, fx;
  const env = {};
  const cleanups = [];

  before(async () => {
    dir = freshDataDir('day');
    const webRoot = process.env.GRAPPE_WEB_ROOT ? ['--web-root', process.env.GRAPPE_WEB_ROOT] : [];
    server = await startServer({
      data: path.join(dir, 'data'),
      args: ['--demo', '--config', writeScenesConfig(dir), ...webRoot]
    });
    browser = await launchBrowser();
    Object.assign(env, {browser, base: server.url});
    world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 4, NO_CALL);
    cast.own = await freeEstablishments(server.url, cast.porteur, NO_CALL);
    assert.ok(cast.own.length >= 4, 'the porteur needs four establishments of its own');
    fx = await fixtures();
  });

  after(async () => {
    for (const fn of cleanups) await fn();
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  // A scene made in before(): its call and grappes only, no page.
  const setupScene = () => new Scene({after: (fn) => cleanups.push(fn)}, env);

  async function ok(answer) {
    assert.equal(answer.status, 200, JSON.stringify(answer.data));
    return answer.data;
  }

  // open: the porteur's own establishment (accepted), x1 invited with a message, x2 declined with
  // a reason, x3 invited but already a member of `rival` (same call), x4 invited (declined by
  // test 13). Ineligible: one member.
  // decided: three members after one removal (with a reason), submitted, accepted by the ARS
  // with a comment. submitted: three members, waiting for the ARS.
  async function fixtures() {
    const [x1, x2, x3, x4] = cast.free;
    const porteur = apiClient(server.url, cast.porteur.token);
    const partner = apiClient(server.url, cast.partner.token);
    const s1 = setupScene();
    const open = await s1.grappe(cast.porteur, {name: 'Grappe du jour', invite: [cast.own[0]]});
    await ok(
        await porteur.command(open, 'InviteEstablishment', {finess: x1.finess, message: MESSAGE}));
    for (const x of [x2, x3, x4]) {
      await ok(await porteur.command(open, 'InviteEstablishment', {finess: x.finess}));
    }
    await ok(
        await partner.command(open, 'DeclineInvitation', {finess: x2.finess, reason: DECLINE}));
    const rival = await s1.grappe(cast.porteur, {name: 'Grappe voisine', invite: [x3]});
    await ok(await partner.command(rival, 'AcceptInvitation', {finess: x3.finess}));

    const decided = await setupScene().grappe(
        cast.porteur, {name: 'Grappe décidée', invite: cast.own.slice(0, 4)});
    await ok(await porteur.command(
        decided, 'RemoveMember', {finess: cast.own[3].finess, reason: REMOVAL}));
    await ok(await porteur.command(decided, 'SubmitDossier', {}));
    const ars = apiClient(server.url, world.ars.token);
    await ok(
        await ars.command(decided, 'RecordDecision', {decision: 'accepted', comment: DECISION}));

    const submitted = await setupScene().grappe(
        cast.porteur, {name: 'Grappe déposée', invite: cast.own.slice(0, 3)});
    await ok(await porteur.command(submitted, 'SubmitDossier', {}));
    const state = await ok(await porteur.get(`/api/grappes/${submitted}`));
    assert.equal(state.status, 'submitted', 'three members reach the scene call threshold');
    return {open, rival, decided, submitted, x1, x2, x3, x4};
  }

  const grappePage = (scene, user, id) => scene.open(user, `#/grappe/${id}`);
  const row = (page, x) => page.getByTestId(`member-${x.finess}`);
  const activeTestId = (page) => page.evaluate(() => document.activeElement?.dataset.testid);

  // At phone width, the page is no wider than the screen and `testid` is on screen.
  async function fitsPhone(page, testid) {
    await page.setViewportSize(PHONE);
    const target = page.getByTestId(testid);
    await target.waitFor();
    const {scrollWidth, clientWidth} = await page.evaluate(() => {
      const d = document.documentElement;
      return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth};
    });
    assert.ok(scrollWidth <= clientWidth, `${scrollWidth} px wide in ${clientWidth}`);
    const box = await target.boundingBox();
    assert.ok(box.x + box.width <= PHONE.width, `${testid} is on screen`);
  }

  test('the partner answers invitations on the open grappe', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await grappePage(scene, cast.partner, fx.open);
    await row(page, fx.x1).waitFor();

    await t.test('1: the invitation message and the decline reason are shown', async () => {
      await waitText(row(page, fx.x1).getByTestId('note'), `Message : « ${MESSAGE} »`);
      await waitText(row(page, fx.x2).getByTestId('note'), `Motif : « ${DECLINE} »`);
      await waitText(page.getByTestId('activity').getByTestId('note'), `Motif : « ${DECLINE} »`);
    });

    await t.test('17: "Décliner" does not look like "Accepter"', async () => {
      const look = (id) => page.getByTestId(id).evaluate((b) => {
        const s = getComputedStyle(b);
        return `${s.backgroundColor} ${s.color}`;
      });
      const accept = await look(`accept-${fx.x1.finess}`);
      assert.notEqual(await look(`decline-${fx.x1.finess}`), accept);
    });

    await t.test('13: focus returns after a dialog, and stays on the row it acted on', async () => {
      await page.getByTestId(`decline-${fx.x1.finess}`).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('reason-dialog').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('reason-dialog').waitFor({state: 'detached'});
      assert.equal(await activeTestId(page), `decline-${fx.x1.finess}`);
      // Confirmed: the button gives way to "en attente", then to the new status.
      await page.getByTestId(`decline-${fx.x4.finess}`).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('reason-dialog').locator('textarea').fill('Pas cette année.');
      await page.getByTestId('dialog-confirm').click();
      await waitText(row(page, fx.x4).getByTestId('member-status'), 'A décliné');
      assert.equal(
          await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.testid),
          `member-${fx.x4.finess}`);
    });

    await t.test('4: at 390 px the grappe page needs no horizontal scroll', async () => {
      await fitsPhone(page, `decline-${fx.x1.finess}`);
      await screenshot(page, 'day-grappe-390');
    });
  });

  test('the porteur looks at the open grappe and tries to submit it', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await grappePage(scene, cast.porteur, fx.open);
    await row(page, fx.x1).waitFor();

    await t.test('6: organisations and categories by name, not by number', async () => {
      const api = scene.api(cast.porteur);
      const org = async (ej) =>
          (await api.get(`/api/establishments?ej=${ej}&limit=1`)).data.establishments[0].ejName;
      const porteurName = await org(cast.porteur.og[0]);
      await waitText(page.getByTestId('orgs'), porteurName);
      await waitText(page.getByTestId('grappe-porteur'), porteurName);
      const own = row(page, cast.own[0]);
      await waitText(own.getByTestId('member-ej'), porteurName);
      await waitText(own.getByTestId('member-category'), cast.own[0].categoryLabel);
      await waitText(row(page, fx.x1).getByTestId('member-ej'), await org(fx.x1.ej));
    });

    await t.test('15: the estimate leaves out an invitation that cannot be accepted', async () => {
      const estimate = page.getByTestId('what-if');
      await waitText(estimate.getByTestId('what-if-blocked'), fx.x3.name);
      await waitText(estimate, 'Il manque 2 membres');
      assert.doesNotMatch(await estimate.innerText(), /\(s\)/);
    });

    await t.test('16: a search over 200 characters says so', async () => {
      await page.getByTestId('invite-search').fill('ehpad '.repeat(40));
      await waitText(page.locator('.invite [role="status"]'), '200 au plus');
    });

    await t.test('3: submitting asks first; an ineligible dossier says why', async () => {
      await page.getByTestId('submit-dossier').click();
      const dialog = page.getByTestId('confirm-dialog');
      await dialog.waitFor();
      await dialog.getByTestId('dialog-cancel').click();
      await dialog.waitFor({state: 'detached'});
      assert.equal(await activeTestId(page), 'submit-dossier', 'focus back on the button (13)');
      await page.getByTestId('submit-dossier').click();
      await dialog.getByTestId('dialog-confirm').click();
      const refused = page.getByTestId('submit-refused');
      await waitText(refused, 'Le dossier n’a pas été déposé');
      await waitText(refused, 'Nombre minimal d’établissements');
      await waitText(page.getByTestId('grappe-status'), 'En constitution');
    });

    await t.test('12: an unknown grappe id says "introuvable", offers nothing to do', async () => {
      await page.goto(`${env.base}/#/grappe/${crypto.randomUUID()}`);
      await waitText(page.getByTestId('grappe-name'), 'Grappe introuvable');
      const main = page.locator('main');
      assert.equal(await main.locator('form, textarea, input, button').count(), 0, 'no form');
      assert.equal(await main.locator('.card').count(), 0, 'no empty card');
    });
  });

  test('the porteur reads the decided grappe', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await grappePage(scene, cast.porteur, fx.decided);
    await waitText(page.getByTestId('grappe-status'), 'Retenue');

    await t.test('1: the removal reason and the decision comment are shown', async () => {
      await waitText(row(page, cast.own[3]).getByTestId('note'), `Motif : « ${REMOVAL} »`);
      await waitText(page.getByTestId('activity'), `Commentaire de l’ARS : « ${DECISION} »`);
    });

    await t.test('14: no "Modifier les informations" once the ARS has decided', async () => {
      assert.equal(await page.getByText('Modifier les informations').count(), 0);
    });
  });

  test('the ARS confirms its final decision before it is recorded (3)', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await grappePage(scene, world.ars, fx.submitted);
    const form = page.getByTestId('decision-form');
    await form.getByLabel('Non retenue', {exact: true}).check();
    await form.getByLabel('Commentaire').fill('Pas assez de partenaires extérieurs.');
    await form.getByRole('button', {name: 'Enregistrer la décision'}).click();
    const dialog = page.getByTestId('confirm-dialog');
    await waitText(dialog, 'définitive');
    await waitText(page.getByTestId('grappe-status'), 'Dossier déposé');
    await dialog.getByTestId('dialog-confirm').click();
    await waitText(page.getByTestId('grappe-status'), 'Non retenue');
    await waitText(page.getByTestId('activity'), 'Pas assez de partenaires extérieurs.');
  });

  test('the auditor reads the decided grappe\'s history', async (t) => {
    const scene = new Scene(t, env);
    const {data} = await scene.api(world.auditor).get(`/api/grappes/${fx.decided}/events`);
    const decision = data.events.find((e) => e.type === 'DecisionRecorded');
    const {page} = await scene.open(world.auditor, `#/grappe/${fx.decided}/historique`);
    await page.getByTestId('timeline-1').waitFor();

    await t.test('8: reasons, comments, actor and hash; an early date in words', async () => {
      await waitText(page.getByTestId('timeline'), `Motif : « ${REMOVAL} »`);
      const item = page.getByTestId(`timeline-item-${decision.version}`);
      await waitText(item.getByTestId('note'), `Commentaire de l’ARS : « ${DECISION} »`);
      await waitText(item.getByTestId('event-hash'), decision.hash.slice(0, 12));
      await page.getByTestId(`timeline-${decision.version}`).click();
      const shown = page.getByTestId('travel-event');
      await waitText(shown, world.ars.name);
      await waitText(shown.getByTestId('event-hash'), decision.hash);
      await waitText(page.getByTestId('travel-decision'), DECISION);
      await waitText(row(page, cast.own[3]).getByTestId('note'), REMOVAL);
      await page.getByTestId('timeline-date').fill('2000-01-01T00:00:00');
      await page.getByRole('button', {name: 'Afficher'}).click();
      await waitText(page.getByTestId('travel-before'), 'La grappe n’existait pas encore');
      await screenshot(page, 'day-audit');
    });

    await t.test('4: at 390 px the history page needs no horizontal scroll', async () => {
      await fitsPhone(page, 'timeline-1');
    });
  });

  test('the admin opens the list, then the administration page', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(world.admin, '#/');

    await t.test('10: no "null" above the list of a role that may not create', async () => {
      await page.getByTestId('grappes-list').locator('li').first().waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b/);
    });

    await t.test('4: at 390 px the admin page needs no horizontal scroll', async () => {
      await page.goto(`${env.base}/#/admin`);
      await fitsPhone(page, 'projection-grappes');
    });
  });

  // A page whose WebSocket the test can cut (offline) and give back, HTTP untouched.
  async function cuttablePage(scene, user, hash) {
    const p = await scene.open(user, null);
    const link = {offline: false, open: new Set()};
    await p.page.routeWebSocket(/\/ws$/, (ws) => {
      if (link.offline) return ws.close({code: 4000, reason: 'test offline'});
      ws.connectToServer();
      link.open.add(ws);
    });
    link.cut = async () => {
      link.offline = true;
      for (const ws of link.open) await ws.close({code: 4000, reason: 'test offline'});
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

  test('7: a comment typed offline is kept across a reload, with a warning first', async (t) => {
    const scene = new Scene(t, env);
    const {page, link} = await cuttablePage(scene, cast.porteur, `#/grappe/${fx.open}`);
    await page.getByTestId('comment-text').waitFor();
    await link.cut();
    const text = `Écrit hors ligne ${Date.now()}`;
    await page.getByTestId('comment-text').fill(text);
    await page.getByTestId('comment-submit').click();
    await waitText(page.getByTestId('comment-submit'), 'Publication');
    const warned = [];
    page.on('dialog', (d) => {
      warned.push(d.type());
      d.accept();
    });
    await page.reload();
    assert.deepEqual(warned, ['beforeunload'], 'leaving with an unsent comment warns');
    await link.restore();
    // Kept with its id in the outbox (lib/outbox.js), it leaves by itself once back online.
    await waitText(page.getByTestId('comments'), text);
    await page.waitForFunction(
        () => document.querySelector('[data-testid="comment-draft"]').textContent === '');
    assert.equal(await page.getByTestId('comment-text').inputValue(), '', 'the box is emptied');
    assert.equal(await page.getByTestId('comments').getByText(text).count(), 1, 'posted once');
  });

  test('19: presence is not shown as current while this client is offline', async (t) => {
    const scene = new Scene(t, env);
    const {page, link} = await cuttablePage(scene, cast.porteur, `#/grappe/${fx.open}`);
    await grappePage(scene, cast.partner, fx.open);
    await page.getByTestId(`presence-${cast.partner.id}`).waitFor();
    await link.cut();
    await page.getByTestId('presence-stale').waitFor();
    assert.equal(await page.getByTestId(`presence-${cast.partner.id}`).count(), 0);
    await link.restore();
    await page.getByTestId(`presence-${cast.partner.id}`).waitFor();
  });

  test('a gestionnaire signs in and starts a grappe', async (t) => {
    const scene = new Scene(t, env);
    const {page} = await scene.open(null, '#/');
    await page.getByTestId(`demo-user-${cast.porteur.id}`).click();
    await waitText(page.getByTestId('me'), cast.porteur.name);
    await page.getByTestId('grappes-list').waitFor();

    await t.test('13: after signing in, focus is in the page, not on the body', async () => {
      assert.ok(await page.evaluate(
          () => document.getElementById('main').contains(document.activeElement)));
    });

    await t.test('18: a blank grappe name gets a French sentence, not a field code', async () => {
      await page.getByText('Créer une grappe').click();
      const form = page.getByTestId('create-form');
      await form.getByLabel('Nom de la grappe').fill('   ');
      await form.getByRole('button', {name: 'Créer la grappe'}).click();
      await waitText(page.getByTestId('create-error'), 'Donnez un nom à la grappe.');
    });

    await t.test('20: a region where the porteur has no establishment is pointed out', async () => {
      const api = scene.api(cast.porteur);
      const own = (await api.get(`/api/establishments?ej=${cast.porteur.og[0]}&limit=500`)).data;
      const theirs = new Set(own.establishments.map((e) => e.region));
      const {regions} = (await api.get('/api/reference/regions')).data;
      const elsewhere = regions.find((r) => !theirs.has(r.code)).code;
      await page.getByTestId('create-form').getByLabel('Région').selectOption(elsewhere);
      await waitText(page.getByTestId('create-region-warning'), 'n’a aucun établissement en');
    });
  });
});
