// Administration: the registry of establishments in service, and its replacement by a file
// (FINESS+ JSON, etalab extract or simple CSV) sent with its progress, then read by the server,
// which answers once the whole file is read (POST /api/admin/registry, PROTOCOL.md v2).
import {confirmAction} from '../lib/dialog.js';
import {el, field, formatDateTime} from '../lib/dom.js';
import {frenchDate} from '../lib/labels.js';
import {bytesOfText, countText, integerText, percentText, sourceText} from '../lib/registry.js';

const POLL_MS = 500;
const MAX_BYTES = 2 * 1024 ** 3;  // the server's limit (2 Gio)
const LOADING = new Set(['receiving', 'reading']);
const KEPT = 'Le registre précédent reste en service.';

// The section and a function stopping its timers, for mountAdmin.
export function registrySection(app) {
  const current =
      el('div', {'data-testid': 'registry-current'}, el('p', {class: 'loading'}, 'Chargement…'));
  const file = el('input', {type: 'file', name: 'registry', accept: '.json,.gz,.csv'});
  const submit =
      el('button', {type: 'submit', 'data-testid': 'registry-submit'}, 'Charger ce fichier');
  const bar = el('progress', {max: 1, value: 0, 'aria-labelledby': 'registry-progress-text'});
  const barText = el('span', {id: 'registry-progress-text'});
  const progress =
      el('div', {class: 'progress-line', 'data-testid': 'registry-progress'}, bar, barText);
  progress.hidden = true;
  const outcome = el('div', {'data-testid': 'registry-result', 'aria-live': 'polite'});
  const error = el('p', {class: 'error', role: 'alert', 'data-testid': 'registry-error'});
  let alive = true;
  let timer = null;
  let busy = false;
  let spoken = '';  // the last progress step read out (each tenth, not each percent)

  function setBusy(on) {
    busy = on;
    submit.disabled = on;
    file.disabled = on;
    submit.textContent = on ? 'Chargement en cours…' : 'Charger ce fichier';
    if (!on) progress.hidden = true;
  }

  function showProgress(phase, share, detail = '') {
    progress.hidden = false;
    bar.value = Math.max(0, Math.min(1, share));
    barText.textContent = `${phase} : ${percentText(share)}${detail}`;
    const step = `${phase} ${Math.floor(share * 10)}`;
    if (step !== spoken) app.announce(barText.textContent);
    spoken = step;
  }

  const showSending = (sent, total) =>
      showProgress('Envoi', total ? sent / total : 0, ` (${bytesOfText(sent, total)})`);

  // The server's side of a load, seen by polling: receiving (bytes still arriving), reading.
  function showLoad(load) {
    if (load.state === 'receiving') {
      const total = load.expectedBytes;
      showProgress('Réception par le serveur', total ? load.receivedBytes / total : 0);
    } else {
      showProgress('Lecture du fichier', load.progress ?? 0);
    }
  }

  // While this page's upload waits for its answer (`mine`), or while another load runs.
  async function poll(mine) {
    clearTimeout(timer);
    let status = null;
    try {
      status = await app.api.get('/api/admin/registry');
    } catch {
      // a missed poll changes nothing: the next one, or the answer, tells
    }
    if (!alive || (mine && !busy)) return;
    const running = status && LOADING.has(status.load.state);
    if (running) showLoad(status.load);
    if (!mine && status && !running) {
      setBusy(false);
      return showStatus(status, true);
    }
    timer = setTimeout(() => poll(mine), POLL_MS);
  }

  // The registry in service and, when `ended`, how the last load ended.
  function showStatus(status, ended) {
    current.replaceChildren(currentNode(status.current));
    if (!ended) return;
    if (status.load.state === 'failed') {
      error.textContent = failedText(status.load.error);
    } else if (status.load.state === 'done') {
      outcome.replaceChildren(...successNodes(status));
    }
  }

  // `quiet`: after this page's own failed upload, whose error already shows.
  async function loadStatus(quiet = false) {
    try {
      const status = await app.api.get('/api/admin/registry');
      if (!alive) return;
      showStatus(status, false);
      if (!busy && LOADING.has(status.load.state)) {  // begun by another page or admin
        setBusy(true);
        outcome.replaceChildren(el('p', null, 'Un fichier est déjà en cours de chargement.'));
        showLoad(status.load);
        poll(false);
      } else if (status.load.finishedAt && !quiet) {
        current.append(lastLoadNode(status.load));
      }
    } catch (e) {
      current.replaceChildren(
          el('p', {class: 'warning'},
             e.status === 404 ? 'Indisponible sur ce serveur.' :
                                'Impossible de lire le registre en service.'));
    }
  }

  async function send(e) {
    e.preventDefault();
    if (busy) return;
    error.textContent = '';
    const chosen = file.files[0];
    if (!chosen) {
      error.textContent = 'Choisissez d’abord un fichier.';
      return file.focus();
    }
    if (chosen.size > MAX_BYTES) {
      error.textContent = `Le fichier n’a pas été chargé : il dépasse 2 Gio. ${KEPT}`;
      return;
    }
    const confirmed = await confirmAction({
      title: 'Remplacer le registre',
      text: 'Remplacer le registre en service par ce fichier ? Les validations déjà faites ' +
          'gardent le registre qu’elles ont utilisé.',
      confirmText: 'Remplacer',
    });
    if (!confirmed || !alive) return;
    setBusy(true);
    outcome.replaceChildren();
    showSending(0, chosen.size);
    const sending = () => true;
    app.unsaved.add(sending);  // leaving the app would cut the upload: the browser asks first
    try {
      const status = await app.api.upload('/api/admin/registry', chosen, {
        onSending: showSending,
        onSent: () => {
          showProgress('Lecture du fichier', 0);
          poll(true);
        },
      });
      setBusy(false);
      showStatus(status, true);
      file.value = '';
    } catch (err) {
      setBusy(false);
      error.textContent = failedText(uploadError(err));
      loadStatus(true);  // the registry in service, unchanged
    } finally {
      app.unsaved.delete(sending);
    }
  }

  const node =
      el('section', {class: 'card registry', 'aria-labelledby': 'registry-title'},
         el('h2', {id: 'registry-title'}, 'Registre des établissements'), current,
         el('h3', null, 'Charger un nouveau registre'),
         el('p', {class: 'hint'},
            'Fichier FINESS+ de data.gouv.fr (.json ou .json.gz), extrait FINESS d’etalab (.csv) ' +
                'ou CSV simple, 2 Gio au plus. Le registre en service le reste jusqu’à ce que le ' +
                'nouveau soit entièrement lu.'),
         el('form', {class: 'registry-form', onsubmit: send}, field('Fichier du registre', file),
            submit),
         progress, error, outcome);
  loadStatus();
  return {
    node,
    stop: () => {
      alive = false;
      clearTimeout(timer);
    },
  };
}

function currentNode(c) {
  const row =
      (term, value, testid) => [el('dt', null, term), el('dd', {'data-testid': testid}, value)];
  return el(
      'dl', {class: 'details'}, row('Source', sourceText(c.source), 'registry-source'),
      row('Généré le', c.generatedAt ? frenchDate(c.generatedAt) : 'non indiqué par le fichier'),
      row('Chargé le', formatDateTime(c.loadedAt)),
      row('Établissements', integerText(c.establishments), 'registry-establishments'),
      row('dont fermés', integerText(c.closed)),
      row('Organismes gestionnaires', integerText(c.organisations)),
      row('Empreinte SHA-256',
          el('code', {title: `SHA-256 : ${c.sha256}`}, String(c.sha256 ?? '').slice(0, 12))));
}

function lastLoadNode(load) {
  const when = `Dernier chargement le ${formatDateTime(load.finishedAt)}`;
  return el(
      'p', {class: 'hint'},
      load.state === 'failed' ? `${when} : échoué (${load.error}).` : `${when} : réussi.`);
}

function successNodes({current: c, load}) {
  return [
    el('p', {class: 'ok', 'data-testid': 'registry-success'},
       `Registre chargé : ${sourceText(c.source)}` +
           (c.generatedAt ? ` du ${frenchDate(c.generatedAt)}` : '') + ', ' +
           `${countText(c.establishments, 'établissement', 'établissements')} (dont ` +
           `${countText(c.closed, 'fermé', 'fermés')}), ` +
           `${countText(c.organisations, 'organisme gestionnaire', 'organismes gestionnaires')}.`),
    warningsNode(load),
  ];
}

// What the file reader skipped or fixed: the first 50 of them, folded.
function warningsNode(load) {
  const count = load.warningCount ?? 0;
  const shown = load.warnings ?? [];
  if (!count) return el('p', {class: 'hint'}, 'Aucune remarque sur le fichier.');
  return el(
      'details', {class: 'warnings', 'data-testid': 'registry-warnings'},
      el('summary', null, countText(count, 'remarque', 'remarques')),
      el('p', {class: 'hint'}, 'Lignes ignorées ou corrigées à la lecture du fichier.'),
      el('ul', null, shown.map((w) => el('li', null, w))),
      count > shown.length ?
          el('p', {class: 'hint'}, `Seules les ${shown.length} premières sont montrées.`) :
          null);
}

// Why an upload was refused, in words (the server's own for a bad file: its line or offset).
function uploadError(err) {
  if (err.status === 0) return 'le serveur est injoignable ou l’envoi a été interrompu';
  if (err.status === 401) return 'votre session n’est plus valide, reconnectez-vous';
  if (err.status === 403) return 'il faut être administrateur';
  if (err.status === 413) return 'le fichier dépasse 2 Gio';
  return err.message || `erreur ${err.status} du serveur`;
}

function failedText(why) {
  const reason = String(why ?? 'raison inconnue').replace(/[.\s]+$/, '');
  return `Le fichier n’a pas été chargé : ${reason}. ${KEPT}`;
}
