// « Demandes d’accès » (#/demandes): the access requests an admin, or a gestionnaire of a
// requested EJ, may decide (GET /api/access-requests lists those), pending first, each with
// « Approuver » (after a confirmation) and « Refuser » (with a reason):
// POST /api/access-requests/{id}/decision. startRequestCount keeps the number awaiting a
// decision for the header's badge.
import {
  decisionPath, isPending, REQUESTED_ROLE_LABELS, requestedAt, requesterDetails, requesterOf,
  requestList, REQUESTS_PATH, scopeText, statusLine
} from '../lib/access_requests.js';
import {askText, confirmAction} from '../lib/dialog.js';
import {el, focusAgain, formatDateTime, renderKeepingFocus} from '../lib/dom.js';
import {label, rejectionText} from '../lib/labels.js';
import {isAdmin} from '../lib/permissions.js';

const COUNT_EVERY_MS = 30000;

// Reads the requests now and every 30 s while signed in; the header shows the count. Returns
// {pending(), any(), list(), refresh(), stop()}. Auditors read them too (they decide nothing).
// Nothing is read for ARS agents,
// nor from a server without OpenID Connect (no one can ask there), nor after a 403 or 404.
export function startRequestCount(app) {
  let list = [];
  let timer = null;
  let stopped = !(isAdmin(app.me) || ['gestionnaire', 'auditor'].includes(app.me.role));
  let offered = null;  // whether the server signs people in through OpenID Connect
  async function refresh() {
    offered ??= app.api.get('/api/auth/methods').then((m) => Boolean(m.oidc), () => false);
    if (!(await offered)) stopped = true;
    if (stopped) return list;
    clearTimeout(timer);
    try {
      const fresh = requestList(await app.api.get(REQUESTS_PATH));
      const changed = JSON.stringify(fresh) !== JSON.stringify(list);
      list = fresh;
      if (changed) app.store.emit({kind: 'requests'});
    } catch (e) {
      if (e.status === 404 || e.status === 403) stopped = true;
    }
    clearTimeout(timer);  // two reads at once leave one timer
    if (!stopped) timer = setTimeout(refresh, COUNT_EVERY_MS);
    return list;
  }
  refresh();
  return {
    pending: () => list.filter(isPending).length,
    any: () => list.length > 0,
    list: () => list,
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export function mountRequests(root, app) {
  const notice = el('p', {role: 'status', 'data-testid': 'requests-notice'});
  const pending =
      el('div', {'data-testid': 'requests-pending'}, el('p', {class: 'loading'}, 'Chargement…'));
  const decided = el('div', {'data-testid': 'requests-decided'});
  const pendingTitle = el('h2', {id: 'requests-pending-title', tabindex: -1}, 'En attente');

  function paint() {
    const list = app.requests?.list() ?? [];
    const open = list.filter(isPending);
    pendingTitle.textContent = `En attente (${open.length})`;
    renderKeepingFocus(
        pending,
        open.length ?
            el('ul', {class: 'plain requests'}, open.map((r) => requestItem(r, app, decide))) :
            el('p', {class: 'empty'}, 'Aucune demande en attente.'));
    const done = list.filter((r) => !isPending(r));
    decided.replaceChildren(
        done.length ?
            el('details', null, el('summary', null, `Demandes décidées (${done.length})`),
               el('ul', {class: 'plain requests'}, done.map((r) => requestItem(r, app, null)))) :
            '');
  }

  async function decide(r, decision) {
    const who = nameOf(r);
    let reason = '';
    if (decision === 'approved') {
      const sure = await confirmAction({
        title: `Approuver la demande de ${who} ?`,
        text: `${who} pourra se connecter comme ${label(REQUESTED_ROLE_LABELS, r.role)} : ${
            scopeText(r, app) || '—'}.`,
        confirmText: 'Approuver',
      });
      if (!sure) return;
    } else {
      reason = await askText({
        title: `Refuser la demande de ${who}`,
        labelText: 'Motif du refus (la personne le verra)',
        required: true,
        confirmText: 'Refuser',
      });
      if (reason == null) return;
    }
    const index = (app.requests?.list() ?? []).filter(isPending).indexOf(r);
    try {
      await app.api.post(decisionPath(r.id), reason ? {decision, reason} : {decision});
      notice.textContent =
          decision === 'approved' ? `Demande de ${who} approuvée.` : `Demande de ${who} refusée.`;
    } catch (e) {
      notice.textContent = `Décision refusée. ${rejectionText(e)}`;
    }
    await app.requests?.refresh();
    paint();
    // Focus goes to the next request's first button, else to the list's title.
    const buttons = pending.querySelectorAll('[data-key^="approve-"]');
    focusAgain(buttons[Math.min(index, buttons.length - 1)] ?? pendingTitle);
  }

  const off = app.store.listen((change) => {
    if (change.kind === 'requests' || change.kind === 'names') paint();
  });
  root.append(
      el('article', {class: 'requests-page', 'data-testid': 'requests-page'},
         el('h1', null, 'Demandes d’accès'),
         el('p', {class: 'hint'},
            'Des personnes connectées par leur fournisseur d’identité demandent un accès. ' +
                'Vérifiez leur adresse et leur SIRET avant d’approuver : l’approbation crée leur ' +
                'compte avec le rôle demandé.'),
         notice,
         el('section', {class: 'card', 'aria-labelledby': 'requests-pending-title'}, pendingTitle,
            pending),
         decided));
  if (app.requests)
    app.requests.refresh().then(paint);
  else
    pending.replaceChildren(el('p', {class: 'warning'}, 'Indisponible sur ce serveur.'));
  return off;
}

// As the server decides (PROTOCOL.md v2): admins all; a gestionnaire a gestionnaire request
// whose every EJ it acts for.
const mayDecide = (me, r) => isAdmin(me) ||
    (me.role === 'gestionnaire' && r.role === 'gestionnaire' && (r.og ?? []).length > 0 &&
     r.og.every((ej) => (me.og ?? []).includes(ej)));

const nameOf = (r) => {
  const who = requesterOf(r);
  return [who.givenName, who.usualName].filter(Boolean).join(' ') || who.email || r.id;
};

function requestItem(r, app, decide) {
  const who = requesterOf(r);
  const name = nameOf(r);
  const button = (text, key, decision, kind) =>
      el('button', {
        type: 'button',
        class: kind,
        'data-key': `${key}-${r.id}`,
        'data-testid': `${key}-request`,
        'aria-label': `${text} — ${name}`,
        onclick: () => decide(r, decision),
      },
         text);
  const titleId = `request-${r.id}-title`;
  return el(
      'li', {class: 'request', 'data-testid': `request-${r.id}`, 'data-email': who.email},
      el('article', {'aria-labelledby': titleId}, el('h3', {id: titleId}, name),
         requesterDetails(who, 'requester', [
           el('dt', null, 'Rôle demandé'),
           el('dd', {'data-testid': 'requested-role'}, label(REQUESTED_ROLE_LABELS, r.role)),
           el('dt', null, r.role === 'ars' ? 'Régions' : 'Organismes'),
           el('dd', {'data-testid': 'requested-scope'}, scopeText(r, app) || '—'),
           r.message ? [el('dt', null, 'Message'), el('dd', null, r.message)] : null,
           el('dt', null, 'Demandée le'), el('dd', null, formatDateTime(requestedAt(r))),
         ]),
         !decide ? statusLine(r) :
             mayDecide(app.me, r) ?
                   el('div', {class: 'actions'}, button('Approuver', 'approve', 'approved'),
                      button('Refuser', 'refuse', 'refused', 'secondary danger')) :
                   el('p', {class: 'hint'},
                      'Un administrateur, ou un gestionnaire de chacun des organismes demandés, ' +
                          'décidera.')));
}
