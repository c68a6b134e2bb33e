// Creating a grappe: the porteur is one of the user's own EJ; the client picks the grappe's id.
import {callOptions} from '../lib/calls.js';
import {el, field, requireText, uuid} from '../lib/dom.js';
import {rejectionText} from '../lib/labels.js';
import {regionOptions} from '../lib/regions.js';

export function createForm(app) {
  const name = el('input', {type: 'text', name: 'name', required: true, maxlength: 200});
  // The calls by label (their ids to type when the calls could not be read).
  const call = app.calls.loaded ?
      el('select', {name: 'call', required: true},
         callOptions(app.calls, app.calls.get('default') ? 'default' : undefined)) :
      el('input', {type: 'text', name: 'call', required: true, value: 'default'});
  const porteur =
      el('select', {name: 'porteur', required: true},
         app.me.og.map((ej) => el('option', {value: ej}, app.names.organisation(ej))));
  const region = el('select', {name: 'region', required: true}, regionOptions(app.regions));
  const description = el('textarea', {name: 'description', rows: 2, maxlength: 4000});
  const vendor = el('input', {type: 'text', name: 'vendor'});
  const software = el('input', {type: 'text', name: 'software'});
  const message = el('p', {class: 'error', role: 'alert', 'data-testid': 'create-error'});
  const submit = el('button', {type: 'submit'}, 'Créer la grappe');
  const regionWarning =
      el('p', {class: 'warning', role: 'status', 'data-testid': 'create-region-warning'});
  const checkRegion = regionCheck(app, porteur, region, regionWarning);
  const guessRegion = () => {
    const r = app.regions.ofFiness(porteur.value);
    if (r) region.value = r;
  };
  porteur.onchange = () => {
    guessRegion();
    checkRegion();
  };
  region.onchange = checkRegion;
  guessRegion();

  async function create(e) {
    e.preventDefault();
    message.textContent = '';
    if (!requireText(name, message, 'Donnez un nom à la grappe.')) return;
    if (!requireText(call, message, 'Indiquez l’appel à projets.')) return;
    const id = uuid();
    const payload = {
      name: name.value.trim(),
      call: call.value.trim(),
      region: region.value,
      porteur: porteur.value
    };
    if (description.value.trim()) payload.description = description.value.trim();
    if (vendor.value.trim() || software.value.trim()) {
      payload.dui = {vendor: vendor.value.trim(), software: software.value.trim()};
    }
    message.textContent = '';
    submit.disabled = true;
    submit.textContent = 'Création en cours…';
    // Through the outbox (commands.js): kept until answered, even across a reload.
    const slot = `create:${id}`;
    const ack = await app.run(slot, id, 'CreateGrappe', payload, {label: 'Création', id});
    submit.disabled = false;
    submit.textContent = 'Créer la grappe';
    if (ack) return app.navigate(`#/grappe/${encodeURIComponent(id)}`);
    message.textContent = rejectionText(app.store.slot(slot)?.rejection);
    app.store.clearSlot(slot);
  }

  const node = el(
      'details', {class: 'card create'}, el('summary', null, 'Créer une grappe'),
      el('form', {onsubmit: create, 'data-testid': 'create-form'}, field('Nom de la grappe', name),
         field('Appel à projets', call), field('Porteur (FINESS EJ)', porteur),
         field('Région', region), regionWarning, field('Description', description),
         field('Éditeur du DUI', vendor), field('Logiciel DUI', software), submit, message));
  node.addEventListener('toggle', () => node.open && checkRegion());
  // Organisation names arrive after the form is drawn.
  const refresh = () => {
    for (const o of porteur.options) o.textContent = app.names.organisation(o.value);
  };
  return {node, refresh};
}

// Warns (without refusing) when the porteur has no establishment in the chosen region, as the
// registry says (GET /api/establishments?ej=, read once per organisation).
function regionCheck(app, porteur, region, warning) {
  const regionsOf = new Map();  // EJ → Set of the regions of its establishments
  return async () => {
    const ej = porteur.value;
    const code = region.value;
    if (!regionsOf.has(ej)) {
      try {
        const {establishments = []} = await app.api.get('/api/establishments', {ej, limit: 500});
        regionsOf.set(ej, new Set(establishments.map((e) => e.region)));
      } catch {
        return;  // unknown: no warning
      }
    }
    if (porteur.value !== ej || region.value !== code) return;  // changed meanwhile
    const theirs = regionsOf.get(ej);
    warning.textContent = theirs.size && !theirs.has(code) ?
        `${app.names.organisation(ej)} n’a aucun établissement en ${
            app.regions.name(code)} : vérifiez la région. Ses établissements sont en ${
                [...theirs].map((r) => app.regions.name(r)).join(', ')}.` :
        '';
  };
}
