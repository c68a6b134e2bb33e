// Modal dialogs: one asking for a reason (or any short text), one asking to confirm an action
// that cannot be taken back. Native <dialog>: focus is trapped and Escape cancels. When a dialog
// closes, focus goes back to what had it before (see restoreFocus).
import {el, focusAgain} from './dom.js';

// Resolves with the text, or null when cancelled.
export function askText({title, labelText, required = false, confirmText = 'Confirmer'}) {
  return new Promise((resolve) => {
    const input = el('textarea', {id: 'dialog-text', rows: 3, maxlength: 4000, required});
    const {dialog, finish} = modal('reason-dialog', resolve);
    dialog.append(
        el('form', {
          method: 'dialog',
          onsubmit: (e) => {
            e.preventDefault();
            const text = input.value.trim();
            if (required && !text) return input.reportValidity();
            finish(text);
          },
        },
           el('h2', {id: 'dialog-title'}, title), el('label', {for: 'dialog-text'
           }, labelText), input, buttons(confirmText, () => finish(null))));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    show(dialog, input);
  });
}

// Resolves with true when confirmed, false when cancelled. `text`: what will happen, in words.
export function confirmAction({title, text, confirmText = 'Confirmer'}) {
  return new Promise((resolve) => {
    const {dialog, finish} = modal('confirm-dialog', resolve);
    const cancel = () => finish(false);
    dialog.setAttribute('aria-describedby', 'dialog-text');
    const form =
        el('form', {
          method: 'dialog',
          onsubmit: (e) => {
            e.preventDefault();
            finish(true);
          },
        },
           el('h2', {id: 'dialog-title'}, title), el('p', {id: 'dialog-text'}, text),
           buttons(confirmText, cancel));
    dialog.append(form);
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      cancel();
    });
    // The safe choice has the focus: Enter alone does not take an irreversible step.
    show(dialog, form.querySelector('[data-testid="dialog-cancel"]'));
  });
}

// Shows a secret that will not be shown again (a new user's token): read-only, with a copy
// button and `warning` said first. Resolves once the user closed it.
export function showSecret({title, warning, secret, secretLabel}) {
  return new Promise((resolve) => {
    const {dialog, finish} = modal('secret-dialog', resolve);
    const value = el('input', {
      id: 'dialog-secret',
      type: 'text',
      readonly: true,
      value: secret,
      spellcheck: 'false',
      autocomplete: 'off',
      'data-testid': 'secret-value'
    });
    const copied = el('p', {role: 'status', 'data-testid': 'secret-copied'});
    const copy = async () => {
      copied.textContent = (await copyText(value)) ?
          'Copié dans le presse-papiers.' :
          'Copie impossible ici : sélectionnez le texte et copiez-le (Ctrl+C).';
    };
    dialog.setAttribute('aria-describedby', 'dialog-text');
    dialog.append(
        el('form', {
          method: 'dialog',
          onsubmit: (e) => {
            e.preventDefault();
            finish();
          },
        },
           el('h2', {id: 'dialog-title'}, title),
           el('p', {id: 'dialog-text', class: 'warning', 'data-testid': 'secret-warning'}, warning),
           el('label',
              {for: 'dialog-secret'
              },
              secretLabel),
           value,
           el('div', {class: 'actions'},
              el('button', {type: 'button', 'data-testid': 'secret-copy', onclick: copy}, 'Copier'),
              el('button', {type: 'submit', class: 'secondary', 'data-testid': 'dialog-confirm'},
                 'J’ai conservé le jeton, fermer')),
           copied));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish();
    });
    show(dialog, value);
    value.select();
  });
}

// Copies the input's text; false when neither the Clipboard API nor execCommand could.
async function copyText(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function modal(testid, resolve) {
  const opener = document.activeElement;
  const dialog = el('dialog', {'aria-labelledby': 'dialog-title', 'data-testid': testid});
  const finish = (value) => {
    dialog.close();
    dialog.remove();
    focusAgain(opener);
    resolve(value);
  };
  return {dialog, finish};
}

function buttons(confirmText, cancel) {
  return el(
      'div', {class: 'actions'},
      el('button', {type: 'submit', 'data-testid': 'dialog-confirm'}, confirmText),
      el('button',
         {type: 'button', class: 'secondary', 'data-testid': 'dialog-cancel', onclick: cancel},
         'Annuler'));
}

function show(dialog, first) {
  document.body.append(dialog);
  dialog.showModal();
  first.focus();
}
