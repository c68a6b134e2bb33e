// Sign-in: a bearer token, or on the demo world a pick among the demo users. How to get in
// comes from GET /api/auth/methods (README "Protocol additions"): without demo users, the page
// says whom to ask for a token.
import {ApiError, createApi} from '../api.js';
import {el, field} from '../lib/dom.js';
import {label, ROLE_LABELS} from '../lib/labels.js';

export function mountSignIn(root, {api, message, onSignedIn}) {
  const error =
      el('p', {class: 'error', role: 'alert', 'data-testid': 'signin-error'}, message ?? '');
  const token = el('input', {type: 'password', name: 'token', autocomplete: 'off', required: true});
  const demo = el('section', {class: 'demo-users', 'aria-labelledby': 'demo-title'});
  const submit = el('button', {type: 'submit'}, 'Se connecter');
  const help = el('p', {class: 'signin-help', 'data-testid': 'signin-help'}, NO_TOKEN);

  async function signIn(value) {
    error.textContent = '';
    submit.disabled = true;
    try {
      const me = await createApi(value).get('/api/me');
      onSignedIn(value, me);
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 401 ?
          'Ce jeton n’est pas reconnu.' :
          'Le serveur est injoignable pour le moment.';
    } finally {
      submit.disabled = false;
    }
  }

  const form =
      el('form', {
        class: 'card',
        'aria-labelledby': 'signin-title',
        onsubmit: (e) => {
          e.preventDefault();
          signIn(token.value.trim());
        },
      },
         el('h1', {id: 'signin-title'}, 'Connexion'),
         field('Jeton d’accès', token, 'Le jeton fourni par votre administrateur.'), submit, error,
         help);
  root.replaceChildren(el('div', {class: 'signin'}, form, demo));
  token.focus();
  loadMethods(api, help).then((methods) => {
    if (methods?.demo === false) return demo.remove();
    loadDemoUsers(api, demo, signIn);
  });
}

const NO_TOKEN = 'Pas encore de jeton ? Demandez un jeton à votre administrateur.';

// The server's word on how to get in; null when it cannot say (the page keeps NO_TOKEN).
async function loadMethods(api, help) {
  try {
    const methods = await api.get('/api/auth/methods');
    if (methods.message) help.textContent = methods.message;
    return methods;
  } catch {
    return null;
  }
}

async function loadDemoUsers(api, section, signIn) {
  let users;
  try {
    users = (await api.get('/api/demo/users')).users ?? [];
  } catch {
    section.remove();
    return;
  }
  if (!users.length) return section.remove();
  section.append(
      el('h2', {id: 'demo-title'}, 'Utilisateurs de démonstration'),
      el('ul', {class: 'plain'},
         users.map(
             (u) =>
                 el('li', null,
                    el('button', {
                      type: 'button',
                      class: 'demo-user',
                      'data-testid': `demo-user-${u.id}`,
                      onclick: () => signIn(u.token),
                    },
                       el('strong', null, u.name), ` — ${label(ROLE_LABELS, u.role)}`,
                       describeScope(u))))));
}

function describeScope(u) {
  if ((u.og ?? []).length) return ` (OG ${u.og.join(', ')})`;
  if ((u.regions ?? []).length) return ` (régions ${u.regions.join(', ')})`;
  return '';
}
