// Above the grappe list: « À traiter » (the items whose `todo` the server counted for this user:
// invitations awaiting a gestionnaire's answer, submitted dossiers awaiting an ARS decision) and
// the ARS dashboard (grappes by status, and by département of their members, in its regions).
import {el, renderKeepingFocus} from '../lib/dom.js';
import {GRAPPE_STATUS_LABELS} from '../lib/labels.js';

const STATUSES = Object.keys(GRAPPE_STATUS_LABELS);

// Fills `section`; false when the user's role has nothing to answer (the section stays hidden).
export function renderTodo(section, grappes, {me}) {
  if (me.role !== 'gestionnaire' && me.role !== 'ars') return false;
  const waiting = grappes.filter((g) => (g.todo ?? 0) > 0);
  const total = waiting.reduce((n, g) => n + g.todo, 0);
  renderKeepingFocus(
      section,
      el('h2', {id: 'todo-title'}, 'À traiter ',
         el('span', {class: 'badge inbox', 'data-testid': 'todo-count'}, String(total))),
      waiting.length ?
          el('ul', {class: 'plain todo-list', 'data-testid': 'todo-list'},
             waiting.map(
                 (g) =>
                     el('li', {'data-testid': `todo-${g.id}`},
                        el('a',
                           {href: `#/grappe/${encodeURIComponent(g.id)}`, 'data-key': `t-${g.id}`},
                           g.name),
                        ' — ', reason(me, g)))) :
          el('p', {class: 'empty', 'data-testid': 'todo-empty'}, 'Rien à traiter pour le moment.'));
  return true;
}

function reason(me, g) {
  if (me.role === 'ars') return 'dossier déposé : votre décision est attendue';
  return g.todo === 1 ? 'une invitation attend votre réponse' :
                        `${g.todo} invitations attendent votre réponse`;
}

// The ARS agent's regions: how many grappes in each status, and in each of their départements
// (a grappe counts in every département where it has an invited or accepted member).
export function renderDashboard(section, grappes, {me, regions}) {
  const departements = regions.list.filter((r) => (me.regions ?? []).includes(r.code))
                           .flatMap((r) => r.departements);
  section.replaceChildren(
      el('h2', {id: 'dashboard-title'}, 'Tableau de bord de vos régions'),
      el('div', {class: 'dashboard-tables'}, statusTable(grappes),
         el('div', {class: 'table-scroll'}, departementTable(grappes, departements))));
}

const count = (list, status) => list.filter((g) => g.status === status).length;
const head = (...cells) =>
    el('thead', null, el('tr', null, cells.map((c) => el('th', {scope: 'col'}, c))));

function statusTable(grappes) {
  const rows = STATUSES.map(
      (s) =>
          el('tr', {'data-testid': `dash-status-${s}`},
             el('th', {scope: 'row'}, GRAPPE_STATUS_LABELS[s]),
             el('td', null, String(count(grappes, s)))));
  return el(
      'table', {class: 'dash', 'data-testid': 'dashboard-status'},
      el('caption', null, 'Grappes par statut'), head('Statut', 'Grappes'),
      el('tbody', null, rows));
}

function departementTable(grappes, departements) {
  const rows = departements.map((d) => {
    const here = grappes.filter(
        (g) => (g.departements ?? []).some((code) => code === d.code || code === d.finessCode));
    return el(
        'tr', {'data-testid': `dash-dept-${d.code}`},
        el('th', {scope: 'row'}, `${d.name} (${d.code})`), el('td', null, String(here.length)),
        STATUSES.map((s) => el('td', null, String(count(here, s)))));
  });
  return el(
      'table', {class: 'dash', 'data-testid': 'dashboard-departements'},
      el('caption', null, 'Grappes par département de leurs membres'),
      head('Département', 'Toutes', ...STATUSES.map((s) => GRAPPE_STATUS_LABELS[s])),
      el('tbody', null, rows));
}
