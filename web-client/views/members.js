// The members table: one row per establishment, with the actions the user's role allows on it,
// each shown pending until its ack and with its rejection beside it.
import {askText} from '../lib/dialog.js';
import {el, formatDateTime, renderKeepingFocus} from '../lib/dom.js';
import {label, MEMBER_STATUS_LABELS, rejectionText} from '../lib/labels.js';
import {isOpen, isPorteur, managesMember} from '../lib/permissions.js';

const STATUS_ORDER = ['accepted', 'invited', 'declined', 'withdrawn', 'removed', 'revoked'];

export function sortedMembers(members) {
  return [...members].sort(
      (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
          String(a.name).localeCompare(String(b.name), 'fr'));
}

// Read-only when `app` is null (time travel).
export function membersTable(
    members, {app = null, grappe = null, state = null, presence = []} = {}) {
  if (!members.length) {
    return el(
        'p', {class: 'empty', 'data-testid': 'members-empty'},
        'Aucun établissement pour le moment.');
  }
  const withActions = !!app;
  return el(
      'table', {class: 'members', 'data-testid': 'members'},
      el('caption', {class: 'visually-hidden'}, 'Établissements de la grappe'),
      el('thead', null,
         el('tr', null,
            ['Établissement', 'EJ', 'Catégorie', 'Dépt', 'Statut', 'Depuis'].map(
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
                    el('th', {scope: 'row'}, el('span', {class: 'name'}, m.name ?? m.finess),
                       el('span', {class: 'finess'}, m.finess), editorsOf(presence, m.finess)),
                    el('td', null, m.ej ?? ''), el('td', null, m.category ?? ''),
                    el('td', null, m.departement ?? ''),
                    el('td', {'data-testid': 'member-status'},
                       el('span', {class: `badge member-${m.status}`},
                          label(MEMBER_STATUS_LABELS, m.status))),
                    el('td', null, formatDateTime(m.since)),
                    withActions ?
                        el('td', null,
                           el('div', {class: 'actions'}, rowActions(app, grappe, state, m))) :
                        null))));
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
  const act = (text, testid, handler) => buttons.push(
      el('button', {
        type: 'button',
        'data-key': `${testid}-${m.finess}`,
        'data-testid': `${testid}-${m.finess}`,
        'aria-label': `${text} — ${who}`,
        onclick: handler,
      },
         text));
  const run = (name, payload, text) =>
      app.run(key, grappe, name, {finess: m.finess, ...payload}, {label: text});
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
      act('Révoquer', 'revoke', () => run('RevokeInvitation', {}, 'Révocation'));
    }
    if (porteur && m.status === 'accepted') {
      act('Retirer', 'remove',
          () => withReason('Retirer de la grappe', true, 'RemoveMember', 'Retrait'));
    }
    if (manages && m.status === 'invited') {
      act('Accepter', 'accept', () => run('AcceptInvitation', {}, 'Acceptation'));
      act('Décliner', 'decline',
          () => withReason('Décliner l’invitation', false, 'DeclineInvitation', 'Refus'));
    }
    if (manages && !porteur && m.status === 'accepted') {
      act('Se retirer', 'withdraw',
          () => withReason('Se retirer de la grappe', true, 'WithdrawMembership', 'Retrait'));
    }
  }
  const rejection = slot?.rejection ?
      el('p', {class: 'error', role: 'alert', 'data-testid': 'rejection'},
         rejectionText(slot.rejection), ' ',
         el('button', {type: 'button', class: 'link', onclick: () => app.store.clearSlot(key)},
            'OK')) :
      null;
  return [buttons, rejection];
}

export function renderMembers(root, app, grappe, entry) {
  renderKeepingFocus(
      root,
      membersTable(
          entry.state.members ?? [], {app, grappe, state: entry.state, presence: entry.presence}));
}
