// "Partenaires possibles": the server's suggestions for the grappe (PROTOCOL.md "Finding
// partners"), each with its score's reasons and a one-click invitation. Read again when the
// members or the DUI change, and when the server announces a profile update (`profile`).
import {grappePath} from '../api.js';
import {debounce, el} from '../lib/dom.js';
import {AVAILABILITY_LABELS, label, rejectionText} from '../lib/labels.js';

const LIMIT = 20;

export function createPartnersPanel(app, grappe) {
  const list = el('ul', {class: 'suggestions plain', 'data-testid': 'suggestions'});
  const status = el('p', {class: 'hint', role: 'status', 'data-testid': 'suggestions-status'});
  let suggestions = [];
  let aborter = null;
  let loaded = 0;  // loads completed, exposed for tests as data-loads
  let seen = null;

  const load = debounce(async () => {
    aborter?.abort();
    aborter = new AbortController();
    try {
      const answer =
          await app.api.get(`${grappePath(grappe)}/suggestions`, {limit: LIMIT}, aborter.signal);
      suggestions = answer.suggestions ?? [];
      status.textContent = suggestions.length ? '' : 'Aucun partenaire à proposer pour le moment.';
      loaded += 1;
      node.dataset.loads = String(loaded);
      paint();
    } catch (e) {
      if (e.name !== 'AbortError') status.textContent = 'Les suggestions n’ont pas pu être lues.';
    }
  }, 150);

  function paint() {
    const state = app.store.grappes.get(grappe)?.state;
    list.replaceChildren(...suggestions.map((s) => item(app, grappe, state, s)));
  }

  const off = app.store.listen((change) => {
    if (change.kind === 'profile') load();
  });

  const node =
      el('section',
         {class: 'card partners', 'aria-labelledby': 'partners-title', 'data-testid': 'partners'},
         el('h2', {id: 'partners-title'}, 'Partenaires possibles'),
         el('p', {class: 'hint'},
            'Établissements proches de la grappe par le territoire, le logiciel DUI ou le public,' +
                ' ceux qui cherchent une grappe en premier.'),
         status, list);
  return {
    node,
    // Reads the suggestions again when what they depend on changed; repaints otherwise.
    update(state) {
      const deps = [state.members, state.dui];
      if (!seen || deps.some((d, i) => d !== seen[i])) load();
      seen = deps;
      paint();
    },
    dispose() {
      off();
      load.cancel();
      aborter?.abort();
    },
  };
}

function item(app, grappe, state, s) {
  const key = `${grappe}:invite:${s.finess}`;
  const slot = app.store.slot(key);
  const here = state?.members?.find((m) => m.finess === s.finess);
  const active = here && (here.status === 'invited' || here.status === 'accepted');
  const invite = () =>
      app.run(key, grappe, 'InviteEstablishment', {finess: s.finess}, {label: 'Invitation'});
  return el(
      'li', {class: 'suggestion', 'data-testid': `suggestion-${s.finess}`},
      el('div', {class: 'suggestion-head'}, el('strong', null, s.name), ` — ${s.finess}`,
         el('span', {class: 'badge score', title: 'Score'}, `${s.score} pts`),
         s.lookingForGrappe ? el('span', {class: 'badge looking'}, 'Cherche une grappe') : null),
      el('div', {class: 'meta'},
         `${s.categoryLabel || `Catégorie ${s.category}`} · ${s.commune ?? ''} (${
             s.departement}) · EJ ${s.ejName || s.ej}`),
      el('ul', {class: 'reasons plain', 'data-testid': 'reasons'},
         (s.reasons ?? []).map((r) => el('li', {class: 'reason'}, r))),
      s.availability !== 'free' ? el('div', {class: 'warning', 'data-testid': 'availability'},
                                     label(AVAILABILITY_LABELS, s.availability)) :
                                  null,
      slot?.pending ? el('span', {class: 'pending'}, 'Invitation en attente…') :
                      el('button', {
                        type: 'button',
                        'data-testid': `suggest-invite-${s.finess}`,
                        'aria-label': `Inviter ${s.name}`,
                        disabled: active || s.availability === 'member_elsewhere',
                        onclick: invite,
                      },
                         active ? 'Invité' : 'Inviter'),
      slot?.rejection ? el('p', {class: 'error', role: 'alert'}, rejectionText(slot.rejection)) :
                        null);
}
