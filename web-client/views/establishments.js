// Establishments: for a gestionnaire, its own (one card per organisation) with their profile and
// the "Je cherche une grappe" toggle; for everyone, those looking for a grappe in a region.
import {establishmentPath} from '../api.js';
import {appendChildren, el, field} from '../lib/dom.js';
import {PUBLIC_LABELS, rejectionText} from '../lib/labels.js';
import {regionOptions} from '../lib/regions.js';
import {registryLine} from '../lib/registry.js';

import {profileLine} from './invite.js';

export function mountEstablishments(root, app) {
  const aborter = new AbortController();
  const own = el('div', {'data-testid': 'own-establishments'});
  const looking = el('div', {'data-testid': 'looking-list', 'aria-live': 'polite'});
  const region =
      el('select', {name: 'region', 'data-testid': 'looking-region'}, regionOptions(app.regions));
  region.onchange = () => loadLooking();
  const isGestionnaire = app.me.role === 'gestionnaire' && (app.me.og ?? []).length > 0;
  const registry = el('p', {class: 'hint registry-line', 'data-testid': 'registry-line'});
  appendChildren(root, [
    el('h1', null, 'Établissements'), registry,
    isGestionnaire ?
        el('section', {class: 'card', 'aria-labelledby': 'own-title'},
           el('h2', {id: 'own-title'}, 'Mes établissements'),
           el('p', {class: 'hint'},
              'Le profil (logiciel DUI, publics, recherche d’une grappe) aide les porteurs à ' +
                  'vous trouver.'),
           own) :
        null,
    el('section', {class: 'card', 'aria-labelledby': 'looking-title'},
       el('h2', {id: 'looking-title'}, 'Ils cherchent une grappe'), field('Région', region),
       looking)
  ]);

  async function loadOwn() {
    own.replaceChildren(el('p', {class: 'loading'}, 'Chargement…'));
    try {
      const lists = await Promise.all(
          (app.me.og ??
           []).map((ej) => app.api.get('/api/establishments', {ej, limit: 500}, aborter.signal)));
      const all = lists.flatMap((l) => l.establishments ?? []);
      if (!region.dataset.chosen && all.length) region.value = all[0].region;
      own.replaceChildren(
          all.length ?
              el('ul', {class: 'plain own-list'}, all.map((e) => ownItem(app, e, loadLooking))) :
              el('p', {class: 'empty'}, 'Aucun établissement pour vos organismes.'));
    } catch (e) {
      if (e.name !== 'AbortError') {
        own.replaceChildren(el('p', {class: 'error', role: 'alert'}, 'Lecture impossible.'));
      }
    }
  }

  async function loadLooking() {
    region.dataset.chosen = 'yes';
    try {
      const {establishments} = await app.api.get(
          '/api/establishments', {lookingForGrappe: true, region: region.value, limit: 500},
          aborter.signal);
      looking.replaceChildren(
          establishments.length ?
              el('ul', {class: 'plain results'}, establishments.map(lookingItem)) :
              el('p', {class: 'empty'},
                 'Aucun établissement de cette région ne cherche de grappe.'));
    } catch (e) {
      if (e.name !== 'AbortError') {
        looking.replaceChildren(el('p', {class: 'error', role: 'alert'}, 'Lecture impossible.'));
      }
    }
  }

  // Which registry the establishments come from: a line left empty (hidden) when unreadable.
  app.api.get('/api/registry', null, aborter.signal)
      .then((info) => {
        registry.textContent = registryLine(info);
      })
      .catch(() => {});
  if ((app.me.regions ?? []).length) region.value = app.me.regions[0];
  (isGestionnaire ? loadOwn() : Promise.resolve()).then(loadLooking);
  return () => aborter.abort();
}

function lookingItem(e) {
  return el(
      'li', {class: 'result', 'data-testid': `looking-${e.finess}`},
      el('div', null, el('strong', null, e.name), ` — ${e.finess}`),
      el('div', {class: 'meta'},
         `${e.categoryLabel || `Catégorie ${e.category}`} · ${e.commune} (${e.departement}) · ${
             e.ejName || `EJ ${e.ej}`}`),
      profileLine(e.profile));
}

// One of the user's establishments: the toggle, the profile, a form to edit it.
function ownItem(app, e, onSaved) {
  const summary = el('div');
  const error = el('p', {class: 'error', role: 'alert'});
  const toggle = el('input', {
    type: 'checkbox',
    'data-testid': `looking-toggle-${e.finess}`,
    checked: !!e.profile?.lookingForGrappe,
  });
  async function save(body) {
    error.textContent = '';
    try {
      const fresh = await app.api.put(`${establishmentPath(e.finess)}/profile`, body);
      e.profile = fresh.profile;
      toggle.checked = !!e.profile.lookingForGrappe;
      summary.replaceChildren(profileLine(e.profile) ?? '');
      app.announce(`Profil de ${e.name} enregistré.`);
      onSaved();
      return true;
    } catch (err) {
      error.textContent = rejectionText({code: err.code, message: err.message});
      toggle.checked = !!e.profile?.lookingForGrappe;
      return false;
    }
  }
  toggle.onchange = () => save({lookingForGrappe: toggle.checked});
  summary.replaceChildren(profileLine(e.profile) ?? '');
  return el(
      'li', {class: 'own', 'data-testid': `own-${e.finess}`},
      el('div', null, el('strong', null, e.name), ` — ${e.finess}`),
      el('div', {class: 'meta'},
         `${e.categoryLabel || `Catégorie ${e.category}`} · ${e.commune} (${e.departement})`),
      el('label', {class: 'toggle'}, toggle, ' Je cherche une grappe'), summary,
      profileEditor(e, save), error);
}

function profileEditor(e, save) {
  const vendor = el('input', {type: 'text', name: 'vendor', maxlength: 200});
  const software = el('input', {type: 'text', name: 'software', maxlength: 200});
  const note = el('textarea', {name: 'note', rows: 2, maxlength: 1000});
  const publics =
      Object.entries(PUBLIC_LABELS)
          .map(([code, text]) => ({code, box: el('input', {type: 'checkbox', value: code}), text}));
  const node =
      el('details', {class: 'editor'}, el('summary', null, 'Modifier le profil'),
         el('form', {
           onsubmit: async (ev) => {
             ev.preventDefault();
             const ok = await save({
               dui: {vendor: vendor.value.trim(), software: software.value.trim()},
               publics: publics.filter((p) => p.box.checked).map((p) => p.code),
               note: note.value.trim(),
             });
             if (ok) node.open = false;
           },
         },
            field('Éditeur du DUI actuel', vendor), field('Logiciel DUI actuel', software),
            el('fieldset', {class: 'publics'}, el('legend', null, 'Publics accueillis'),
               publics.map((p) => el('label', null, p.box, ` ${p.text}`))),
            field('Note pour les porteurs', note), el('button', {type: 'submit'}, 'Enregistrer')));
  node.addEventListener('toggle', () => {
    if (!node.open) return;
    vendor.value = e.profile?.dui?.vendor ?? '';
    software.value = e.profile?.dui?.software ?? '';
    note.value = e.profile?.note ?? '';
    for (const p of publics) p.box.checked = (e.profile?.publics ?? []).includes(p.code);
  });
  return node;
}
