// The top bar: navigation, who is signed in (role and organisations), the connection state.
import {el, replace} from '../lib/dom.js';
import {label, ROLE_LABELS} from '../lib/labels.js';
import {isAdmin} from '../lib/permissions.js';

export function renderHeader(app) {
  const nav = document.getElementById('nav');
  const identity = document.getElementById('identity');
  if (!app) {
    nav.replaceChildren();
    identity.replaceChildren();
    document.getElementById('connection').replaceChildren();
    return;
  }
  const here = location.hash || '#/';
  const link = (href, text) => el('a', {href, 'aria-current': here === href ? 'page' : null}, text);
  replace(
      nav, link('#/', 'Grappes'), link('#/etablissements', 'Établissements'),
      isAdmin(app.me) ? link('#/admin', 'Administration') : null);
  replace(
      identity, el('span', {class: 'who', 'data-testid': 'me'}, app.me.name),
      el('span', {class: 'badge role', 'data-testid': 'role'}, label(ROLE_LABELS, app.me.role)),
      organisations(app.me, app),
      el('button', {type: 'button', class: 'link', onclick: () => app.signOut()},
         'Se déconnecter'));
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
