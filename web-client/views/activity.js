// The live side of a grappe: who is here, what just happened, and the comments.
import {describe} from '../events.js';
import {el, field, formatDateTime, uuid} from '../lib/dom.js';
import {PRESENCE_LABELS, rejectionText} from '../lib/labels.js';
import {noteNode} from '../lib/notes.js';
import {canComment} from '../lib/permissions.js';

// Who else is here. Offline (`status` other than 'online') the server's last list may be stale,
// so it is not shown.
export function renderPresence(root, me, presence, status = 'online', count = presence.length) {
  const others = presence.filter((p) => p.id !== me.id);
  const hint = (testid, text) => el('p', {class: 'hint', 'data-testid': testid}, text);
  let body;
  if (status !== 'online') {
    body =
        hint('presence-stale', 'Hors ligne : on ne sait pas qui consulte la grappe en ce moment.');
  } else if (!others.length) {
    body = hint('presence-alone', 'Personne d’autre pour le moment.');
  } else {
    body = el('ul', {class: 'plain presence-list'}, others.map(presenceItem));
  }
  // Beyond the people listed (the 100 most recently active), the server sends only their number.
  const more = status === 'online' && count > presence.length ?
      hint('presence-count', `${count} personnes présentes`) :
      null;
  root.replaceChildren(el('h2', {id: 'presence-title'}, 'Présents'), body, ...(more ? [more] : []));
}

function presenceItem(p) {
  return el(
      'li', {'data-testid': `presence-${p.id}`},
      el('span', {class: 'dot online', 'aria-hidden': 'true'}), p.name,
      ` ${PRESENCE_LABELS[p.status] ?? p.status}`,
      p.status === 'editing' && p.focus ? ` (${p.focus})` : '');
}

// Inserts only the events not shown yet, newest first, so screen readers hear each arrival once.
export function createActivity(nameOf) {
  const list = el('ol', {
    class: 'plain activity',
    // It scrolls: focusable, so that the keyboard can scroll it too.
    tabindex: 0,
    'aria-labelledby': 'activity-title',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
    'data-testid': 'activity'
  });
  const shown = new Set();
  const node =
      el('section', {class: 'card', 'aria-labelledby': 'activity-title'},
         el('h2', {id: 'activity-title'}, 'Activité en direct'), list);
  function update(activity) {
    for (const a of activity) {
      if (shown.has(a.version)) continue;
      shown.add(a.version);
      const item =
          el('li', {'data-version': a.version}, el('time', {datetime: a.at}, formatDateTime(a.at)),
             ' ', el('strong', null, a.actor?.name ?? 'Système'), ' ', describe(a, nameOf),
             noteNode(a));
      const later = [...list.children].find((li) => Number(li.dataset.version) < a.version);
      list.insertBefore(item, later ?? null);
    }
    while (list.children.length > 50) list.lastChild.remove();
  }
  return {node, update};
}

// The comment being typed is kept in sessionStorage with the id it was (or will be) sent with:
// a reload while offline gives it back, and sending it again with the same id cannot post it
// twice (the server answers a repeated id with its first answer).
export function createComments(app, grappe) {
  const list = el('ol', {class: 'plain comments', 'data-testid': 'comments'});
  const text =
      el('textarea',
         {name: 'text', rows: 3, maxlength: 4000, required: true, 'data-testid': 'comment-text'});
  const submit = el('button', {type: 'submit', 'data-testid': 'comment-submit'}, 'Publier');
  const error = el('p', {class: 'error', role: 'alert', 'data-testid': 'comment-error'});
  const draftHint = el('p', {class: 'hint', role: 'status', 'data-testid': 'comment-draft'});
  const key = `${grappe}:comment`;
  const draft = new Draft(`grappe.draft.${grappe}`);
  text.value = draft.text;
  if (draft.text) draftHint.textContent = 'Brouillon conservé : pas encore publié.';
  text.addEventListener('input', () => draft.save(text.value));
  function sending(on) {
    submit.disabled = on;
    submit.textContent = on ? 'Publication…' : 'Publier';
  }
  function answered(ack) {
    sending(false);
    if (ack) {
      text.value = '';
      draft.clear();
      draftHint.textContent = '';
    } else {
      draft.rejected();
      error.textContent = rejectionText(app.store.slot(key)?.rejection);
    }
  }
  // Sent by an earlier page and kept in the outbox: it leaves again by itself (commands.js).
  app.commands?.loaded.then(() => {
    const kept = draft.id && app.commands.outbox.get(draft.id);
    if (!kept || kept.rejection || draft.sent !== text.value) return;
    sending(true);
    draftHint.textContent = 'Envoi en attente : ce commentaire partira au retour de la connexion.';
    app.commands.outbox.answered(draft.id).then(({ack}) => {
      answered(ack ?? null);
      if (!ack) draftHint.textContent = 'Brouillon conservé : pas encore publié.';
    });
  });
  const form = canComment(app.me) ? el('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      sending(true);
      error.textContent = '';
      const id = draft.idFor(value);
      answered(
          await app.run(key, grappe, 'PostComment', {text: value}, {label: 'Commentaire', id}));
    },
  },
                                       field('Votre commentaire', text), submit, draftHint, error) :
                                    null;
  const node =
      el('section', {class: 'card', 'aria-labelledby': 'comments-title'},
         el('h2', {id: 'comments-title'}, 'Commentaires'), list, form);
  let count = -1;
  function update(state) {
    const comments = state?.comments ?? [];
    if (comments.length === count) return;
    count = comments.length;
    list.replaceChildren(...comments.map(
        (c) =>
            el('li', {class: 'comment'},
               el('div', {class: 'meta'}, el('strong', null, c.by?.name ?? ''), ' — ',
                  el('time', {datetime: c.at}, formatDateTime(c.at))),
               el('p', null, c.text))));
    if (!comments.length) list.append(el('li', {class: 'hint'}, 'Aucun commentaire.'));
  }
  return {node, update, dirty: () => !!form && text.value.trim() !== ''};
}

class Draft {
  constructor(storageKey) {
    this.key = storageKey;
    let saved = {};
    try {
      saved = JSON.parse(sessionStorage.getItem(storageKey) ?? '{}') ?? {};
    } catch {
      // A damaged draft is dropped.
    }
    this.text = typeof saved.text === 'string' ? saved.text : '';
    this.id = typeof saved.id === 'string' ? saved.id : null;
    this.sent = typeof saved.sent === 'string' ? saved.sent : null;
  }

  save(text) {
    this.text = text;
    this.write();
  }

  // The command id for sending `value`: the one it was sent with before, if it was.
  idFor(value) {
    if (!this.id || this.sent !== value) {
      this.id = uuid();
      this.sent = value;
    }
    this.text = value;
    this.write();
    return this.id;
  }

  // The server refused this id: a new attempt needs a new one.
  rejected() {
    this.id = null;
    this.sent = null;
    this.write();
  }

  clear() {
    this.text = '';
    this.id = null;
    this.sent = null;
    sessionStorage.removeItem(this.key);
  }

  write() {
    try {
      if (!this.text && !this.id) return sessionStorage.removeItem(this.key);
      sessionStorage.setItem(
          this.key, JSON.stringify({text: this.text, id: this.id, sent: this.sent}));
    } catch {
      // Storage full or disabled: the text stays in the form only.
    }
  }
}
