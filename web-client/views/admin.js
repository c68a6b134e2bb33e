// Administration: the read models (projections) with their lag and a rebuild button, the
// registry of establishments (views/registry.js), and users.
import {el} from '../lib/dom.js';
import {label, ROLE_LABELS} from '../lib/labels.js';

import {registrySection} from './registry.js';

const POLL_MS = 1000;

export function mountAdmin(root, app) {
  const projections =
      el('div', {'data-testid': 'projections', 'aria-live': 'polite'},
         el('p', {class: 'loading'}, 'Chargement…'));
  const users = el('div', {'data-testid': 'users'}, el('p', {class: 'loading'}, 'Chargement…'));
  const notice = el('p', {role: 'status', 'data-testid': 'projections-notice'});
  let timer = null;
  let alive = true;
  let watching = null;  // the projection whose rebuild this page asked for

  async function loadProjections() {
    try {
      const r = await app.api.get('/api/admin/projections');
      const list = r.projections ?? [];
      projections.replaceChildren(projectionsTable(list, rebuild));
      const watched = list.find((p) => p.name === watching);
      if (watched && watched.status !== 'rebuilding') {
        notice.textContent =
            `Reconstruction de ${watching} terminée : à jour à la position ${watched.position}.`;
        watching = null;
      }
      if (alive && list.some((p) => p.status === 'rebuilding'))
        timer = setTimeout(loadProjections, POLL_MS);
    } catch (e) {
      projections.replaceChildren(
          el('p', {class: 'warning', 'data-testid': 'projections-unavailable'},
             e.status === 404 ?
                 'Indisponible : ce serveur ne propose pas encore la gestion des projections.' :
                 'Impossible de lire les projections.'));
    }
  }

  async function rebuild(name) {
    notice.textContent = `Reconstruction de ${name} demandée…`;
    try {
      await app.api.post(`/api/admin/projections/${encodeURIComponent(name)}/rebuild`, {});
      notice.textContent = `Reconstruction de ${name} en cours…`;
      watching = name;
    } catch (e) {
      notice.textContent =
          e.status === 404 ? 'Indisponible sur ce serveur.' : `Refusé : ${e.message}`;
    }
    clearTimeout(timer);
    loadProjections();
  }

  let userList = null;  // drawn again when organisation names arrive
  const off = app.store.listen((change) => {
    if (change.kind === 'names' && userList) users.replaceChildren(usersTable(userList, app));
  });

  async function loadUsers() {
    try {
      const r = await app.api.get('/api/admin/users');
      userList = r.users ?? [];
      users.replaceChildren(usersTable(userList, app));
    } catch (e) {
      users.replaceChildren(
          el('p', {class: 'warning'},
             e.status === 404 ? 'Indisponible sur ce serveur.' :
                                'Impossible de lire les utilisateurs.'));
    }
  }

  const registry = registrySection(app);
  root.append(
      el('h1', null, 'Administration'),
      el('section', {class: 'card', 'aria-labelledby': 'proj-title'},
         el('h2', {id: 'proj-title'}, 'Projections (modèles de lecture)'), notice, projections),
      registry.node,
      el('section', {class: 'card', 'aria-labelledby': 'users-title'},
         el('h2', {id: 'users-title'}, 'Utilisateurs'), users));
  loadProjections();
  loadUsers();
  return () => {
    off();
    registry.stop();
    alive = false;
    clearTimeout(timer);
  };
}

const fraction = (p) => (p > 1 ? p / 100 : p ?? 0);

function projectionsTable(list, rebuild) {
  if (!list.length) return el('p', {class: 'empty'}, 'Aucune projection.');
  return el(
      'table', {class: 'stacked'},
      el('thead', null,
         el('tr', null,
            ['Nom', 'Position', 'Retard', 'État', ''].map((h) => el('th', {scope: 'col'}, h)))),
      el('tbody', null,
         list.map(
             (p) =>
                 el('tr', {'data-testid': `projection-${p.name}`}, el('th', {scope: 'row'}, p.name),
                    el('td', {'data-label': 'Position'}, String(p.position)),
                    el('td', {'data-label': 'Retard'},
                       p.lag === 1 ? '1 événement' : `${p.lag} événements`),
                    el('td', {'data-label': 'État'},
                       p.status === 'rebuilding' ?
                           [
                             el('progress', {
                               max: 1,
                               value: fraction(p.progress),
                               'aria-label': `Reconstruction de ${p.name}`
                             }),
                             ` ${Math.round(fraction(p.progress) * 100)} %`
                           ] :
                           'À jour'),
                    el('td', null,
                       el('button',
                          {
                            type: 'button',
                            disabled: p.status === 'rebuilding',
                            onclick: () => rebuild(p.name)
                          },
                          'Reconstruire'))))));
}

function usersTable(list, {names, regions}) {
  return el(
      'table', {class: 'stacked'},
      el('thead', null,
         el('tr', null,
            ['Identifiant', 'Nom', 'Rôle', 'OG', 'Régions'].map(
                (h) => el('th', {scope: 'col'}, h)))),
      el('tbody', null,
         list.map(
             (u) =>
                 el('tr', {'data-testid': `user-${u.id}`},
                    el('td', {'data-label': 'Identifiant'}, u.id),
                    el('td', {'data-label': 'Nom'}, u.name),
                    el('td', {'data-label': 'Rôle'}, label(ROLE_LABELS, u.role)),
                    el('td', {'data-label': 'OG'},
                       (u.og ?? []).map((ej) => names.organisation(ej)).join(', ')),
                    el('td', {'data-label': 'Régions'},
                       (u.regions ?? []).map((r) => regions.name(r)).join(', '))))));
}
