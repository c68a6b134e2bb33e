// A modal dialog asking for a reason (or any short text). Resolves with the text, or null when
// cancelled. Native <dialog>: focus is trapped and Escape cancels.
import {el} from './dom.js';

export function askText({title, labelText, required = false, confirmText = 'Confirmer'}) {
  return new Promise((resolve) => {
    const input = el('textarea', {id: 'dialog-text', rows: 3, maxlength: 4000, required});
    const dialog =
        el('dialog', {'aria-labelledby': 'dialog-title', 'data-testid': 'reason-dialog'});
    const finish = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
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
           el('h2', {id: 'dialog-title'}, title),
           el('label',
              {for: 'dialog-text'
              },
              labelText),
           input,
           el('div', {class: 'actions'},
              el('button', {type: 'submit', 'data-testid': 'dialog-confirm'}, confirmText),
              el('button', {type: 'button', class: 'secondary', onclick: () => finish(null)},
                 'Annuler'))));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
