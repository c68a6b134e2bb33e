// Picking organismes gestionnaires (FINESS EJ) for an access request: a search in the registry
// (GET /api/establishments?q= by name, commune or FINESS, and ?ej= when the text is a FINESS
// number) whose establishments are grouped by their EJ, each shown with its name, its number
// and the SIREN the registry gives (the first nine digits of its establishments' SIRET): the
// one matching the SIRET of the person's identity provider is marked.
import {debounce, el, field} from '../lib/dom.js';
import {sirenOf} from '../lib/identity.js';

const MIN_QUERY = 2;
const MAX_QUERY = 200;
const LIMIT = 50;
const SHOWN_ESTABLISHMENTS = 3;

export function createEjPicker(api, who) {
  const input =
      el('input',
         {type: 'search', name: 'ej-search', autocomplete: 'off', 'data-testid': 'ej-search'});
  const status = el('p', {class: 'hint', role: 'status', 'data-testid': 'ej-search-status'});
  const results = el('ul', {class: 'plain results', 'data-testid': 'ej-results'});
  const chosenList = el('ul', {class: 'plain chosen', 'data-testid': 'ej-chosen'});
  const chosen = new Map();  // ej → its group, in the order picked
  const mySiren = who.siret ? sirenOf(who.siret) : '';
  let found = [];
  let aborter = null;

  const search = debounce(async () => {
    const q = input.value.trim();
    aborter?.abort();
    if (q.length < MIN_QUERY || q.length > MAX_QUERY) {
      found = [];
      status.textContent = q.length > MAX_QUERY ? 'Recherche trop longue.' : '';
      return paint();
    }
    aborter = new AbortController();
    status.textContent = 'Recherche…';
    try {
      const asked = [api.get('/api/establishments', {q, limit: LIMIT}, aborter.signal)];
      if (/^[0-9][0-9AB][0-9]{7}$/i.test(q)) {
        asked.push(
            api.get('/api/establishments', {ej: q.toUpperCase(), limit: LIMIT}, aborter.signal)
                .catch(() => ({establishments: []})));
      }
      const answers = await Promise.all(asked);
      found = groupByEj(answers.flatMap((a) => a.establishments ?? []));
      status.textContent = found.length ?
          `${found.length} organisme(s) trouvé(s).` :
          'Aucun organisme trouvé. Essayez le nom d’un établissement, sa commune ou un ' +
              'numéro FINESS.';
      paint();
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = e.status === 401 || e.status === 403 ?
          'La recherche dans le répertoire FINESS n’est pas ouverte avant l’accès : indiquez les ' +
              'numéros FINESS EJ dans votre message.' :
          'La recherche a échoué. Réessayez.';
    }
  }, 250);
  input.addEventListener('input', search);

  function paint() {
    results.replaceChildren(...found.map((g) => resultItem(g)));
    chosenList.replaceChildren(...[...chosen.values()].map(
        (g) =>
            el('li', {'data-testid': `ej-chosen-${g.ej}`},
               el('span', null, el('strong', null, g.name), ` — FINESS EJ ${g.ej}`), ' ',
               el('button', {
                 type: 'button',
                 class: 'link',
                 'aria-label': `Retirer ${g.name}`,
                 onclick: () => {
                   chosen.delete(g.ej);
                   paint();
                   input.focus();
                 }
               },
                  'Retirer'))));
    chosenList.previousElementSibling.hidden = chosen.size === 0;
  }

  function resultItem(g) {
    const picked = chosen.has(g.ej);
    const mine = mySiren && g.sirens.includes(mySiren);
    return el(
        'li', {class: 'result', 'data-testid': `ej-result-${g.ej}`}, el('strong', null, g.name),
        ` — FINESS EJ ${g.ej}`,
        mine ? [' ', el('span', {class: 'badge looking'}, 'Correspond à votre SIRET')] : null,
        el('div', {class: 'meta'},
           g.sirens.length ? `SIREN (répertoire) : ${g.sirens.join(', ')} · ` : '',
           `${g.establishments.length} établissement(s) trouvé(s) : `,
           g.establishments.slice(0, SHOWN_ESTABLISHMENTS)
               .map((e) => e.commune ? `${e.name} (${e.commune})` : e.name)
               .join(', '),
           g.establishments.length > SHOWN_ESTABLISHMENTS ? '…' : ''),
        el('button', {
          type: 'button',
          class: 'secondary',
          disabled: picked,
          'data-testid': `ej-add-${g.ej}`,
          'aria-label': `Ajouter ${g.name}`,
          onclick: () => {
            chosen.set(g.ej, g);
            paint();
            input.focus();
          }
        },
           picked ? 'Ajouté' : 'Ajouter'));
  }

  const node =
      el('div', {class: 'ej-picker', 'data-testid': 'ej-picker'},
         field(
             'Rechercher votre organisme gestionnaire', input,
             'Le nom d’un de ses établissements, sa commune ou un numéro FINESS (EJ ou ET).'),
         status, results, el('h3', {hidden: true}, 'Organismes choisis'), chosenList);
  return {
    node,
    chosen: () => [...chosen.keys()],
    focus: () => input.focus(),
    stop: () => {
      search.cancel();
      aborter?.abort();
    },
  };
}

// Establishments → one group per EJ: {ej, name, sirens, establishments}, most found first.
function groupByEj(establishments) {
  const groups = new Map();
  const seen = new Set();
  for (const e of establishments) {
    if (seen.has(e.finess)) continue;
    seen.add(e.finess);
    const g = groups.get(e.ej) ??
        {ej: e.ej, name: e.ejName || `Organisme ${e.ej}`, sirens: [], establishments: []};
    g.establishments.push(e);
    const siren = e.siret ? sirenOf(e.siret) : '';
    if (siren && !g.sirens.includes(siren)) g.sirens.push(siren);
    groups.set(e.ej, g);
  }
  return [...groups.values()].sort((a, b) => b.establishments.length - a.establishments.length);
}
