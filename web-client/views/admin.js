// Administration: the read models (projections) with their lag and a rebuild button, the
// registry of establishments (views/registry.js), users (views/users.js) and an online backup.
import {el} from '../lib/dom.js';
import {rejectionText} from '../lib/labels.js';

import {registrySection} from './registry.js';
import {usersSection} from './users.js';

const POLL_MS = 1000;

export function mountAdmin(root, app) {
  const projections =
      el('div', {'data-testid': 'projections', 'aria-live': 'polite'},
         el('p', {class: 'loading'}, 'Chargement…'));
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

  const registry = registrySection(app);
  const users = usersSection(app);
  root.append(
      el('h1', null, 'Administration'),
      el('section', {class: 'card', 'aria-labelledby': 'proj-title'},
         el('h2', {id: 'proj-title'}, 'Projections (modèles de lecture)'), notice, projections),
      registry.node, users.node, backupSection(app));
  loadProjections();
  return () => {
    users.stop();
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
            ['Nom', 'Position', 'Retard', 'État', 'Action'].map(
                (h) => el('th', {scope: 'col'}, h)))),
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

// « Sauvegarder maintenant »: an online copy of the data folder (POST /api/admin/backup), and
// where it went, or why it failed.
function backupSection(app) {
  const result = el('div', {'aria-live': 'polite', 'data-testid': 'backup-result'});
  const button =
      el('button', {type: 'button', 'data-testid': 'backup-now'}, 'Sauvegarder maintenant');
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(el('p', {class: 'loading'}, 'Sauvegarde en cours…'));
    try {
      const done = await app.api.post('/api/admin/backup', {});
      result.replaceChildren(
          el('p', {class: 'ok'}, `Sauvegarde terminée à la position ${done.position} du journal.`),
          el('p', null,
             'Dossier sur le serveur : ', el('code', {'data-testid': 'backup-path'}, done.path)),
          el('p', {class: 'hint'}, 'Pour la restaurer, serveur arrêté : ',
             el('code', null, `./tools/admin restore --from ${done.path}`)));
    } catch (e) {
      result.replaceChildren(
          el('p', {class: 'error', role: 'alert', 'data-testid': 'backup-error'},
             `Sauvegarde impossible. ${rejectionText(e)}`));
    }
    button.disabled = false;
  });
  return el(
      'section', {class: 'card', 'aria-labelledby': 'backup-title'},
      el('h2', {id: 'backup-title'}, 'Sauvegarde'),
      el('p', {class: 'hint'},
         'Une copie cohérente du journal et des modèles de lecture, prise sans arrêter le ' +
             'serveur, dans le dossier des sauvegardes à côté du dossier de données.'),
      button, result);
}
