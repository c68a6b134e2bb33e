// Sign-in. How to get in comes from GET /api/auth/methods (README "Protocol additions"): with
// `oidc`, a « Se connecter » button leads to the identity provider (GET /auth/login, which comes
// back to / with the session cookie set) and pasting a token stays possible behind « Autre
// méthode »; without it, the token form as before; with `demo`, a pick among the demo users.
// Without demo users and OIDC, the page says whom to ask for a token.
import {ApiError, createApi} from '../api.js';
import {el, field} from '../lib/dom.js';
import {label, ROLE_LABELS} from '../lib/labels.js';

export function mountSignIn(root, {api, message, onSignedIn}) {
  const error =
      el('p', {class: 'error', role: 'alert', 'data-testid': 'signin-error'}, message ?? '');
  const token = el('input', {type: 'password', name: 'token', autocomplete: 'off', required: true});
  const demo = el('section', {class: 'demo-users', 'aria-labelledby': 'demo-title'});
  const submit = el('button', {type: 'submit', 'data-testid': 'token-submit'}, 'Se connecter');
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

  const tokenForm =
      el('form', {
        'aria-labelledby': 'signin-title',
        'data-testid': 'token-form',
        onsubmit: (e) => {
          e.preventDefault();
          signIn(token.value.trim());
        },
      },
         field('Jeton d’accès', token, 'Le jeton fourni par votre administrateur.'), submit);
  const card =
      el('div', {class: 'card', 'data-testid': 'signin'},
         el('h1', {id: 'signin-title'}, 'Connexion'), tokenForm, error, help);
  root.replaceChildren(el('div', {class: 'signin'}, card, demo));
  token.focus();
  loadMethods(api, help).then((methods) => {
    if (methods?.oidc) offerOidc(tokenForm, help, methods, token);
    if (methods?.demo === false) return demo.remove();
    loadDemoUsers(api, demo, signIn);
  });
}

// The server sends a failed OpenID Connect sign-in back to `#/connexion?erreur=CODE` (README
// "Sign-in"): the page's message, or null when the address says nothing of the kind.
const SIGNIN_ERRORS = {
  fournisseur: 'Le fournisseur d’identité n’a pas pu vous connecter (connexion refusée ou ' +
      'service indisponible). Réessayez.',
  jeton: 'La réponse du fournisseur d’identité n’a pas pu être vérifiée : reconnectez-vous.',
  serveur: 'Le serveur n’a pas pu ouvrir votre session : réessayez dans un instant.',
};
export function signInError(hash) {
  const code = /^#\/connexion\?(?:.*&)?erreur=([\w-]+)/.exec(hash)?.[1];
  if (!code) return null;
  return SIGNIN_ERRORS[code] ?? 'La connexion a échoué : réessayez.';
}

const NO_TOKEN = 'Pas encore de jeton ? Demandez un jeton à votre administrateur.';
const OIDC_HELP = 'Vous êtes redirigé vers votre fournisseur d’identité (ProConnect), puis ' +
    'ramené ici. Première connexion ? Vous pourrez alors demander un accès.';

// The provider's button first; the token form, and what the server says of tokens, move into a
// disclosure, for admins and tools.
function offerOidc(tokenForm, help, methods, token) {
  const hadFocus = document.activeElement === token;
  const go =
      el('a', {
        href: '/auth/login',
        class: 'button-link',
        'data-testid': 'oidc-signin',
      },
         methods.oidcLabel ? `Se connecter avec ${methods.oidcLabel}` : 'Se connecter');
  const other =
      el('details', {class: 'other-method', 'data-testid': 'other-method'},
         el('summary', null, 'Autre méthode : jeton d’accès'));
  tokenForm.replaceWith(el('div', {class: 'oidc'}, go, el('p', {class: 'hint'}, OIDC_HELP)), other);
  other.append(tokenForm, help);
  if (hadFocus) go.focus();
}

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
