// The porteur's form to update the grappe's name, description and DUI. Built once per view and
// prefilled from the current state each time it is opened, so live updates never wipe typing.
import {el, field, requireText} from '../lib/dom.js';
import {rejectionText} from '../lib/labels.js';

export function createDetailsEditor(app, grappe) {
  const name = el('input', {type: 'text', name: 'name', required: true, maxlength: 200});
  const description = el('textarea', {name: 'description', rows: 2, maxlength: 4000});
  const vendor = el('input', {type: 'text', name: 'vendor'});
  const software = el('input', {type: 'text', name: 'software'});
  const error = el('p', {class: 'error', role: 'alert'});
  const submit = el('button', {type: 'submit'}, 'Enregistrer');
  const key = `${grappe}:details`;
  const node =
      el('details', {class: 'editor'}, el('summary', null, 'Modifier les informations'),
         el('form', {
           onsubmit: async (e) => {
             e.preventDefault();
             error.textContent = '';
             if (!requireText(name, error, 'Donnez un nom à la grappe.')) return;
             submit.disabled = true;
             submit.textContent = 'Enregistrement…';
             error.textContent = '';
             const ack = await app.run(
                 key, grappe, 'UpdateDetails', {
                   name: name.value.trim(),
                   description: description.value.trim(),
                   dui: {vendor: vendor.value.trim(), software: software.value.trim()},
                 },
                 {label: 'Modification'});
             submit.disabled = false;
             submit.textContent = 'Enregistrer';
             if (ack)
               node.open = false;
             else
               error.textContent = rejectionText(app.store.slot(key)?.rejection);
           },
         },
            field('Nom', name), field('Description', description), field('Éditeur du DUI', vendor),
            field('Logiciel DUI', software), submit, error));
  node.addEventListener('toggle', () => {
    const state = app.store.grappes.get(grappe)?.state;
    if (!node.open || !state) return;
    name.value = state.name ?? '';
    description.value = state.description ?? '';
    vendor.value = state.dui?.vendor ?? '';
    software.value = state.dui?.software ?? '';
  });
  // Typing not saved yet, for the warning before leaving the page.
  const dirty = () => {
    const state = app.store.grappes.get(grappe)?.state;
    return node.open && !!state &&
        (name.value.trim() !== (state.name ?? '') ||
         description.value.trim() !== (state.description ?? '') ||
         vendor.value.trim() !== (state.dui?.vendor ?? '') ||
         software.value.trim() !== (state.dui?.software ?? ''));
  };
  return {node, dirty};
}
