// "Télécharger la preuve d’enregistrement": the receipt of one event of a grappe (its record, the
// signed checkpoint and the inclusion proof), saved as a JSON file and, for an auditor, checked
// here in the browser (lib/receipt.js) with the log's verifier key, the outcome said in words:
// the key the auditor pinned (views/logkey.js), else the one this server publishes, said as such.
import {grappePath} from '../api.js';
import {el} from '../lib/dom.js';
import {verifyReceipt} from '../lib/receipt.js';

import {keyInUse, MISMATCH_WARNING, SERVER_KEY_NOTE, shortKey} from './logkey.js';

export const receiptFileName = (grappe, version) => `grappe-${grappe}-v${version}-preuve.json`;

function download(receipt, name) {
  const blob = new Blob([`${JSON.stringify(receipt, null, 2)}\n`], {type: 'application/json'});
  const url = URL.createObjectURL(blob);
  const a = el('a', {href: url, download: name, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// The button and, beside it, where what happened is said (role="status"). verify: check the
// receipt in the browser after saving it.
export function receiptButton(app, grappe, version, {verify = false} = {}) {
  const status =
      el('span', {class: 'receipt-status', role: 'status', 'data-testid': 'receipt-status'});
  const details = el('div', {class: 'receipt-steps'});
  const warning = el('p', {class: 'warning', role: 'alert', 'data-testid': 'receipt-key-warning'});
  const say = (text, kind = null) => {
    status.className = `receipt-status${kind ? ` ${kind}` : ''}`;
    status.textContent = text;
  };
  // Not `disabled` while busy: a disabled button would drop the keyboard focus.
  let busy = false;
  async function fetchAndCheck() {
    if (busy) return;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    details.replaceChildren();
    warning.textContent = '';
    say('Préparation de la preuve…', 'pending');
    try {
      const receipt =
          await app.api.get(`${grappePath(grappe)}/receipt`, {version: String(version)});
      const name = receiptFileName(grappe, version);
      download(receipt, name);
      if (!verify) {
        const where = `position ${receipt.position} du journal signé`;
        return say(`Preuve téléchargée (${name}) : l’événement est à la ${where}.`, 'ok');
      }
      say(`Preuve téléchargée (${name}). Vérification dans le navigateur…`, 'pending');
      const {verifierKey, pinned, mismatch} = await keyInUse(app);
      const result = await verifyReceipt(receipt, verifierKey);
      const which = pinned ?
          `Clé utilisée : celle que vous avez enregistrée (${shortKey(verifierKey)}).` :
          `Attention : ${SERVER_KEY_NOTE}.`;
      say(`${result.message} ${which}`, result.ok ? 'ok' : 'error');
      if (mismatch) warning.textContent = MISMATCH_WARNING;
      details.replaceChildren(stepsNode(result.steps, verifierKey, pinned));
    } catch (e) {
      say(e?.status === 404 ? 'Preuve indisponible : événement introuvable ou non visible.' :
                              'Preuve indisponible pour le moment : réessayez.',
          'error');
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  }
  const button =
      el('button', {
        type: 'button',
        class: 'link receipt',
        'data-testid': `receipt-${version}`,
        'aria-label': `Télécharger la preuve d’enregistrement — version ${version}`,
        onclick: fetchAndCheck,
      },
         'Télécharger la preuve d’enregistrement');
  return el('div', {class: 'receipt-offer'}, button, ' ', status, warning, details);
}

function stepsNode(steps, verifierKey, pinned) {
  return el(
      'details', {'data-testid': 'receipt-steps'}, el('summary', null, 'Détail des vérifications'),
      el('ul', {class: 'plain'},
         steps.map((s) => el('li', {class: s.ok ? 'ok' : 'error'}, s.ok ? '✓ ' : '✗ ', s.label))),
      el('p', {class: 'hash'},
         `Clé de vérification (${
             pinned ? 'enregistrée dans ce navigateur' : 'publiée par ce serveur'}) : `,
         el('code', null, verifierKey)));
}
