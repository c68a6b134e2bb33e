// The auditor's view of one grappe: its history as a timeline, the state at any version or date
// (server-side time travel) with the event that led there, the hash chain's verification, each
// event's receipt, checked with the log's verifier key the auditor pinned (./logkey.js), and all
// of the grappe's receipts checked at once (« Vérifier cette grappe », lib/grappe_check.js).
import {grappeEvents, grappePath} from '../api.js';
import {describe, lastMemberEvents} from '../events.js';
import {debounce, el, field, formatDateTime, replace} from '../lib/dom.js';
import {checkGrappe, MAX_EVENTS} from '../lib/grappe_check.js';
import {GRAPPE_STATUS_LABELS, label} from '../lib/labels.js';
import {decisionNode, noteNode} from '../lib/notes.js';

import {logKeySettings, pinnedKey} from './logkey.js';
import {membersTable} from './members.js';
import {receiptButton} from './proof.js';

const names = new Map();
const nameOf = (finess) => names.get(finess);

export function mountAudit(root, app, id) {
  const verify =
      el('section', {class: 'card', 'aria-labelledby': 'verify-title', 'data-testid': 'verify'},
         el('h2', {id: 'verify-title'}, 'Intégrité du journal (toutes les grappes)'),
         el('p', {class: 'loading'}, 'Vérification…'));
  const slider =
      el('input',
         {type: 'range', min: 1, max: 1, value: 1, step: 1, 'data-testid': 'timeline-slider'});
  const at = el('input', {type: 'datetime-local', step: 1, 'data-testid': 'timeline-date'});
  const timeline = el('ol', {class: 'plain timeline', 'data-testid': 'timeline'});
  const view = el('div', {'aria-live': 'polite', 'data-testid': 'time-travel'});
  const title = el('h1', null, 'Historique de la grappe');
  let events = [];
  let aborter = null;
  let shown = null;  // the state on screen, drawn again when organisation names arrive
  const off = app.store.listen((change) => {
    if (change.kind === 'names' && shown)
      replace(view, stateAt(shown.state, events, shown.v, app.names));
  });
  const cache = new Map();
  const keySettings = logKeySettings(app);  // the key the receipts below are checked with
  const grappeCheck = grappeCheckSection(app, id, keySettings);

  async function show(query, version) {
    aborter?.abort();
    aborter = new AbortController();
    view.setAttribute('aria-busy', 'true');
    try {
      const key = JSON.stringify(query);
      const state =
          cache.get(key) ?? await app.api.get(`${grappePath(id)}/state`, query, aborter.signal);
      cache.set(key, state);
      const v = version ?? state.version;
      slider.value = String(v);
      markCurrent(timeline, v);
      shown = {state, v};
      replace(view, stateAt(state, events, v, app.names));
    } catch (e) {
      if (e.name === 'AbortError') return;
      view.replaceChildren(
          query.at && e.status === 404 ?
              beforeCreation(query.at, events[0]) :
              el('p', {class: 'error', role: 'alert'}, 'Impossible d’afficher cet état.'));
    }
    view.setAttribute('aria-busy', 'false');
  }
  const goTo = (v) => show({atVersion: v}, v);
  const onSlide = debounce(() => goTo(Number(slider.value)), 150);
  slider.addEventListener('input', onSlide);

  const step = (delta) => goTo(Math.min(events.length, Math.max(1, Number(slider.value) + delta)));
  root.append(el(
      'div', {class: 'audit-view', 'data-testid': 'audit-view'},
      el('div', {class: 'crumbs'},
         el('a', {href: `#/grappe/${encodeURIComponent(id)}`}, '← Retour à la grappe')),
      title, verify, grappeCheck,
      el('section', {class: 'card', 'aria-labelledby': 'travel-title'},
         el('h2', {id: 'travel-title'}, 'Remonter le temps'),
         el('div', {class: 'travel-controls'},
            el('button', {type: 'button', onclick: () => step(-1), 'data-testid': 'timeline-prev'},
               '◀ Version précédente'),
            field('Version affichée', slider),
            el('button', {type: 'button', onclick: () => step(1), 'data-testid': 'timeline-next'},
               'Version suivante ▶'),
            el('form', {
              class: 'inline',
              onsubmit: (e) => {
                e.preventDefault();
                if (!at.value) return;
                const when = new Date(at.value);
                if (events.length && when < new Date(events[0].at)) {
                  return replace(view, beforeCreation(when.toISOString(), events[0]));
                }
                show({at: when.toISOString()});
              }
            },
               field('Aller à la date', at), el('button', {type: 'submit'}, 'Afficher'))),
         view),
      keySettings,
      el('section', {class: 'card', 'aria-labelledby': 'timeline-title'},
         el('h2', {id: 'timeline-title'}, 'Événements'), timeline)));

  (async () => {
    try {
      events = await grappeEvents(app.api, id);
    } catch {
      timeline.replaceChildren(
          el('p', {class: 'error', role: 'alert'},
             'Historique indisponible (droits insuffisants ou grappe inconnue).'));
      return;
    }
    // Events that carry an establishment's name let the others be worded with it.
    for (const e of events)
      if (e.data?.name && e.data?.finess) names.set(e.data.finess, e.data.name);
    slider.max = String(Math.max(1, events.length));
    const proof = (e) => receiptButton(app, id, e.version, {verify: true});
    timeline.replaceChildren(...events.map((e) => timelineItem(e, goTo, proof)));
    if (events.length) goTo(events.length);
  })();
  loadVerification(app, verify);
  return () => {
    off();
    keySettings.unmount();
    grappeCheck.unmount();
    aborter?.abort();
    onSlide.cancel();
  };
}

// One event of the timeline: the button that travels to its version (named by what happened),
// the words attached to it (reason, message, comment), its hash in the log's chain and, with
// `proof(e)`, the download of its receipt, checked in the browser.
function timelineItem(e, goTo, proof = null) {
  return el(
      'li', {'data-testid': `timeline-item-${e.version}`},
      el('button', {
        type: 'button',
        class: 'link event',
        'data-version': e.version,
        'data-testid': `timeline-${e.version}`,
        onclick: () => goTo(e.version),
      },
         `v${e.version} · ${formatDateTime(e.at)} · ${e.actor?.name ?? ''} ${describe(e, nameOf)}`),
      noteNode(e), hashNode(e.hash, true), proof?.(e));
}

// The event's hash: in full, or its first 12 characters with the rest in a tooltip.
function hashNode(hash, short = false) {
  if (!hash) return null;
  return el(
      'p', {class: 'hash', 'data-testid': 'event-hash'}, 'Empreinte : ',
      el('code', {title: short ? hash : null}, short ? `${hash.slice(0, 12)}…` : hash));
}

// A date before the grappe's first event: said in words, with the date it was created.
function beforeCreation(iso, first) {
  return el(
      'p', {class: 'warning', role: 'status', 'data-testid': 'travel-before'},
      `La grappe n’existait pas encore le ${formatDateTime(iso)}`,
      first ? ` : elle a été créée le ${formatDateTime(first.at)}${
                  first.actor?.name ? ` par ${first.actor.name}` : ''}.` :
                                      '.');
}

function markCurrent(timeline, version) {
  for (const b of timeline.querySelectorAll('button.event')) {
    if (Number(b.dataset.version) === version)
      b.setAttribute('aria-current', 'step');
    else
      b.removeAttribute('aria-current');
  }
}

// The state at version `v`, the event that led there (who, what, the words attached, its hash),
// the ARS's decision if there was one by then, and the members with each one's latest reason.
function stateAt(state, events, v, orgNames) {
  const event = events.find((e) => e.version === v);
  const notes = lastMemberEvents(events.filter((e) => e.version <= state.version));
  return [
    el('p', {class: 'travel-summary', 'data-testid': 'travel-version'},
       `État à la version ${state.version} : « ${state.name} », ${
           label(GRAPPE_STATUS_LABELS, state.status)}, `,
       `${state.counts?.accepted ?? 0} / ${state.threshold} membres acceptés.`),
    event ? el('div', {class: 'travel-event', 'data-testid': 'travel-event'},
               el('p', null, 'Événement : ', el('strong', null, event.actor?.name ?? ''),
                  ` ${describe(event, nameOf)} — ${formatDateTime(event.at)}`),
               noteNode(event), hashNode(event.hash)) :
            null,
    decisionNode(state.decision, 'travel-decision'),
    membersTable(state.members ?? [], {notes, names: orgNames}),
  ];
}

async function loadVerification(app, root) {
  const title = root.firstChild;
  try {
    const r = await app.api.get('/api/audit/verify');
    root.replaceChildren(
        title,
        r.ok ? el('p', {class: 'ok', 'data-testid': 'verify-result'},
                  `Chaîne intègre : ${r.events} événements du journal vérifiés, ` +
                      'ceux de cette grappe compris. Empreinte de tête : ',
                  el('code', null, r.head)) :
               el('p', {class: 'error', 'data-testid': 'verify-result'},
                  `Chaîne rompue à la position ${r.firstBadPosition} (${r.events} événements).`));
  } catch {
    root.replaceChildren(title, el('p', {class: 'error'}, 'Vérification indisponible.'));
  }
}

const count = (n) => n.toLocaleString('fr-FR');

// « Vérifier cette grappe »: every receipt of the grappe checked here with the pinned key, the
// progress, then the outcome in words. Without a pinned key, points to `keySettings`.
function grappeCheckSection(app, id, keySettings) {
  const button =
      el('button', {type: 'button', 'data-testid': 'grappe-check-start'}, 'Vérifier cette grappe');
  const bar = el('progress', {max: 1, value: 0, 'aria-labelledby': 'grappe-check-progress'});
  const counter = el('span', {id: 'grappe-check-progress', 'data-testid': 'grappe-check-progress'});
  const line = el('div', {class: 'progress-line', hidden: true}, bar, counter);
  const result = el('p', {role: 'status', 'data-testid': 'grappe-check-result'});
  const section =
      el('section',
         {class: 'card', 'aria-labelledby': 'grappe-check-title', 'data-testid': 'grappe-check'},
         el('h2', {id: 'grappe-check-title'}, 'Vérifier cette grappe'),
         el('p', {class: 'hint'},
            'Chaque événement de cette grappe est vérifié dans ce navigateur : sa preuve ' +
                'd’enregistrement, avec la clé de vérification du journal que vous avez ' +
                `enregistrée (jusqu’à ${count(MAX_EVENTS)} événements).`),
         button, line, result);
  let aborter = null;
  const say = (kind, ...text) => {
    result.className = kind;
    replace(result, ...text);
  };
  const goToKey = (e) => {
    e.preventDefault();  // the page's address is its route
    const input = keySettings.querySelector('input');
    input.scrollIntoView({block: 'center'});
    input.focus();
  };

  async function run() {
    if (aborter) return;
    const verifierKey = pinnedKey();
    if (!verifierKey) {
      return say(
          'warning',
          'Enregistrez d’abord la clé de vérification du journal, obtenue ' +
              'par un autre canal que ce serveur : ',
          el('a', {href: '#log-key-title', onclick: goToKey, 'data-testid': 'grappe-check-key'},
             'Clé de vérification du journal'),
          '.');
    }
    aborter = new AbortController();
    button.setAttribute('aria-disabled', 'true');  // not `disabled`: it would drop the focus
    section.setAttribute('aria-busy', 'true');
    say('pending', 'Vérification en cours…');
    const onProgress = (done, total) => {
      line.hidden = false;
      bar.max = Math.max(1, total);
      bar.value = done;
      counter.textContent = `${count(done)} / ${count(total)} événements vérifiés`;
    };
    try {
      const r = await checkGrappe(
          {api: app.api, grappe: id, verifierKey, signal: aborter.signal, onProgress});
      if (r.ok) {
        say('ok', outcome(r));
      } else if (r.version == null) {
        say('error', `Vérification impossible : ${r.reason}.`);
      } else {
        say('error', `Échec à l’événement de version ${r.version} : ${r.reason}.`);
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      say('error', 'Vérification interrompue : réessayez.');
    } finally {
      aborter = null;
      button.removeAttribute('aria-disabled');
      section.setAttribute('aria-busy', 'false');
      button.textContent = 'Vérifier à nouveau';
    }
  }
  button.addEventListener('click', run);
  section.unmount = () => aborter?.abort();
  return section;
}

// "Les 340 événements de cette grappe sont inclus dans le journal signé (point de contrôle …)".
function outcome({checked, complete, origin, sizes}) {
  if (!checked) return 'Aucun événement à vérifier.';
  const which = sizes.min === sizes.max ?
      `point de contrôle « ${origin} », taille ${sizes.max}` :
      `points de contrôle « ${origin} », tailles ${sizes.min} à ${sizes.max}`;
  const where = `dans le journal signé (${which})`;
  if (!complete) {
    return `Les ${count(checked)} premiers événements de cette grappe sont inclus ${where}. ` +
        `La grappe en compte davantage : au-delà de ${count(MAX_EVENTS)}, ils ne sont pas ` +
        'vérifiés ici.';
  }
  return checked === 1 ? `L’événement de cette grappe est inclus ${where}.` :
                         `Les ${count(checked)} événements de cette grappe sont inclus ${where}.`;
}
