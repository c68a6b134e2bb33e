// The top bar: navigation with what awaits the user, who is signed in (name, role and
// organisations) with « Se déconnecter », the connection state.
import {el, replace} from '../lib/dom.js';
import {displayName, identityOf} from '../lib/identity.js';
import {label, ROLE_LABELS} from '../lib/labels.js';
import {isAdmin} from '../lib/permissions.js';

export function renderHeader(app) {
  const nav = document.getElementById('nav');
  const identity = document.getElementById('identity');
  if (!app) {
    renderInbox(null);
    nav.replaceChildren();
    identity.replaceChildren();
    document.getElementById('connection').replaceChildren();
    return;
  }
  const here = location.hash || '#/';
  const link = (href, text) => el('a', {href, 'aria-current': here === href ? 'page' : null}, text);
  replace(
      nav, link('#/', 'Grappes'), el('a', {
        href: '#/',
        id: 'inbox-count',
        class: 'badge inbox',
        'data-testid': 'inbox-count',
        hidden: true,
      }),
      link('#/etablissements', 'Établissements'), requestsLink(app, here),
      isAdmin(app.me) ? link('#/admin', 'Administration') : null);
  renderInbox(app.store);
  replace(
      identity, el('span', {class: 'who', 'data-testid': 'me'}, displayName(app.me)),
      el('span', {class: 'badge role', 'data-testid': 'role'}, label(ROLE_LABELS, app.me.role)),
      organisations(app.me, app),
      el('a', {href: '#/preferences', 'aria-current': here === '#/preferences' ? 'page' : null},
         'Préférences'),
      el('button', {type: 'button', class: 'link', onclick: () => app.signOut()},
         'Se déconnecter'));
}

// A person signed in through OpenID Connect who is not a user yet: their name and the way out.
export function renderIdentity(me, signOut) {
  renderInbox(null);
  document.getElementById('nav').replaceChildren();
  document.getElementById('connection').replaceChildren();
  replace(
      document.getElementById('identity'),
      el('span', {class: 'who', 'data-testid': 'me', title: identityOf(me).email},
         displayName(me)),
      el('button', {type: 'button', class: 'link', onclick: signOut}, 'Se déconnecter'));
}

// « Demandes d’accès » with the number awaiting a decision (views/requests.js): for admins,
// and for gestionnaires once a request names one of their organisations.
function requestsLink(app, here) {
  const pending = app.requests?.pending() ?? 0;
  if (!isAdmin(app.me) && !(app.requests?.any() ?? false)) return null;
  return el(
      'a', {
        href: '#/demandes',
        'aria-current': here === '#/demandes' ? 'page' : null,
        'data-testid': 'requests-link'
      },
      'Demandes d’accès',
      pending ? [
        ' ',
        el('span', {class: 'badge inbox', 'data-testid': 'requests-count'}, String(pending)),
        el('span', {class: 'visually-hidden'}, ' en attente'),
      ] :
                null);
}

const TITLE_COUNT = /^\(\d+\) /;

// What awaits the user (inbox.js), in the header and before the page's title: "(2) Grappe — …".
export function renderInbox(store) {
  const n = store?.todoCount() ?? 0;
  const badge = document.getElementById('inbox-count');
  if (badge) {
    badge.hidden = n === 0;
    badge.textContent = `${n} à traiter`;
    badge.title = n === 1 ? 'Une action vous attend' : `${n} actions vous attendent`;
  }
  titleCount = n;
  countInTitle();
}

// Views name the page themselves (document.title): the count is put back in front of their title.
let titleCount = 0;
let titleWatch = null;
function countInTitle() {
  const base = document.title.replace(TITLE_COUNT, '');
  const wanted = titleCount > 0 ? `(${titleCount}) ${base}` : base;
  if (document.title !== wanted) document.title = wanted;
  if (!titleWatch && document.querySelector('title')) {
    titleWatch = new MutationObserver(countInTitle);
    titleWatch.observe(document.querySelector('title'), {childList: true, characterData: true});
  }
}

// The user's organisations by name (lib/names.js), or its regions.
function organisations(me, {regions, names}) {
  if ((me.og ?? []).length) {
    return el(
        'span',
        {class: 'orgs', title: 'Organismes gestionnaires (FINESS EJ)', 'data-testid': 'orgs'},
        `${me.og.length > 1 ? 'Organismes' : 'Organisme'} : ${
            me.og.map((ej) => names.organisation(ej)).join(', ')}`);
  }
  if ((me.regions ?? []).length) {
    return el(
        'span', {class: 'orgs'}, `Régions : ${me.regions.map((r) => regions.name(r)).join(', ')}`);
  }
  return null;
}

const STATUS_TEXT = {
  online: 'Connecté',
  connecting: 'Connexion…',
  offline: 'Hors ligne',
};

let countdown = null;

export function renderConnection(connection) {
  const root = document.getElementById('connection');
  clearInterval(countdown);
  const paint = () => {
    const parts = [STATUS_TEXT[connection.status] ?? connection.status];
    if (connection.status === 'offline' && connection.retryAt) {
      const s = Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000));
      parts.push(`nouvelle tentative dans ${s} s`);
    }
    root.dataset.status = connection.status;
    root.replaceChildren(el('span', {class: 'dot', 'aria-hidden': 'true'}), parts.join(' — '));
  };
  paint();
  if (connection.status === 'offline') countdown = setInterval(paint, 1000);
}
