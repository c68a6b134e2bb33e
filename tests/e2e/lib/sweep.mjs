// Every view of the web client, for each role, in one page per role that moves from view to view
// by its hash (no reload), with the states worth a look: a dialog open, a refusal shown. Used by
// a11y.test.mjs (axe, widths, screenshots) and bench-web.mjs (axe violations per view).
// The server needs --demo and the calls of writeScenesConfig (lib/scene.mjs).
import assert from 'node:assert/strict';

import {DESKTOP} from './a11y.mjs';
import {userPage} from './browser.mjs';
import {Scene} from './scene.mjs';
import {apiClient} from './server.mjs';
import {demoWorld, freeEstablishments, porteurAndPartner} from './world.mjs';

// The grappes the views show, in a call of their own: `open` (the porteur's establishment
// accepted; x1 invited, x2 accepted, x3 invited but a member of `rival`) and `submitted` (three
// of the porteur's establishments, waiting for the ARS).
export async function sweepFixtures(base) {
  const world = await demoWorld(base);
  const scene = new Scene({after: () => {}}, {base});
  const cast = await porteurAndPartner(base, world, 3, scene.call);
  const own = await freeEstablishments(base, cast.porteur, scene.call);
  assert.ok(own.length >= 4, 'the porteur needs four establishments of its own');
  const [x1, x2, x3] = cast.free;
  const ok = (answer) => assert.equal(answer.status, 200, JSON.stringify(answer.data));
  const partner = apiClient(base, cast.partner.token);
  const open =
      await scene.grappe(cast.porteur, {name: 'Grappe des Landes', invite: [own[0], x1, x2, x3]});
  ok(await partner.command(open, 'AcceptInvitation', {finess: x2.finess}));
  const rival = await scene.grappe(cast.porteur, {name: 'Grappe voisine', invite: [x3]});
  ok(await partner.command(rival, 'AcceptInvitation', {finess: x3.finess}));
  const submitted =
      await scene.grappe(cast.porteur, {name: 'Grappe déposée', invite: own.slice(1, 4)});
  ok(await apiClient(base, cast.porteur.token).command(submitted, 'SubmitDossier', {}));
  return {world, cast, open, submitted, x1, x2, x3};
}

const testid = (page, id) => page.getByTestId(id).first().waitFor();
const listed = (page) => page.locator('[data-testid="grappes-list"][aria-busy="false"]').waitFor();
const member = (page, x) => testid(page, `member-${x.finess}`);

// [{role, user, steps: [{view, hash?, act?(page), ready(page), done?(page), shot?}]}]: a step
// goes to `hash`, does `act`, waits for `ready`; `done` undoes what would hide the next view.
// `shot` names the view's screenshots (one role's view each).
export function walks(fx) {
  const {world, cast, open, submitted, x1, x3} = fx;
  const grappe = (id) => `#/grappe/${id}`;
  const list = (shot) => ({view: 'grappe list', hash: '#/', ready: listed, shot});
  const establishments = (shot) => ({
    view: 'establishments',
    hash: '#/etablissements',
    ready: (page) => page.locator('[data-testid="looking-list"] > *').first().waitFor(),
    shot
  });
  const history = (shot) => ({
    view: 'history',
    hash: `${grappe(submitted)}/historique`,
    ready: (page) => testid(page, 'timeline-1'),
    shot
  });
  return [
    {
      role: 'signed out',
      user: null,
      steps: [
        {
          view: 'sign-in',
          hash: '#/',
          ready: (page) => page.locator('[data-testid^="demo-user-"]').first().waitFor(),
          shot: 'signin'
        },
        {
          view: 'statement',
          hash: '#/accessibilite',
          ready: (page) => testid(page, 'a11y-statement'),
          shot: 'statement'
        },
      ]
    },
    {
      role: 'porteur',
      user: cast.porteur,
      steps: [
        list('list'),
        {
          view: 'grappe page',
          hash: grappe(open),
          ready: async (page) => {
            await member(page, x1);
            await page.locator('[data-testid="partners"][data-loads]').waitFor();
          },
          shot: 'grappe-porteur'
        },
        {
          view: 'invite search',
          act: (page) => page.getByTestId('invite-search').fill(x1.finess),
          ready: (page) =>
              page.getByTestId(`result-${x1.finess}`).getByTestId('availability').waitFor(),
          shot: 'invite'
        },
        {
          view: 'dialog: submit',
          act: (page) => page.getByTestId('submit-dossier').click(),
          ready: (page) => testid(page, 'confirm-dialog'),
          shot: 'dialog-submit'
        },
        {
          view: 'refused submission',
          act: (page) => page.getByTestId('dialog-confirm').click(),
          ready: (page) => testid(page, 'submit-refused'),
        },
        establishments('establishments'),
      ]
    },
    {
      role: 'gestionnaire',
      user: cast.partner,
      steps: [
        list(),
        {
          view: 'grappe page',
          hash: grappe(open),
          ready: (page) => testid(page, `decline-${x1.finess}`),
        },
        {
          view: 'dialog: decline',
          act: (page) => page.getByTestId(`decline-${x1.finess}`).click(),
          ready: (page) => testid(page, 'reason-dialog'),
          done: async (page) => {
            await page.keyboard.press('Escape');
            await page.getByTestId('reason-dialog').waitFor({state: 'detached'});
          },
          shot: 'dialog-decline'
        },
        {
          view: 'rejected command',
          act: (page) => page.getByTestId(`accept-${x3.finess}`).click(),
          ready: (page) =>
              page.getByTestId(`member-${x3.finess}`).getByTestId('rejection').waitFor(),
        },
        establishments(),
      ]
    },
    {
      role: 'ARS',
      user: world.ars,
      steps: [
        list(), {
          view: 'grappe page',
          hash: grappe(submitted),
          ready: (page) => testid(page, 'decision-form'),
          shot: 'grappe-ars'
        },
        establishments()
      ]
    },
    {
      role: 'auditor',
      user: world.auditor,
      steps: [
        list(), {view: 'grappe page', hash: grappe(open), ready: (page) => member(page, x1)},
        history('history'), {
          view: 'history event',
          act: (page) => page.getByTestId('timeline-2').click(),
          ready: (page) => testid(page, 'travel-event'),
        },
        establishments()
      ]
    },
    {
      role: 'admin',
      user: world.admin,
      steps: [
        list(), {view: 'grappe page', hash: grappe(open), ready: (page) => member(page, x1)},
        history(), {
          view: 'admin',
          hash: '#/admin',
          ready: async (page) => {
            await testid(page, 'projection-grappes');
            await testid(page, `user-${world.admin.id}`);
            await page.locator('[data-testid="registry-current"] .loading').waitFor({
              state: 'detached'
            });
          },
          shot: 'admin'
        },
        establishments(), {
          view: 'statement',
          hash: '#/accessibilite',
          ready: (page) => testid(page, 'a11y-statement')
        }
      ]
    },
  ];
}

// Opens one page for the walk's user and calls `onStep(step, page)` once each step is ready, at
// 1366 px wide. Resolves with the console errors of the page.
export async function runWalk(browser, base, walk, onStep) {
  const {context, page, errors} =
      await userPage(browser, base, walk.user?.token ?? null, {path: null});
  try {
    let first = true;
    for (const step of walk.steps) {
      await page.setViewportSize(DESKTOP);
      if (step.hash && first) await page.goto(`${base}/${step.hash}`);
      if (step.hash && !first)
        await page.evaluate((h) => {
          location.hash = h;
        }, step.hash);
      first = false;
      if (step.act) await step.act(page);
      await step.ready(page);
      await onStep(step, page);
      if (step.done) await step.done(page);
    }
  } finally {
    await context.close();
  }
  return errors;
}
