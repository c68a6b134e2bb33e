// The live side of a grappe: who is here, what just happened, and the comments.
import {describe} from '../events.js';
import {el, field, formatDateTime} from '../lib/dom.js';
import {PRESENCE_LABELS, rejectionText} from '../lib/labels.js';
import {canComment} from '../lib/permissions.js';

export function renderPresence(root, me, presence) {
  const others = presence.filter((p) => p.id !== me.id);
  root.replaceChildren(
      el('h2', {id: 'presence-title'}, 'Présents'),
      others.length ? el('ul', {class: 'plain presence-list'},
                         others.map(
                             (p) =>
                                 el('li', {'data-testid': `presence-${p.id}`},
                                    el('span', {class: 'dot online', 'aria-hidden': 'true'}),
                                    p.name, ` ${PRESENCE_LABELS[p.status] ?? p.status}`,
                                    p.status === 'editing' && p.focus ? ` (${p.focus})` : ''))) :
                                                                        el('p', {class: 'hint', 'data-testid': 'presence-alone'},
                                                                           'Personne d’autre pour le moment.'));
}

// Inserts only the events not shown yet, newest first, so screen readers hear each arrival once.
export function createActivity(nameOf) {
  const list = el('ol', {
    class: 'plain activity',
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
             ' ', el('strong', null, a.actor?.name ?? 'Système'), ' ', describe(a, nameOf));
      const later = [...list.children].find((li) => Number(li.dataset.version) < a.version);
      list.insertBefore(item, later ?? null);
    }
    while (list.children.length > 50) list.lastChild.remove();
  }
  return {node, update};
}

export function createComments(app, grappe) {
  const list = el('ol', {class: 'plain comments', 'data-testid': 'comments'});
  const text =
      el('textarea',
         {name: 'text', rows: 3, maxlength: 4000, required: true, 'data-testid': 'comment-text'});
  const submit = el('button', {type: 'submit', 'data-testid': 'comment-submit'}, 'Publier');
  const error = el('p', {class: 'error', role: 'alert', 'data-testid': 'comment-error'});
  const key = `${grappe}:comment`;
  const form = canComment(app.me) ? el('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      submit.disabled = true;
      submit.textContent = 'Publication…';
      error.textContent = '';
      const ack = await app.run(key, grappe, 'PostComment', {text: value}, {label: 'Commentaire'});
      submit.disabled = false;
      submit.textContent = 'Publier';
      if (ack)
        text.value = '';
      else
        error.textContent = rejectionText(app.store.slot(key)?.rejection);
    },
  },
                                       field('Votre commentaire', text), submit, error) :
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
  return {node, update};
}
