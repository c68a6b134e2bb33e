// Wiring: sign-in, the WebSocket session, the store and the router. Views get one `app` object.
// Signed in with a token (kept in sessionStorage) or with the session cookie that OpenID Connect
// left: without a token, GET /api/me says whether the cookie holds a session; a person it names
// who is not a user yet only sees the access request (views/access.js).
import {ApiError, createApi, CSRF_HEADER, grappePath} from './api.js';
import {startCommands} from './commands.js';
import {startInbox} from './inbox.js';
import {cachedCalls, loadCalls} from './lib/calls.js';
import {el} from './lib/dom.js';
import {hasUser} from './lib/identity.js';
import {Names} from './lib/names.js';
import {cachedRegions, loadRegions} from './lib/regions.js';
import {Connection} from './socket.js';
import {Store} from './state.js';
import {mountAccess} from './views/access.js';
import {mountStatement} from './views/accessibility.js';
import {mountAdmin} from './views/admin.js';
import {mountAudit} from './views/audit.js';
import {mountEstablishments} from './views/establishments.js';
import {mountGrappe} from './views/grappe.js';
import {mountGrappes} from './views/grappes.js';
import {renderConnection, renderHeader, renderIdentity} from './views/header.js';
import {mountPreferences} from './views/preferences.js';
import {mountPrint} from './views/print.js';
import {mountRequests, startRequestCount} from './views/requests.js';
import {mountSignIn, signInError} from './views/signin.js';

const TOKEN_KEY = 'grappe.token';
const ME_KEY = 'grappe.me';  // the user as last seen, to draw the app before /api/me answers
const CLIENT = 'grappe-web/1.0';

const main = document.getElementById('main');
let session = null;
let waiting = null;  // the access request page of a person without a user: {stop}

function wsUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

async function start() {
  const failed = signInError(location.hash);
  if (failed) {
    history.replaceState(null, '', location.pathname);
    return showSignIn(failed);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return startWithCookie();
  const cached = readCachedMe();
  if (cached) return startSession(token, cached);
  try {
    const me = await createApi(token).get('/api/me');
    sessionStorage.setItem(ME_KEY, JSON.stringify(me));
    startSession(token, me);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      return showSignIn('Votre jeton n’est plus valide : reconnectez-vous.');
    }
    showSignIn('Le serveur est injoignable pour le moment. Réessayez.');
  }
}

// No token: the session cookie, if any, decides (GET /api/me answers 401 without one). Only a
// server that offers OpenID Connect sets one: elsewhere, the sign-in page at once.
async function startWithCookie() {
  const api = createApi(null);
  let me;
  try {
    if (!(await api.get('/api/auth/methods')).oidc) return showSignIn();
    me = await api.get('/api/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 403 && e.body?.identity) {
      me = e.body;  // a person known to the provider but to no user here
    } else {
      return showSignIn(
          e instanceof ApiError && e.status === 401 ? undefined :
                                                      'Le serveur est injoignable pour le moment.');
    }
  }
  if (!hasUser(me)) return showAccess(me);
  startSession(null, me);
}

// The access request (views/access.js), until the request is approved: then the app starts.
function showAccess(me) {
  const api = createApi(null);
  const draw = () => {
    waiting?.stop();
    waiting = null;
    renderIdentity(me, () => signOut());
    if (isStatement()) {
      mountStatement(main, null);
    } else {
      if (location.hash !== '#/acces') history.replaceState(null, '', '#/acces');
      document.title = 'Demande d’accès — Grappe ESMS numérique';
      waiting = mountAccess(main, {api, me, onUser, onEnded});
    }
    main.focus({preventScroll: true});
  };
  const onUser = (user) => {
    waiting?.stop();
    waiting = null;
    history.replaceState(null, '', `${location.pathname}#/`);
    startSession(null, user);
  };
  const onEnded = () => signOut('Votre session a pris fin : reconnectez-vous.', true);
  window.onhashchange = draw;
  draw();
}

function showSignIn(message) {
  renderHeader(null);
  // Signed out, the accessibility statement (linked from every footer) is readable too.
  window.onhashchange = () => showSignIn();
  if (isStatement()) {
    mountStatement(main, null);
    return main.focus({preventScroll: true});
  }
  mountSignIn(main, {
    api: createApi(null),
    message,
    onSignedIn: (token, me) => {
      sessionStorage.setItem(TOKEN_KEY, token);
      sessionStorage.setItem(ME_KEY, JSON.stringify(me));
      startSession(token, me);
    },
  });
}

const isStatement = () => /^#\/?accessibilite\/?$/.test(location.hash);

async function startSession(token, me) {
  window.onhashchange = null;
  const store = new Store();
  store.me = me;
  const api = createApi(token);
  const app = {
    store,
    api,
    token,  // null when signed in with the session cookie
    me,
    regions: cachedRegions(),
    regionsRead: null,
    calls: cachedCalls(),
    callsRead: null,
    conn: null,
    names: null,
    // Functions telling whether a view holds typing not sent yet (see hasUnsent).
    unsaved: new Set(),
    navigate,
    announce,
    run: null,  // commands.js: sends a command for an action slot, kept until answered
    commands: null,
    requests: null,  // views/requests.js: the access requests awaiting a decision, counted
    signOut
  };
  app.names = new Names(api, () => store.emit({kind: 'names'}));
  app.conn = new Connection({
    url: wsUrl(),
    token,
    client: CLIENT,
    versionOf: (g) => store.versionOf(g),
    onStatus: (status, extra) => onStatus(app, status, extra),
    onMessage: (msg) => onMessage(app, msg),
  });
  app.commands = startCommands(app);
  app.run = app.commands.run;
  session = {app, unmount: null};
  store.listen((change) => {
    if (change.kind === 'connection') renderConnection(store.connection);
    if (change.kind === 'names' || change.kind === 'requests') renderHeader(app);
  });
  renderHeader(app);
  renderConnection(store.connection);
  startInbox(app);  // the live grappe list, asked for on every connection
  app.requests = startRequestCount(app);
  app.conn.start();
  const regionsRead = refreshRegions(app);
  const callsRead = refreshCalls(app);
  // First visit: the first view waits for the regions and calls, read while the WebSocket
  // connects.
  if (!app.regions.loaded || !app.calls.loaded) {
    main.replaceChildren(el('p', {class: 'loading'}, 'Chargement…'));
    await Promise.all([regionsRead, callsRead]);
  }
  if (session?.app !== app) return;  // signed out meanwhile
  window.onhashchange = route;
  route();  // focuses the view: after signing in, the page starts at the content
}

function onStatus(app, status, extra) {
  if (status === 'online' && extra.user) refreshMe(app, extra.user);
  if (status === 'online' && !app.regionsRead) retryRegions(app);
  if (status === 'online' && !app.callsRead) retryCalls(app);
  if (status === 'unauthorized') {
    signOut(
        app.token ? 'Votre jeton a été refusé : reconnectez-vous.' :
                    'Votre session a pris fin : reconnectez-vous.',
        true);
    return;
  }
  app.store.setConnection(status, extra);
}

function onMessage(app, msg) {
  const outcome = app.store.apply(msg);
  if (outcome === 'gap') app.conn.resync(msg.grappe);
  if (outcome === 'refresh') refreshState(app, msg.grappe);
}

// The server's state over HTTP, applied as a snapshot, when an event could not be folded here.
async function refreshState(app, id) {
  try {
    const state = await app.api.get(grappePath(id));
    app.store.applySnapshot(id, state, state.version);
    app.conn.resync(id);
  } catch {
    app.store.setConnection(app.store.connection.status, {...app.store.connection, stale: true});
  }
}

function navigate(hash) {
  if (location.hash === hash)
    route();
  else
    location.hash = hash;
}

const PAGE_TITLES = {
  grappe: 'Grappe',
  historique: 'Historique de la grappe',
  imprimer: 'Version imprimable de la grappe',
  etablissements: 'Établissements',
  admin: 'Administration',
  preferences: 'Préférences',
  demandes: 'Demandes d’accès',
  accessibilite: 'Déclaration d’accessibilité',
};

function route() {
  if (!session) return;
  const {app} = session;
  session.unmount?.();
  session.unmount = null;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  main.replaceChildren();
  // Each view has its page title (RGAA 8.6); a view may name itself better (grappe.js).
  document.title = `${PAGE_TITLES[parts[2] ?? parts[0]] ?? 'Grappes'} — Grappe ESMS numérique`;
  if ((parts[0] === 'grappe' || parts[0] === 'grappes') && parts[1] && parts[2] === 'imprimer') {
    session.unmount = mountPrint(main, app, parts[1]);
  } else if (parts[0] === 'grappe' && parts[1] && parts[2] === 'historique') {
    session.unmount = mountAudit(main, app, parts[1]);
  } else if (parts[0] === 'grappe' && parts[1]) {
    session.unmount = mountGrappe(main, app, parts[1]);
  } else if (parts[0] === 'etablissements') {
    session.unmount = mountEstablishments(main, app);
  } else if (parts[0] === 'accessibilite') {
    session.unmount = mountStatement(main, app);
  } else if (parts[0] === 'preferences') {
    session.unmount = mountPreferences(main, app);
  } else if (parts[0] === 'demandes') {
    session.unmount = mountRequests(main, app);
  } else if (parts[0] === 'admin') {
    session.unmount = mountAdmin(main, app);
  } else {
    session.unmount = mountGrappes(main, app);
  }
  renderHeader(app);
  // A navigation inside the app leaves focus at the start of the new view, not on the body.
  if (!main.contains(document.activeElement)) main.focus({preventScroll: true});
}

// Commands sent but not answered yet (offline, in flight, or kept by an earlier page), or typing
// a view has not sent.
function hasUnsent(app) {
  return app.conn.pending.size > 0 || app.commands.outbox.pending().length > 0 ||
      [...app.unsaved].some((dirty) => dirty());
}

window.addEventListener('beforeunload', (e) => {
  if (!session || !hasUnsent(session.app)) return;
  e.preventDefault();
  e.returnValue = '';  // older browsers show their own warning only when this is set
});

// Ends the session: a token is forgotten; a cookie session is ended on the server too
// (POST /auth/logout) before the sign-in page shows, unless the server ended it (`ended`).
async function signOut(message, ended = false) {
  const cookie = !ended && !sessionStorage.getItem(TOKEN_KEY);
  if (session) {
    session.unmount?.();
    session.app.conn.stop();
    session.app.commands.stop();
    session.app.requests?.stop();
    session = null;
  }
  waiting?.stop();
  waiting = null;
  window.onhashchange = null;
  if (cookie) await logout();
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ME_KEY);
  history.replaceState(null, '', location.pathname);
  showSignIn(message);
}

async function logout() {
  try {
    await fetch('/auth/logout', {method: 'POST', credentials: 'same-origin', headers: CSRF_HEADER});
  } catch {
    // Unreachable: the cookie expires by itself; this page forgets the session all the same.
  }
}

function readCachedMe() {
  try {
    return JSON.parse(sessionStorage.getItem(ME_KEY) ?? 'null');
  } catch {
    return null;
  }
}

// The welcome carries the user as the server knows it now: redraw if it changed since cached.
function refreshMe(app, user) {
  const fresh = JSON.stringify(user);
  sessionStorage.setItem(ME_KEY, fresh);
  if (fresh === JSON.stringify(app.me)) return;
  app.me = user;
  app.store.me = user;
  route();
}

// Reads the regions once per page load (lib/regions.js); resolves with the new ones or null.
function refreshRegions(app) {
  if (!app.regionsRead) app.regionsRead = readRegions(app);
  return app.regionsRead;
}

async function readRegions(app) {
  try {
    const fresh = await loadRegions(app.api, app.regions);
    if (fresh) app.regions = fresh;
    return fresh;
  } catch {
    app.regionsRead = null;  // read again once the connection is back (onStatus)
    return null;
  }
}

// The first read failed and the view was drawn without region names: draw it again with them.
async function retryRegions(app) {
  const hadNone = !app.regions.loaded;
  if ((await refreshRegions(app)) && hadNone && session?.app === app) route();
}

// The calls, likewise (lib/calls.js): until they are read, a call shows as its id.
function refreshCalls(app) {
  if (!app.callsRead) app.callsRead = readCalls(app);
  return app.callsRead;
}

async function readCalls(app) {
  try {
    const fresh = await loadCalls(app.api, app.calls);
    if (fresh) app.calls = fresh;
    return fresh;
  } catch {
    app.callsRead = null;  // read again once the connection is back (onStatus)
    return null;
  }
}

async function retryCalls(app) {
  const hadNone = !app.calls.loaded;
  if ((await refreshCalls(app)) && hadNone && session?.app === app) route();
}

function announce(text) {
  const live = document.getElementById('announcer');
  live.replaceChildren(el('p', null, text));
}

start();
