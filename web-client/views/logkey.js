// The log's verifier key that receipts are checked with. The server publishes its own
// (GET /api/log/key), but a dishonest server could sign anything with a key of its choosing: an
// auditor pins the key obtained out of band (« Clé de vérification du journal »), kept in this
// browser per server origin, and receipts are then checked with it; a published key that differs
// from it is said loudly.
import {el, field} from '../lib/dom.js';
import {parseVerifierKey} from '../lib/receipt.js';

// The server's origin: the API is served by the page's own origin (createApi's base is '').
const storageKey = () => `grappe.logVerifierKey@${location.origin}`;

export const MISMATCH_WARNING = 'La clé publiée par le serveur diffère de la clé que vous avez ' +
    'enregistrée : ne faites pas confiance à ce serveur sans vérification.';
export const SERVER_KEY_NOTE = 'vérifié avec la clé publiée par ce serveur ; enregistrez la clé ' +
    'obtenue par un autre canal pour une vérification indépendante';

// The pinned key's text, or null (none, or storage disabled).
export function pinnedKey() {
  try {
    return localStorage.getItem(storageKey()) || null;
  } catch {
    return null;
  }
}

function pin(text) {
  if (text)
    localStorage.setItem(storageKey(), text);
  else
    localStorage.removeItem(storageKey());
  window.dispatchEvent(new CustomEvent('grappe-log-key'));
}

// The key the server publishes ({origin, verifierKey}), read once per session.
const published = new WeakMap();
export function publishedKey(app) {
  if (!published.has(app)) {
    const read = app.api.get('/api/log/key');
    read.catch(() => published.delete(app));
    published.set(app, read);
  }
  return published.get(app);
}

// The key to check receipts with: {verifierKey, pinned, mismatch}. pinned: the auditor's own;
// mismatch: the server publishes another one. Rejects only when no key is pinned and the
// server's cannot be read.
export async function keyInUse(app) {
  const mine = pinnedKey();
  if (!mine) return {verifierKey: (await publishedKey(app)).verifierKey, pinned: false};
  let theirs = null;
  try {
    theirs = (await publishedKey(app)).verifierKey;
  } catch {
    // Unreadable: nothing to compare with; the pinned key is enough to check.
  }
  return {verifierKey: mine, pinned: true, mismatch: theirs != null && theirs.trim() !== mine};
}

// "name+id" of a key, for sentences (the base64 key itself is long).
export const shortKey = (text) => text.split('+').slice(0, 2).join('+');

// Why `text` cannot be pinned, in French (null when it can).
async function whyNot(text) {
  if (!text) return 'collez la clé de vérification du journal (nom+identifiant+clé).';
  if (/^PRIVATE\+KEY\+/i.test(text)) {
    return 'c’est la clé privée du serveur, pas sa clé de vérification : ne la diffusez pas.';
  }
  try {
    await parseVerifierKey(text);
    return null;
  } catch (e) {
    return e instanceof TypeError && !globalThis.crypto?.subtle ?
        'la cryptographie du navigateur (WebCrypto) n’est disponible que sur une page ' +
            'sécurisée (https).' :
        `${e.message}.`;
  }
}

// The settings area: the key in use, where to paste one's own, the warning when the server's
// differs. Redrawn when a key is saved or forgotten (in this page or another of this origin).
export function logKeySettings(app) {
  const input = el('input', {
    type: 'text',
    class: 'key-input',
    autocomplete: 'off',
    spellcheck: 'false',
    'data-testid': 'log-key-input',
  });
  const message =
      el('p', {class: 'error', id: 'log-key-error', role: 'alert', 'data-testid': 'log-key-error'});
  const saved = el('p', {class: 'ok', role: 'status', 'data-testid': 'log-key-saved'});
  const inUse = el('p', {'data-testid': 'log-key-in-use'});
  const warning = el('p', {class: 'warning', role: 'alert', 'data-testid': 'log-key-mismatch'});
  const forget =
      el('button', {type: 'button', 'data-testid': 'log-key-forget', onclick: unpin},
         'Oublier la clé enregistrée');
  const hint = 'Format nom+identifiant+clé, obtenue par un autre canal que ce serveur.';
  const inputField = field('Clé de vérification du journal', input, hint);
  input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby')} log-key-error`);

  function unpin() {
    try {
      pin(null);
      saved.textContent = 'Clé oubliée : les preuves seront vérifiées avec la clé du serveur.';
    } catch {
      message.textContent = 'Impossible d’oublier la clé : le stockage est désactivé.';
    }
    input.focus();  // this button is now hidden
  }

  async function save(e) {
    e.preventDefault();
    const text = input.value.trim();
    saved.textContent = '';
    const why = await whyNot(text);
    if (why) {
      message.textContent = `Clé refusée : ${why}`;
      input.setAttribute('aria-invalid', 'true');
      return input.focus();
    }
    message.textContent = '';
    input.removeAttribute('aria-invalid');
    try {
      pin(text);
    } catch {
      message.textContent = 'Impossible d’enregistrer la clé : le stockage de ce navigateur est ' +
          'désactivé ou plein.';
      return input.focus();
    }
    input.value = '';
    saved.textContent = `Clé ${shortKey(text)} enregistrée dans ce navigateur.`;
  }

  let drawing = 0;
  async function draw() {
    const turn = ++drawing;
    const mine = pinnedKey();
    let theirs = null;
    try {
      theirs = (await publishedKey(app)).verifierKey;
    } catch {
      // Said below when it matters (no key pinned).
    }
    if (turn !== drawing) return;
    forget.hidden = !mine;
    warning.textContent = mine && theirs && theirs.trim() !== mine ? MISMATCH_WARNING : '';
    if (mine) {
      inUse.replaceChildren(
          'Clé utilisée : ', el('code', null, mine), ' — enregistrée dans ce navigateur.');
    } else if (theirs) {
      inUse.replaceChildren(
          'Clé utilisée : ', el('code', null, theirs),
          ' — publiée par ce serveur lui-même ; enregistrez la clé obtenue par un autre canal ' +
              'pour une vérification indépendante.');
    } else {
      inUse.replaceChildren(
          'Aucune clé enregistrée, et ce serveur ne publie pas la sienne pour le moment.');
    }
  }
  const onChange = () => draw();
  const onStorage = (e) => {
    if (e.key === storageKey()) draw();
  };
  window.addEventListener('grappe-log-key', onChange);
  window.addEventListener('storage', onStorage);
  draw();

  const node = el(
      'section',
      {class: 'card log-key', 'aria-labelledby': 'log-key-title', 'data-testid': 'log-key'},
      el('h2', {id: 'log-key-title'}, 'Clé de vérification du journal'),
      el('p', {class: 'hint'},
         'Les preuves d’enregistrement sont vérifiées dans ce navigateur. Pour ne pas dépendre ' +
             'de ce serveur, enregistrez la clé de vérification obtenue par un autre canal.'),
      inUse, warning,
      el('form', {class: 'inline log-key-form', onsubmit: save}, inputField,
         el('button', {type: 'submit', 'data-testid': 'log-key-save'}, 'Enregistrer la clé'),
         forget),
      message, saved);
  node.unmount = () => {
    window.removeEventListener('grappe-log-key', onChange);
    window.removeEventListener('storage', onStorage);
  };
  return node;
}
