// Under the top bar, on every page: how many actions wait to be sent (« 2 actions en attente
// d’envoi ») while the connection is down or they were sent before a drop, and each action the
// server refused once it was back, with the reason in French, until the user has read it.
import {el} from '../lib/dom.js';
import {rejectionText} from '../lib/labels.js';
import {pendingText} from '../lib/outbox.js';

// Returns {update(), remove()}; the panel is placed after the page's top bar.
export function mountOutboxPanel(app, outbox) {
  const count = el('p', {class: 'warning', role: 'status', 'data-testid': 'outbox-count'});
  const refused = el('ul', {class: 'plain', 'data-testid': 'outbox-rejected'});
  const node =
      el('div', {class: 'outbox', 'data-testid': 'outbox'}, count,
         el('div', {class: 'notice', role: 'alert', hidden: true}, refused));
  document.querySelector('header.top')?.after(node);

  function update() {
    const pending = outbox.pending();
    const waiting = app.store.connection.status !== 'online' || pending.some((e) => e.deferred);
    const text = waiting && pending.length ?
        `${pendingText(pending.length)} : elles partiront au retour de la connexion.` :
        '';
    if (count.textContent !== text) count.textContent = text;
    const rejected = outbox.rejected();
    refused.parentNode.hidden = rejected.length === 0;
    refused.replaceChildren(...rejected.map((e) => refusedItem(e, outbox)));
  }
  update();
  return {update, remove: () => node.remove()};
}

function refusedItem(entry, outbox) {
  const what = entry.label ?? 'Action';
  const where = entry.title ?? 'la grappe';
  return el(
      'li', {'data-testid': `outbox-rejected-${entry.id}`},
      el('strong', null, 'Refusé au retour de la connexion : '), `${what} (`,
      el('a', {href: `#/grappe/${encodeURIComponent(entry.grappe)}`}, where), '). ',
      el('span', {'data-testid': 'outbox-reason'}, rejectionText(entry.rejection)), ' ',
      el('button', {
        type: 'button',
        class: 'link',
        'aria-label': `J’ai lu le refus : ${what} (${where})`,
        onclick: () => outbox.dismiss(entry.id),
      },
         'Compris'));
}
