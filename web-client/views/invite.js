// Inviting an establishment: search the registry as-you-type (name, commune or FINESS), see its
// category and whether it is already in another grappe of the same call, invite it.
import {establishmentPath} from '../api.js';
import {debounce, el, field, isClosed} from '../lib/dom.js';
import {frenchDate, label, MEMBER_STATUS_LABELS, PUBLIC_LABELS, rejectionText} from '../lib/labels.js';

const MIN_QUERY = 2;
const MAX_QUERY = 200;  // the server refuses longer searches (bad_request)
const LIMIT = 10;

export function createInvitePicker(app, grappe) {
  const input =
      el('input', {type: 'search', name: 'q', autocomplete: 'off', 'data-testid': 'invite-search'});
  const message = el('input', {type: 'text', name: 'message', maxlength: 1000});
  const results =
      el('ul', {class: 'results plain', 'data-testid': 'invite-results', 'aria-live': 'polite'});
  const status = el('p', {class: 'hint', role: 'status'});
  const details = new Map();  // finess → establishment with memberships (lazily fetched)
  let found = [];
  let aborter = null;

  const search = debounce(async () => {
    const q = input.value.trim();
    aborter?.abort();
    if (q.length < MIN_QUERY) {
      found = [];
      status.textContent = '';
      return paint();
    }
    if (q.length > MAX_QUERY) {
      found = [];
      status.textContent = `Recherche trop longue (${q.length} caractères) : ${
          MAX_QUERY} au plus. Un mot du nom, la commune ou le numéro FINESS suffit.`;
      return paint();
    }
    aborter = new AbortController();
    status.textContent = 'Recherche…';
    try {
      const answer = await app.api.get('/api/establishments', {q, limit: LIMIT}, aborter.signal);
      found = answer.establishments ?? [];
      status.textContent =
          found.length ? `${found.length} résultat(s)` : 'Aucun établissement trouvé.';
      paint();
      for (const e of found) loadDetails(e.finess, aborter.signal);
    } catch (e) {
      if (e.name !== 'AbortError') status.textContent = 'La recherche a échoué. Réessayez.';
    }
  }, 250);

  async function loadDetails(finess, signal) {
    if (details.has(finess)) return;
    try {
      details.set(finess, await app.api.get(establishmentPath(finess), null, signal));
      paint();
    } catch {
      // The list stays usable without the membership hint.
    }
  }

  // Results are repainted when details arrive or members change. A result that shows the same
  // keeps its node, and a changed one keeps its button: a click whose press and release straddle
  // a repaint still lands (a replaced button would swallow it).
  const shown = new Map();  // finess → {li, button, sig, buttonSig}
  function paint() {
    const state = app.store.grappes.get(grappe)?.state;
    const items = found.map((e) => {
      const item = resultItem(app, grappe, state, e, details.get(e.finess), message);
      const old = shown.get(e.finess);
      if (old && old.sig === item.sig) return old;
      if (old?.button && item.button && old.buttonSig === item.buttonSig) {
        item.button.replaceWith(old.button);
        item.button = old.button;
      }
      return item;
    });
    shown.clear();
    items.forEach((item, i) => shown.set(found[i].finess, item));
    const nodes = items.map((item) => item.li);
    const kids = results.children;
    if (nodes.length !== kids.length || nodes.some((n, i) => kids[i] !== n)) {
      results.replaceChildren(...nodes);
    }
  }

  input.addEventListener('input', search);
  input.addEventListener('focus', () => app.conn.setPresence(grappe, 'editing', 'invitation'));
  input.addEventListener('blur', () => app.conn.setPresence(grappe, 'viewing'));

  const node =
      el('section', {class: 'card invite', 'aria-labelledby': 'invite-title'},
         el('h2', {id: 'invite-title'}, 'Inviter un établissement'),
         field('Rechercher (nom, commune ou FINESS)', input, 'Au moins 2 caractères.'),
         field('Message joint à l’invitation (facultatif)', message), status, results);
  return {
    node,
    update: paint,
    dispose: () => {
      search.cancel();
      aborter?.abort();
    }
  };
}

// The establishment's profile in one line: its DUI, publics, whether it looks for a grappe.
export function profileLine(profile) {
  if (!profile) return null;
  const parts = [];
  if (profile.dui?.software) {
    parts.push(
        `DUI : ${profile.dui.software}${profile.dui.vendor ? ` (${profile.dui.vendor})` : ''}`);
  }
  if (profile.publics?.length) {
    parts.push(`Publics : ${profile.publics.map((p) => label(PUBLIC_LABELS, p)).join(', ')}`);
  }
  if (profile.lookingForGrappe) parts.push('Cherche une grappe');
  if (!parts.length && !profile.note) return null;
  return el(
      'div', {class: 'meta profile', 'data-testid': 'profile'}, parts.join(' · '),
      profile.note ? el('div', {class: 'note'}, profile.note) : null);
}

function resultItem(app, grappe, state, e, info, message) {
  const key = `${grappe}:invite:${e.finess}`;
  const slot = app.store.slot(key);
  const here = state?.members?.find((m) => m.finess === e.finess);
  const active = here && (here.status === 'invited' || here.status === 'accepted');
  const elsewhere = (info?.memberships ?? [])
                        .filter(
                            (m) => m.grappe !== grappe && m.call === state?.call &&
                                (m.status === 'accepted' || m.status === 'invited'));
  // Closed in the registry (when the server gives `closedOn`): the server refuses the invitation.
  const closedOn = e.closedOn ?? info?.closedOn;
  const closed = isClosed(closedOn);
  const notes = [];
  if (closed) notes.push(`Fermé au répertoire FINESS depuis le ${frenchDate(closedOn)}`);
  if (active) notes.push(`Déjà dans cette grappe (${label(MEMBER_STATUS_LABELS, here.status)})`);
  if (elsewhere.some((m) => m.status === 'accepted')) {
    notes.push('Déjà membre d’une autre grappe de cet appel');
  } else if (elsewhere.length) {
    notes.push('Invité dans une autre grappe de cet appel');
  }
  if (!notes.length && info) notes.push('Disponible');
  const note = notes.join(' · ');
  const invite = () => {
    const payload = {finess: e.finess};
    if (message.value.trim()) payload.message = message.value.trim();
    app.run(key, grappe, 'InviteEstablishment', payload, {label: 'Invitation'});
  };
  const button = slot?.pending ? null :
                                 el('button', {
                                   type: 'button',
                                   'data-testid': `invite-${e.finess}`,
                                   'aria-label': `Inviter ${e.name}`,
                                   disabled: active || closed,
                                   onclick: invite,
                                 },
                                    'Inviter');
  const buttonSig = JSON.stringify([e.finess, e.name, Boolean(active), closed]);
  const noteClass = elsewhere.length || closed ? 'warning' : 'meta';
  const sig = JSON.stringify([
    buttonSig, e.category, e.categoryLabel, e.commune, e.departement, e.ej, e.profile ?? null, note,
    elsewhere.length > 0, Boolean(slot?.pending), slot?.rejection ?? null
  ]);
  const li = el(
      'li', {class: 'result', 'data-testid': `result-${e.finess}`},
      el('div', null, el('strong', null, e.name), ` — ${e.finess}`),
      el('div', {class: 'meta'},
         `${e.categoryLabel ? `${e.categoryLabel} (${e.category})` : `Catégorie ${e.category}`}` +
             ` · ${e.commune ?? ''} (${e.departement}) · EJ ${e.ej}`),
      profileLine(e.profile),
      note ? el('div', {class: noteClass, 'data-testid': 'availability'}, note) : null,
      button ?? el('span', {class: 'pending'}, 'Invitation en attente…'),
      slot?.rejection ? el('p', {class: 'error', role: 'alert'}, rejectionText(slot.rejection)) :
                        null);
  return {li, button, sig, buttonSig};
}
