// The members table: one row per establishment, with the actions the user's role allows on it,
// each shown pending until its ack and with its rejection beside it.
import {askText} from '../lib/dialog.js';
import {el, formatDateTime, renderKeepingFocus} from '../lib/dom.js';
import {label, MEMBER_STATUS_LABELS, rejectionText} from '../lib/labels.js';
import {noteNode} from '../lib/notes.js';
import {isOpen, isPorteur, managesMember} from '../lib/permissions.js';

import {receiptButton} from './proof.js';

const STATUS_ORDER = ['accepted', 'invited', 'declined', 'withdrawn', 'removed', 'revoked'];
// A gestionnaire's own answers, whose receipt is offered once acknowledged.
const RECORDED = {
  AcceptInvitation: 'Acceptation enregistrée',
  DeclineInvitation: 'Refus enregistré',
  WithdrawMembership: 'Retrait enregistré'
};
// slot.done → its offer, kept across the table's redraws (with what it said after a download).
const offers = new WeakMap();

export function sortedMembers(members) {
  return [...members].sort(
      (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
          String(a.name).localeCompare(String(b.name), 'fr'));
}

// Read-only when `app` is null (time travel). notes: finess → the member's latest event, whose
// message or reason shows under its status; names: lib/names.js, for organisations and categories.
export function membersTable(members, {
  app = null,
  grappe = null,
  state = null,
  presence = [],
  notes = new Map(),
  names = app?.names
} = {}) {
  if (!members.length) {
    return el(
        'p', {class: 'empty', 'data-testid': 'members-empty'},
        'Aucun établissement pour le moment.');
  }
  const withActions = !!app;
  return el(
      'table', {class: 'members stacked', 'data-testid': 'members'},
      el('caption', {class: 'visually-hidden'}, 'Établissements de la grappe'),
      el('thead', null,
         el('tr', null,
            ['Établissement', 'Organisme', 'Catégorie', 'Dépt', 'Statut', 'Depuis'].map(
                (h) => el('th', {scope: 'col'}, h)),
            withActions ? el('th', {scope: 'col'}, 'Actions') : null)),
      el('tbody', null,
         sortedMembers(members).map(
             (m) =>
                 el('tr', {
                   'data-testid': `member-${m.finess}`,
                   'data-status': m.status,
                   class: `row-${m.status}`,
                 },
                    el('th', {scope: 'row', 'data-key': `member-${m.finess}`, tabindex: -1},
                       el('span', {class: 'name'}, m.name ?? m.finess),
                       el('span', {class: 'finess'}, m.finess), editorsOf(presence, m.finess)),
                    el('td', {'data-label': 'Organisme', 'data-testid': 'member-ej'},
                       names ? names.organisation(m.ej) : m.ej ?? ''),
                    el('td', {'data-label': 'Catégorie', 'data-testid': 'member-category'},
                       categoryText(names, m.category)),
                    el('td', {'data-label': 'Dépt'}, m.departement ?? ''),
                    el('td', {'data-label': 'Statut', 'data-testid': 'member-status'},
                       el('span', {class: `badge member-${m.status}`},
                          label(MEMBER_STATUS_LABELS, m.status)),
                       noteNode(notes.get(m.finess))),
                    el('td', {'data-label': 'Depuis'}, formatDateTime(m.since)),
                    withActions ?
                        el('td', {class: 'row-actions'},
                           el('div', {class: 'actions'}, rowActions(app, grappe, state, m))) :
                        null))));
}

// "Établissement d'hébergement… (500)"; the code alone while its label is unknown.
function categoryText(names, code) {
  const text = names?.category(code);
  return text ? [text, ' ', el('span', {class: 'code'}, `(${code})`)] : code ?? '';
}

function editorsOf(presence, finess) {
  const editors = presence.filter((p) => p.status === 'editing' && p.focus === finess);
  if (!editors.length) return null;
  return el(
      'span', {class: 'editing', 'data-testid': 'row-editing'},
      `✎ ${editors.map((p) => p.name).join(', ')} modifie`);
}

function rowActions(app, grappe, state, m) {
  const key = `${grappe}:member:${m.finess}`;
  const slot = app.store.slot(key);
  if (slot?.pending) {
    return el(
        'span', {class: 'pending', 'data-testid': 'pending'},
        `${slot.label ?? 'Envoi'} en attente…`);
  }
  const buttons = [];
  const porteur = isPorteur(app.me, state);
  const manages = managesMember(app.me, m);
  const who = m.name ?? m.finess;
  // A repaint replacing the button (pending, done) leaves the focus on the row's heading.
  const act = (text, testid, handler, kind = null) => buttons.push(
      el('button', {
        type: 'button',
        class: kind,
        'data-key': `${testid}-${m.finess}`,
        'data-fallback': `member-${m.finess}`,
        'data-testid': `${testid}-${m.finess}`,
        'aria-label': `${text} — ${who}`,
        onclick: handler,
      },
         text));
  const run = async (name, payload, text) => {
    const ack = await app.run(key, grappe, name, {finess: m.finess, ...payload}, {label: text});
    if (ack && RECORDED[name]) app.store.setDone(key, {text: RECORDED[name], version: ack.version});
  };
  const withReason = async (title, required, name, text) => {
    app.conn.setPresence(grappe, 'editing', m.finess);
    const reason = await askText({
      title: `${title} — ${who}`,
      labelText: required ? 'Motif (obligatoire)' : 'Motif (facultatif)',
      required
    });
    app.conn.setPresence(grappe, 'viewing');
    if (reason !== null) run(name, reason ? {reason} : {}, text);
  };
  if (isOpen(state)) {
    if (porteur && m.status === 'invited') {
      act('Révoquer', 'revoke', () => run('RevokeInvitation', {}, 'Révocation'), 'secondary');
    }
    if (porteur && m.status === 'accepted') {
      act('Retirer', 'remove',
          () => withReason('Retirer de la grappe', true, 'RemoveMember', 'Retrait'),
          'secondary danger');
    }
    if (manages && m.status === 'invited') {
      act('Accepter', 'accept', () => run('AcceptInvitation', {}, 'Acceptation'));
      act('Décliner', 'decline',
          () => withReason('Décliner l’invitation', false, 'DeclineInvitation', 'Refus'),
          'secondary danger');
    }
    if (manages && !porteur && m.status === 'accepted') {
      act('Se retirer', 'withdraw',
          () => withReason('Se retirer de la grappe', true, 'WithdrawMembership', 'Retrait'),
          'secondary danger');
    }
  }
  const rejection = slot?.rejection ?
      el('p', {class: 'error', role: 'alert', 'data-testid': 'rejection'},
         rejectionText(slot.rejection), ' ',
         el('button', {type: 'button', class: 'link', onclick: () => app.store.clearSlot(key)},
            'OK')) :
      null;
  return [buttons, rejection, slot?.done ? doneNode(app, grappe, slot.done) : null];
}

// "Acceptation enregistrée (version V)" and the download of that event's receipt.
function doneNode(app, grappe, done) {
  if (!offers.has(done)) {
    offers.set(
        done,
        el('div', {class: 'ok receipt-done', 'data-testid': 'receipt-done'},
           `${done.text} (version ${done.version}). `, receiptButton(app, grappe, done.version)));
  }
  return offers.get(done);
}

// Others' presence ("✎ … modifie") only while this client is online: offline it may be stale.
export function renderMembers(root, app, grappe, entry) {
  const presence = app.store.connection.status === 'online' ? entry.presence : [];
  renderKeepingFocus(
      root,
      membersTable(
          entry.state.members ?? [],
          {app, grappe, state: entry.state, presence, notes: entry.memberEvents}));
}
