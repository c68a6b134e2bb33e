// One grappe, live: details, members with their actions, invitations, eligibility, presence,
// activity and comments. Subscribes on mount and unsubscribes on unmount.
import {grappeEvents} from '../api.js';
import {el} from '../lib/dom.js';
import {GRAPPE_STATUS_LABELS, label} from '../lib/labels.js';
import {canAudit, isOpen, isPorteur} from '../lib/permissions.js';

import {createActivity, createComments, renderPresence} from './activity.js';
import {createDetailsEditor} from './details.js';
import {createEligibility} from './eligibility.js';
import {createExportBar} from './export.js';
import {createInvitePicker} from './invite.js';
import {renderMembers} from './members.js';
import {createPartnersPanel} from './partners.js';

export function mountGrappe(root, app, id) {
  const {store, conn} = app;
  const title = el('h1', {'data-testid': 'grappe-name'}, 'Grappe');
  const status =
      el('p', {class: 'loading', role: 'status', 'data-testid': 'grappe-loading'},
         'Chargement de la grappe…');
  const details = el('dl', {class: 'details', 'data-testid': 'details'});
  const members = el('div', {'data-testid': 'members-section'});
  const presence =
      el('section',
         {class: 'card presence', 'aria-labelledby': 'presence-title', 'data-testid': 'presence'});
  const editor = createDetailsEditor(app, id);
  const invite = createInvitePicker(app, id);
  const eligibility = createEligibility(app, id);
  const activity = createActivity(
      (finess) => store.grappes.get(id)?.state?.members?.find((m) => m.finess === finess)?.name);
  const comments = createComments(app, id);
  const inviteSlot = el('div');
  const partners = createPartnersPanel(app, id);
  const partnersSlot = el('div');
  const editorSlot = el('div');
  // Hidden until the state arrives: no empty cards nor working forms for a grappe not read yet.
  const columns = el('div', {class: 'columns', hidden: true});
  const dirty = [comments.dirty, editor.dirty, eligibility.dirty];
  for (const d of dirty) app.unsaved.add(d);

  root.append(
      el('div', {class: 'grappe-view', 'data-testid': 'grappe-view'},
         el('div', {class: 'crumbs'}, el('a', {href: '#/'}, '← Toutes les grappes'),
            canAudit(app.me) ? el('a', {
              href: `#/grappe/${encodeURIComponent(id)}/historique`,
              'data-testid': 'history-link'
            },
                                  'Historique') :
                               null),
         title, status,
         appendTo(
             columns,
             el('div', {class: 'main-col'},
                el('section', {class: 'card', 'aria-labelledby': 'details-title'},
                   el('h2', {id: 'details-title'}, 'Informations'), details,
                   createExportBar(app, id), editorSlot),
                el('section', {class: 'card', 'aria-labelledby': 'members-title'},
                   el('h2', {id: 'members-title'}, 'Établissements'), members),
                inviteSlot, partnersSlot),
             el('aside', {class: 'side-col'}, presence, eligibility.node, activity.node,
                comments.node))));

  function paintState() {
    const entry = store.grappes.get(id);
    const state = entry?.state;
    if (!state) return;
    status.textContent = '';
    status.hidden = true;
    columns.hidden = false;
    title.textContent = state.name;
    document.title = `${state.name} — Grappe`;
    details.replaceChildren(...detailRows(state, app));
    // The members table and the panels are redrawn only when what they show changed: with 200
    // members, redrawing the table for each comment would cost every viewer a frame or two.
    const slots = store.slotsVersion;
    const membersChanged = changed('members', [
      state.members, state.status, entry.presence, slots, entry.notesVersion, app.names.version,
      store.connection.status
    ]);
    if (membersChanged) renderMembers(members, app, id, entry);
    const porteurOpen = isPorteur(app.me, state) && isOpen(state);
    if (porteurOpen && !inviteSlot.firstChild) inviteSlot.append(invite.node);
    if (!porteurOpen) inviteSlot.replaceChildren();
    // The details can change only while the dossier is open (UpdateDetails is refused after).
    if (porteurOpen && !editorSlot.firstChild) editorSlot.append(editor.node);
    if (!porteurOpen) editorSlot.replaceChildren();
    if (membersChanged) invite.update();
    if (porteurOpen && !partnersSlot.firstChild) partnersSlot.append(partners.node);
    if (!porteurOpen) partnersSlot.replaceChildren();
    if (porteurOpen && (membersChanged || changed('partners', [state.dui]))) partners.update(state);
    if (changed('eligibility', [
          state.members, state.lastValidation, state.status, state.threshold, state.decision, slots
        ])) {
      eligibility.update(state);
    }
    comments.update(state);
    activity.update(entry.activity);
    members.dataset.version = String(state.version);
  }

  const seen = new Map();
  function changed(part, deps) {
    const before = seen.get(part);
    seen.set(part, deps);
    return !before || deps.some((d, i) => d !== before[i]);
  }

  function paintPresence() {
    const entry = store.grappes.get(id);
    renderPresence(
        presence, app.me, entry?.presence ?? [], store.connection.status, entry?.presenceCount);
    if (entry?.state) paintState();
  }

  const off = store.listen((change) => {
    if (change.kind === 'slot' || change.kind === 'names') return paintState();
    if (change.kind === 'connection') return paintPresence();
    if (change.kind === 'error' && !store.grappes.get(id)?.state &&
        (change.error.code === 'not_found' || change.error.code === 'forbidden')) {
      return showNotFound();
    }
    if (change.grappe !== id) return;
    if (change.kind === 'presence') paintPresence();
    if (change.kind === 'state') {
      paintState();
      if (!historyAsked) loadHistory();
    }
    if (change.kind === 'activity') paintState();
  });
  // The events before the snapshot: the activity feed's last ones, and each member's latest
  // (its invitation message or reason shows in the members table). Then both grow live.
  let historyAsked = false;
  async function loadHistory() {
    historyAsked = true;
    try {
      store.addHistory(id, await grappeEvents(app.api, id));
    } catch {
      // The feed still shows what arrives live.
    }
  }

  // An id the server does not know (or hides): one clear message, and nothing to act on.
  function showNotFound() {
    document.title = 'Grappe introuvable — Grappe';
    root.replaceChildren(
        el('div', {class: 'grappe-view', 'data-testid': 'grappe-not-found'},
           el('div', {class: 'crumbs'}, el('a', {href: '#/'}, '← Toutes les grappes')),
           el('h1', {'data-testid': 'grappe-name'}, 'Grappe introuvable'),
           el('p', {role: 'alert'},
              'Aucune grappe ne correspond à cette adresse, ou vous n’y avez pas accès. ',
              'Vérifiez le lien reçu, ou retrouvez la grappe dans la liste.')));
  }

  paintPresence();
  conn.subscribe(id);
  conn.setPresence(id, 'viewing');
  return () => {
    off();
    for (const d of dirty) app.unsaved.delete(d);
    invite.dispose();
    partners.dispose();
    conn.unsubscribe(id);
    store.forget(id);
  };
}

function appendTo(node, ...children) {
  node.append(...children);
  return node;
}

function detailRows(s, {regions, names, calls}) {
  const row =
      (term, value, testid) => [el('dt', null, term), el('dd', {'data-testid': testid}, value)];
  return [
    row('Appel à projets', calls.label(s.call), 'grappe-call'),
    row('Région', regions.name(s.region)),
    row('Porteur', names.organisation(s.porteur), 'grappe-porteur'),
    row('DUI',
        s.dui ? `${s.dui.software || '—'} (${s.dui.vendor || 'éditeur non précisé'})` :
                'Non renseigné'),
    row('Statut',
        el('span', {class: `badge status-${s.status}`}, label(GRAPPE_STATUS_LABELS, s.status)),
        'grappe-status'),
    row('Version', String(s.version), 'grappe-version'),
    s.description ? row('Description', s.description) : [],
  ].flat();
}
