// Administration: the users. A form creates one (PUT /api/admin/users/{id}; the server answers the
// new user's token once, shown here in a dialog with a copy button) or edits one chosen in the
// list; « Révoquer » (DELETE /api/admin/users/{id}, after a confirmation) refuses its token from
// then on and closes its sessions.
import {confirmAction, showSecret} from '../lib/dialog.js';
import {el, field, focusAgain, renderKeepingFocus} from '../lib/dom.js';
import {label, rejectionText, ROLE_LABELS} from '../lib/labels.js';
import {checkUser, splitList} from '../lib/user_checks.js';

const userPath = (id) => `/api/admin/users/${encodeURIComponent(id)}`;

// The section and a function to call when the page goes, for mountAdmin.
export function usersSection(app) {
  const list = el('div', {'data-testid': 'users'}, el('p', {class: 'loading'}, 'Chargement…'));
  const notice = el('p', {role: 'status', 'data-testid': 'users-notice'});
  const form = userForm(app, {save, cancel: () => focusRow(form.edit(null))});
  // Focus on the row's « Modifier » button (after a dialog or the form closed).
  const focusRow = (id) => focusAgain(list.querySelector(`[data-key="edit-${CSS.escape(id)}"]`));
  let users = null;

  function paint() {
    if (users) renderKeepingFocus(list, usersTable(users, app, {edit: startEdit, revoke}));
  }
  const off = app.store.listen((change) => {
    if (change.kind === 'names') paint();
  });

  async function load() {
    try {
      users = (await app.api.get('/api/admin/users')).users ?? [];
      paint();
      form.known(users);
    } catch (e) {
      list.replaceChildren(
          el('p', {class: 'warning'},
             e.status === 404 ? 'Indisponible sur ce serveur.' :
                                'Impossible de lire les utilisateurs.'));
    }
  }

  function startEdit(user) {
    notice.textContent = '';
    form.edit(user);
  }

  // Resolves with an error text for the form, or null once saved.
  async function save(user, creating) {
    let answer;
    try {
      answer = await app.api.put(userPath(user.id), user);
    } catch (e) {
      return `Enregistrement refusé. ${rejectionText(e)}`;
    }
    await load();
    form.edit(null);
    if (answer?.token) {
      await showSecret({
        title: `Jeton de ${answer.name}`,
        warning: 'Copiez ce jeton maintenant et transmettez-le à la personne par un moyen sûr : ' +
            'il ne sera plus jamais affiché. S’il est perdu, il faudra révoquer l’utilisateur ' +
            'et le créer de nouveau.',
        secret: answer.token,
        secretLabel: `Jeton de connexion de ${answer.name} (${answer.id})`,
      });
    }
    notice.textContent =
        creating ? `Utilisateur ${user.name} créé.` : `Utilisateur ${user.name} mis à jour.`;
    focusRow(user.id);
    return null;
  }

  async function revoke(user) {
    const sure = await confirmAction({
      title: `Révoquer l’accès de ${user.name} ?`,
      text: `${user.name} (${user.id}) ne pourra plus se connecter : son jeton est refusé dès ` +
          'maintenant et ses sessions ouvertes sont fermées. Pour lui rendre l’accès, il faudra ' +
          'le créer de nouveau, avec un nouveau jeton.',
      confirmText: 'Révoquer',
    });
    if (!sure) return;
    try {
      await app.api.del(userPath(user.id));
      notice.textContent = `Accès de ${user.name} révoqué.`;
    } catch (e) {
      notice.textContent = `Révocation refusée. ${rejectionText(e)}`;
    }
    if (form.editing() === user.id) form.edit(null);
    await load();
    list.querySelector('table')?.focus();
  }

  load();
  const node =
      el('section', {class: 'card', 'aria-labelledby': 'users-title'},
         el('h2', {id: 'users-title'}, 'Utilisateurs'), notice, list, form.node);
  return {node, stop: off};
}

function usersTable(list, {names, regions, me}, actions) {
  if (!list.length) return el('p', {class: 'empty'}, 'Aucun utilisateur.');
  return el(
      'table', {class: 'stacked', tabindex: -1, 'aria-labelledby': 'users-title'},
      el('thead', null,
         el('tr', null,
            ['Identifiant', 'Nom', 'Rôle', 'OG', 'Régions', 'Actions'].map(
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
                       (u.regions ?? []).map((r) => regions.name(r)).join(', ')),
                    el('td', {'data-label': 'Actions'}, rowButtons(u, me, actions))))));
}

function rowButtons(user, me, {edit, revoke}) {
  const button = (text, key, onclick, kind) =>
      el('button', {
        type: 'button',
        class: kind,
        'data-key': `${key}-${user.id}`,
        'data-testid': `${key}-user-${user.id}`,
        'aria-label': `${text} — ${user.name}`,
        onclick,
      },
         text);
  return el(
      'div', {class: 'actions'}, button('Modifier', 'edit', () => edit(user), 'secondary'),
      user.id === me.id ? null :
                          button('Révoquer', 'revoke', () => revoke(user), 'secondary danger'));
}

// The create / edit form. actions.save(user, creating) resolves with an error text or null.
function userForm(app, actions) {
  const id =
      el('input', {name: 'id', autocomplete: 'off', maxlength: 64, 'data-testid': 'user-id'});
  const name = el('input', {name: 'name', maxlength: 200, 'data-testid': 'user-name'});
  const role =
      el('select', {name: 'role', 'data-testid': 'user-role'},
         Object.entries(ROLE_LABELS).map(([code, text]) => el('option', {value: code}, text)));
  const og = el('input', {name: 'og', autocomplete: 'off', 'data-testid': 'user-og'});
  const regionBoxes = app.regions.codes().map(
      (code) => el('input', {type: 'checkbox', name: 'regions', value: code}));
  const ogField = field(
      'Organismes gestionnaires (FINESS EJ)', og,
      'Un ou plusieurs numéros FINESS EJ de 9 caractères, séparés par des virgules ou des ' +
          'espaces.');
  const regionsField =
      el('fieldset', {class: 'regions-choice', 'data-testid': 'user-regions'},
         el('legend', null, 'Régions instruites'),
         regionBoxes.length ?
             regionBoxes.map((box) => el('label', null, box, ` ${app.regions.name(box.value)}`)) :
             el('p', {class: 'warning'}, 'Liste des régions indisponible : rechargez la page.'));
  const title = el('h3', {id: 'user-form-title'});
  const submit = el('button', {type: 'submit', 'data-testid': 'user-submit'});
  const cancel =
      el('button', {type: 'button', class: 'secondary', onclick: () => actions.cancel()},
         'Annuler la modification');
  const error = el('p', {class: 'error', role: 'alert', 'data-testid': 'user-error'});
  let editing = null;  // the user being edited, or null to create one
  let known = [];

  function showRoleFields() {
    ogField.hidden = role.value !== 'gestionnaire';
    regionsField.hidden = role.value !== 'ars';
  }
  role.addEventListener('change', showRoleFields);

  function fill(user) {
    editing = user;
    id.value = user?.id ?? '';
    id.readOnly = !!user;
    name.value = user?.name ?? '';
    role.value = user?.role ?? 'gestionnaire';
    og.value = (user?.og ?? []).join(', ');
    for (const box of regionBoxes) box.checked = (user?.regions ?? []).includes(box.value);
    title.textContent = user ? `Modifier ${user.name} (${user.id})` : 'Créer un utilisateur';
    submit.textContent = user ? 'Enregistrer les modifications' : 'Créer l’utilisateur';
    cancel.hidden = !user;
    error.textContent = '';
    for (const input of [id, name, og]) input.removeAttribute('aria-invalid');
    showRoleFields();
  }

  const node =
      el('form', {
        class: 'user-form',
        novalidate: true,
        'aria-labelledby': 'user-form-title',
        'data-testid': 'user-form',
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          const wanted = {
            id: id.value.trim(),
            name: name.value.trim(),
            role: role.value,
            og: role.value === 'gestionnaire' ? splitList(og.value) : [],
            regions: role.value === 'ars' ?
                regionBoxes.filter((b) => b.checked).map((b) => b.value) :
                [],
          };
          const problem = checkUser(wanted, {
            creating: !editing,
            taken: known.map((u) => u.id),
            regions: app.regions,
          });
          if (problem) {
            const input = {id, name, og}[problem.field] ?? regionBoxes[0];
            error.textContent = problem.text;
            input?.setAttribute('aria-invalid', 'true');
            return input?.focus();
          }
          submit.disabled = true;
          const refused = await actions.save(wanted, !editing);
          submit.disabled = false;
          if (refused) error.textContent = refused;
        },
      },
         title, field('Identifiant', id, 'Lettres sans accent, chiffres, « - » et « _ ».'),
         field('Nom', name), field('Rôle', role), ogField, regionsField,
         el('div', {class: 'actions'}, submit, cancel), error);
  fill(null);
  return {
    node,
    // Fills the form with `user` (null: an empty creation form); returns who was edited.
    edit(user) {
      const before = editing?.id ?? null;
      fill(user);
      if (user) name.focus();
      return before;
    },
    editing: () => editing?.id ?? null,
    known(list) { known = list; },
  };
}
