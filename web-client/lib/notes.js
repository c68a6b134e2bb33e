// One formatter for the words people attach to events (invitation message, reasons, the ARS's
// decision comment, comment texts), used alike by the members table, the activity feed and the
// auditor's timeline. The text comes from the server: it goes in as text, never as HTML.
import {noteOf} from '../events.js';

import {el, formatDateTime} from './dom.js';
import {DECISION_LABELS, label} from './labels.js';

const NOTE_LABELS = {
  message: 'Message',
  reason: 'Motif',
  decision: 'Commentaire de l’ARS',
  comment: 'Commentaire',
};

// <p class="note"> "Motif : « … »" for the event, or null when it carries no words.
export function noteNode(event) {
  const note = noteOf(event);
  return note ? noteParagraph(note.kind, note.text) : null;
}

function noteParagraph(kind, text) {
  if (!text?.trim()) return null;
  return el(
      'p', {class: `note note-${kind}`, 'data-testid': 'note'},
      el('span', {class: 'note-label'}, `${NOTE_LABELS[kind]} : `), `« ${text} »`);
}

// The ARS's decision as the state holds it ({decision, comment, by, at}): outcome, who, when,
// and its comment in the same words as the event's note. Null when there is none.
export function decisionNode(d, testid = 'decision') {
  if (!d) return null;
  return el(
      'div', {class: `decision decision-${d.decision}`, 'data-testid': testid},
      el('p', null, `Décision de l’ARS : ${label(DECISION_LABELS, d.decision)}`,
         d.by?.name ? ` — ${d.by.name}` : '', d.at ? `, ${formatDateTime(d.at)}` : ''),
      noteParagraph('decision', d.comment));
}
