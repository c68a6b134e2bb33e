// The grappes the user may read: filters, counts, progress towards the threshold; creation.
import {el, field} from '../lib/dom.js';
import {GRAPPE_STATUS_LABELS, label} from '../lib/labels.js';
import {canCreate} from '../lib/permissions.js';
import {regionOptions} from '../lib/regions.js';

import {createForm} from './create.js';

export function mountGrappes(root, app) {
  const list =
      el('div', {'data-testid': 'grappes-list', 'aria-live': 'polite', 'aria-busy': 'true'});
  const filters = {call: '', region: '', status: ''};
  let aborter = null;

  async function load() {
    aborter?.abort();
    aborter = new AbortController();
    list.setAttribute('aria-busy', 'true');
    try {
      const {grappes} = await app.api.get('/api/grappes', filters, aborter.signal);
      list.replaceChildren(renderList(grappes, app.regions));
      list.setAttribute('aria-busy', 'false');
    } catch (e) {
      if (e.name === 'AbortError') return;
      list.replaceChildren(el(
          'p', {class: 'error', role: 'alert'}, 'Impossible de charger les grappes. Réessayez.'));
      list.setAttribute('aria-busy', 'false');
    }
  }

  root.append(
      el('h1', null, 'Grappes'), filterForm(filters, load, app.regions),
      canCreate(app.me) ? createForm(app) : null, list);
  list.append(el('p', {class: 'loading'}, 'Chargement…'));
  load();
  return () => aborter?.abort();
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

function renderList(grappes, regions) {
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
                    `Appel ${g.call} · ${regions.name(g.region)} · porteur ${g.porteur} · `,
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
