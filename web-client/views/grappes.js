// The grappes the user may read, live (the store's list, state.js): what awaits the user first,
// the ARS dashboard, filters and a search by name, counts, progress towards the threshold;
// creation.
import {callOptions} from '../lib/calls.js';
import {appendChildren, el, field, renderKeepingFocus} from '../lib/dom.js';
import {GRAPPE_STATUS_LABELS, label} from '../lib/labels.js';
import {canCreate} from '../lib/permissions.js';
import {regionOptions} from '../lib/regions.js';

import {createForm} from './create.js';
import {renderDashboard, renderTodo} from './todo.js';

export function mountGrappes(root, app) {
  const {store} = app;
  const list =
      el('div', {'data-testid': 'grappes-list', 'aria-live': 'polite', 'aria-busy': 'true'});
  const todo = el('section', {class: 'todo', 'aria-labelledby': 'todo-title', hidden: true});
  const dashboard = el('section', {class: 'dashboard', 'aria-labelledby': 'dashboard-title'});
  const filters = {call: '', region: '', status: '', name: ''};
  const create = canCreate(app.me) ? createForm(app) : null;
  const aborter = new AbortController();
  let frame = 0;

  function paint() {
    frame = 0;
    if (!store.list) return;
    const all = [...store.list.values()].sort(byName);
    list.setAttribute('aria-busy', 'false');
    renderKeepingFocus(list, renderList(all.filter((g) => matches(g, filters)), app));
    todo.hidden = !renderTodo(todo, all, app);
    if (app.me.role === 'ars') renderDashboard(dashboard, all, app);
  }
  // Several changes in a burst are drawn once.
  const schedule = () => frame ||= requestAnimationFrame(paint);

  // Before the WebSocket's first list (connecting, or offline), the list is read over HTTP.
  async function readOnce() {
    try {
      const {grappes} = await app.api.get('/api/grappes', {}, aborter.signal);
      if (!store.list) store.setList(grappes);
    } catch (e) {
      if (e.name === 'AbortError' || store.list) return;
      list.replaceChildren(el(
          'p', {class: 'error', role: 'alert'}, 'Impossible de charger les grappes. Réessayez.'));
      list.setAttribute('aria-busy', 'false');
    }
  }

  // appendChildren skips null: a role that may not create gets no form (nor the word "null").
  appendChildren(root, [
    el('h1', null, 'Grappes'), todo, app.me.role === 'ars' ? dashboard : null,
    filterForm(filters, schedule, app), create?.node, list
  ]);
  list.append(el('p', {class: 'loading'}, 'Chargement…'));
  if (store.list) {
    paint();
  } else {
    readOnce();
  }
  const off = store.listen((change) => {
    if (change.kind === 'list' || change.kind === 'names') schedule();
    if (change.kind === 'names') create?.refresh();
  });
  return () => {
    off();
    aborter.abort();
    cancelAnimationFrame(frame);
  };
}

const byName = (a, b) => a.name.localeCompare(b.name, 'fr') || (a.id < b.id ? -1 : 1);

// Letters without accents or case, for the search by name.
export const fold = (text) =>
    String(text ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function matches(g, {call, region, status, name}) {
  return (!call || g.call === call) && (!region || g.region === region) &&
      (!status || g.status === status) && (!name || fold(g.name).includes(fold(name)));
}

function filterForm(filters, repaint, {regions, calls}) {
  const name = el('input', {type: 'search', name: 'name', autocomplete: 'off'});
  // The calls by label; their ids to type when the calls could not be read.
  const call = calls.loaded ?
      el('select', {name: 'call'}, el('option', {value: ''}, 'Tous'), callOptions(calls)) :
      el('input', {type: 'text', name: 'call', placeholder: 'ex. default'});
  const region =
      el('select', {name: 'region'}, el('option', {value: ''}, 'Toutes'), regionOptions(regions));
  const status =
      el('select', {name: 'status'}, el('option', {value: ''}, 'Tous'),
         Object.entries(GRAPPE_STATUS_LABELS).map(([code,
                                                    text]) => el('option', {value: code}, text)));
  const apply = (e) => {
    e?.preventDefault();
    Object.assign(filters, {
      call: call.value.trim(),
      region: region.value,
      status: status.value,
      name: name.value.trim()
    });
    repaint();
  };
  name.oninput = apply;
  region.onchange = apply;
  if (calls.loaded) call.onchange = apply;
  status.onchange = apply;
  return el(
      'form',
      {class: 'filters', role: 'search', 'aria-label': 'Filtrer les grappes', onsubmit: apply},
      field('Rechercher par nom', name), field('Appel à projets', call), field('Région', region),
      field('Statut', status), el('button', {type: 'submit'}, 'Filtrer'));
}

function renderList(grappes, {regions, names, calls}) {
  if (!grappes.length) return el('p', {class: 'empty'}, 'Aucune grappe ne correspond.');
  return el(
      'ul', {class: 'grappe-cards plain'},
      grappes.map(
          (g) =>
              el('li', {
                class: 'card grappe-card',
                'data-testid': `grappe-card-${g.id}`,
              },
                 el('h2', null,
                    el('a', {href: `#/grappe/${encodeURIComponent(g.id)}`, 'data-key': `g-${g.id}`},
                       g.name)),
                 el('p', {class: 'meta'},
                    `${calls.named(g.call)} · ${regions.name(g.region)} · porteur ${
                        names.organisation(g.porteur)} · `,
                    el('span', {class: `badge status-${g.status}`, 'data-testid': 'grappe-status'},
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
