// The grappes the user may read: filters, counts, progress towards the threshold; creation.
import {appendChildren, el, field} from '../lib/dom.js';
import {GRAPPE_STATUS_LABELS, label} from '../lib/labels.js';
import {canCreate} from '../lib/permissions.js';
import {regionOptions} from '../lib/regions.js';

import {createForm} from './create.js';

export function mountGrappes(root, app) {
  const list =
      el('div', {'data-testid': 'grappes-list', 'aria-live': 'polite', 'aria-busy': 'true'});
  const filters = {call: '', region: '', status: ''};
  let aborter = null;
  let shown = null;  // the last list read, drawn again when organisation names arrive
  const create = canCreate(app.me) ? createForm(app) : null;
  const paint = () => list.replaceChildren(renderList(shown, app));

  async function load() {
    aborter?.abort();
    aborter = new AbortController();
    list.setAttribute('aria-busy', 'true');
    try {
      const {grappes} = await app.api.get('/api/grappes', filters, aborter.signal);
      shown = grappes;
      paint();
      list.setAttribute('aria-busy', 'false');
    } catch (e) {
      if (e.name === 'AbortError') return;
      list.replaceChildren(el(
          'p', {class: 'error', role: 'alert'}, 'Impossible de charger les grappes. Réessayez.'));
      list.setAttribute('aria-busy', 'false');
    }
  }

  // appendChildren skips null: a role that may not create gets no form (nor the word "null").
  appendChildren(
      root,
      [el('h1', null, 'Grappes'), filterForm(filters, load, app.regions), create?.node, list]);
  list.append(el('p', {class: 'loading'}, 'Chargement…'));
  load();
  const off = app.store.listen((change) => {
    if (change.kind !== 'names') return;
    if (shown) paint();
    create?.refresh();
  });
  return () => {
    off();
    aborter?.abort();
  };
}

function filterForm(filters, load, regions) {
  const call = el('input', {type: 'text', name: 'call', placeholder: 'ex. default'});
  const region =
      el('select', {name: 'region'}, el('option', {value: ''}, 'Toutes'), regionOptions(regions));
  const status =
      el('select', {name: 'status'}, el('option', {value: ''}, 'Tous'),
         Object.entries(GRAPPE_STATUS_LABELS).map(([code,
                                                    text]) => el('option', {value: code}, text)));
  const apply = (e) => {
    e?.preventDefault();
    Object.assign(filters, {call: call.value.trim(), region: region.value, status: status.value});
    load();
  };
  region.onchange = apply;
  status.onchange = apply;
  return el(
      'form',
      {class: 'filters', role: 'search', 'aria-label': 'Filtrer les grappes', onsubmit: apply},
      field('Appel à projets', call), field('Région', region), field('Statut', status),
      el('button', {type: 'submit'}, 'Filtrer'));
}

function renderList(grappes, {regions, names}) {
  if (!grappes.length) return el('p', {class: 'empty'}, 'Aucune grappe ne correspond.');
  return el(
      'ul', {class: 'grappe-cards plain'},
      grappes.map(
          (g) =>
              el('li', {
                class: 'card grappe-card',
                'data-testid': `grappe-card-${g.id}`,
              },
                 el('h2', null, el('a', {href: `#/grappe/${encodeURIComponent(g.id)}`}, g.name)),
                 el('p', {class: 'meta'},
                    `Appel ${g.call} · ${regions.name(g.region)} · porteur ${
                        names.organisation(g.porteur)} · `,
                    el('span', {class: `badge status-${g.status}`},
                       label(GRAPPE_STATUS_LABELS, g.status))),
                 progress(g.counts?.accepted ?? 0, g.threshold), countsLine(g.counts ?? {}))));
}

export function progress(accepted, threshold) {
  const max = Math.max(threshold || 1, accepted);
  return el(
      'div', {class: 'progress-line'},
      el('progress', {max, value: accepted, 'aria-label': 'Membres acceptés par rapport au seuil'}),
      el('span', {'data-testid': 'accepted-count'}, `${accepted} / ${threshold} membres`));
}

function countsLine(c) {
  return el(
      'p', {class: 'counts'},
      `Invités ${c.invited ?? 0} · acceptés ${c.accepted ?? 0} · déclinés ${c.declined ?? 0}` +
          ` · retirés ${(c.withdrawn ?? 0) + (c.removed ?? 0)}`);
}
