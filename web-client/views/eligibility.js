// The eligibility panel: accepted members against the threshold, the last validation's rules,
// a client-side estimate of what pending invitations would change, and the dossier actions
// (validate, submit, reopen; the ARS's decision).
import {askText} from '../lib/dialog.js';
import {el, field, formatDateTime, replace} from '../lib/dom.js';
import {DECISION_LABELS, label, OUTCOME_LABELS, rejectionText, RULE_LABELS} from '../lib/labels.js';
import {canDecide, isOpen, isPorteur} from '../lib/permissions.js';

import {progress} from './grappes.js';

export function createEligibility(app, grappe) {
  const decisionForm = buildDecisionForm(app, grappe);
  const node = el(
      'section',
      {class: 'card eligibility', 'aria-labelledby': 'elig-title', 'data-testid': 'eligibility'});

  function update(state) {
    if (!state) return;
    const accepted = state.members.filter((m) => m.status === 'accepted').length;
    replace(
        node, el('h2', {id: 'elig-title'}, 'Éligibilité'), progress(accepted, state.threshold),
        estimate(state, accepted), rules(state.lastValidation), actions(app, grappe, state),
        decision(state), canDecide(app.me, state) ? decisionForm : null);
  }
  return {node, update};
}

// Which pending invitations would bring the grappe to its threshold (size only).
export function whatIf(state, accepted) {
  const failing = new Set((state.lastValidation?.rules ?? [])
                              .filter((r) => r.outcome === 'fail' && r.rule !== 'min_size')
                              .flatMap((r) => r.finess ?? []));
  const pending = state.members.filter((m) => m.status === 'invited' && !failing.has(m.finess));
  return {missing: Math.max(0, state.threshold - accepted), pending};
}

function estimate(state, accepted) {
  const {missing, pending} = whatIf(state, accepted);
  let text;
  if (missing === 0) {
    text = 'Le seuil est atteint.';
  } else if (pending.length >= missing) {
    text = `Il manque ${missing} membre(s) : si ${missing} des ${
               pending.length} invitation(s) en attente ` +
        'sont acceptées, la grappe atteindra le seuil.';
  } else {
    text =
        `Il manque ${missing} membre(s) : même si les ${pending.length} invitation(s) en attente ` +
        `étaient acceptées, il en manquerait encore ${missing - pending.length}.`;
  }
  return el(
      'div', {class: 'estimate', 'data-testid': 'what-if'},
      el('p', null, el('strong', null, 'Estimation : '), text),
      missing > 0 && pending.length ?
          el('details', null, el('summary', null, 'Invitations en attente'),
             el('ul', null,
                pending.map((m) => el('li', null, `${m.name ?? m.finess} (${m.finess})`)))) :
          null,
      el('p', {class: 'hint'},
         'Estimation calculée par votre navigateur sur le seul nombre de membres ; ' +
             'la vérification du serveur fait foi.'));
}

function rules(validation) {
  if (!validation) {
    return el(
        'p', {class: 'hint', 'data-testid': 'no-validation'},
        'Aucune vérification pour le moment.');
  }
  return el(
      'div', {'data-testid': 'validation'},
      el('p', null,
         validation.eligible ? 'Dernière vérification : éligible' :
                               'Dernière vérification : non éligible',
         validation.at ? ` (${formatDateTime(validation.at)})` : '',
         ` — ${validation.members} / ${validation.threshold} membres`),
      el('ul', {class: 'plain rules'},
         (validation.rules ?? [])
             .map(
                 (r) =>
                     el('li', {'data-testid': `rule-${r.rule}`, 'data-outcome': r.outcome},
                        el('span', {class: `badge outcome-${r.outcome}`},
                           label(OUTCOME_LABELS, r.outcome)),
                        ' ', el('strong', null, label(RULE_LABELS, r.rule)),
                        el('p', {class: 'hint'}, r.detail ?? '',
                           r.finess?.length ? ` (${r.finess.join(', ')})` : '')))));
}

function actions(app, grappe, state) {
  if (!isPorteur(app.me, state)) return null;
  const key = `${grappe}:dossier`;
  const slot = app.store.slot(key);
  const button = (text, testid, handler) =>
      el('button', {
        type: 'button',
        'data-testid': testid,
        'data-key': testid,
        onclick: handler,
        disabled: !!slot?.pending
      },
         text);
  const run = (name, payload, text) => app.run(key, grappe, name, payload, {label: text});
  const list = [];
  if (isOpen(state)) {
    list.push(button(
        'Vérifier l’éligibilité', 'request-validation',
        () => run('RequestValidation', {}, 'Vérification')));
    list.push(
        button('Déposer le dossier', 'submit-dossier', () => run('SubmitDossier', {}, 'Dépôt')));
  }
  if (state.status === 'submitted' && !state.decision) {
    list.push(button('Rouvrir le dossier', 'reopen-dossier', async () => {
      const reason = await askText(
          {title: 'Rouvrir le dossier', labelText: 'Motif (obligatoire)', required: true});
      if (reason) run('ReopenDossier', {reason}, 'Réouverture');
    }));
  }
  return el(
      'div', {class: 'actions'}, list,
      slot?.pending ? el('span', {class: 'pending'}, `${slot.label} en attente…`) : null,
      slot?.rejection ? el('p', {class: 'error', role: 'alert', 'data-testid': 'rejection'},
                           rejectionText(slot.rejection)) :
                        null);
}

function decision(state) {
  if (!state.decision) return null;
  const d = state.decision;
  return el(
      'p', {class: `decision decision-${d.decision}`, 'data-testid': 'decision'},
      `Décision de l’ARS : ${label(DECISION_LABELS, d.decision)}`,
      d.by?.name ? ` — ${d.by.name}` : '', d.at ? `, ${formatDateTime(d.at)}` : '',
      d.comment ? el('span', {class: 'quote'}, ` « ${d.comment} »`) : '');
}

function buildDecisionForm(app, grappe) {
  const accepted = el('input', {
    type: 'radio',
    name: 'decision',
    value: 'accepted',
    id: 'decision-accepted',
    required: true
  });
  const rejected =
      el('input', {type: 'radio', name: 'decision', value: 'rejected', id: 'decision-rejected'});
  const comment = el('textarea', {name: 'comment', rows: 2, maxlength: 4000});
  const error = el('p', {class: 'error', role: 'alert'});
  const submit = el('button', {type: 'submit'}, 'Enregistrer la décision');
  return el(
      'form', {
        class: 'decision-form',
        'data-testid': 'decision-form',
        onsubmit: async (e) => {
          e.preventDefault();
          const value = accepted.checked ? 'accepted' : rejected.checked ? 'rejected' : null;
          if (!value) return;
          submit.disabled = true;
          error.textContent = '';
          const ack = await app.run(
              `${grappe}:decision`, grappe, 'RecordDecision',
              {decision: value, comment: comment.value.trim()}, {label: 'Décision'});
          submit.disabled = false;
          if (!ack)
            error.textContent = rejectionText(app.store.slot(`${grappe}:decision`)?.rejection);
        },
      },
      el('fieldset', null, el('legend', null, 'Décision de l’ARS'),
         el('div', null, accepted,
            el('label',
               {for: 'decision-accepted'
               },
               'Retenue')),
         el('div', null, rejected,
            el('label',
               {for: 'decision-rejected'
               },
               'Non retenue'))),
      field('Commentaire', comment), submit, error);
}
