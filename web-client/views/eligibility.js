// The eligibility panel: accepted members against the threshold, the last validation's rules,
// a client-side estimate of what pending invitations would change, and the dossier actions
// (validate, submit, reopen; the ARS's decision).
import {establishmentPath} from '../api.js';
import {deadlineNode} from '../lib/calls.js';
import {askText, confirmAction} from '../lib/dialog.js';
import {debounce, el, field, formatDateTime, isClosed, renderKeepingFocus} from '../lib/dom.js';
import {DECISION_LABELS, label, OUTCOME_LABELS, rejectionText, RULE_LABELS} from '../lib/labels.js';
import {decisionNode} from '../lib/notes.js';
import {canDecide, isOpen, isPorteur} from '../lib/permissions.js';

import {progress} from './grappes.js';

export function createEligibility(app, grappe) {
  const decisionForm = buildDecisionForm(app, grappe);
  const node = el(
      'section',
      {class: 'card eligibility', 'aria-labelledby': 'elig-title', 'data-testid': 'eligibility'});
  // After "Déposer le dossier" is acknowledged: the version to reach before telling whether the
  // dossier was submitted (the ack may come before its events), then the outcome to show.
  const submission = {awaited: null, refused: false, recheck: () => update(current)};
  const elsewhere = new MemberElsewhere(app, grappe, () => update(current));
  let current = null;

  function update(state) {
    if (!state) return;
    current = state;
    if (submission.awaited != null && state.version >= submission.awaited) {
      submission.refused = state.status === 'open';
      submission.awaited = null;
    }
    if (state.status !== 'open') submission.refused = false;
    const accepted = state.members.filter((m) => m.status === 'accepted').length;
    elsewhere.check(state);
    // The figures of the grappe's call (lib/calls.js): the usual ones when it is unknown here.
    const call = {
      known: Boolean(app.calls.get(state.call)),
      wanted: app.calls.minOrganisations(state.call, app.regions.overseasOrCorsica(state.region)),
      max: app.calls.maxMembers(state.call),
    };
    renderKeepingFocus(
        node, el('h2', {id: 'elig-title', 'data-key': 'elig-title', tabindex: -1}, 'Éligibilité'),
        deadlineNode(app.calls.get(state.call)), progress(accepted, state.threshold),
        estimate(state, accepted, elsewhere, call),
        submission.refused ? notSubmitted(state.lastValidation) : null, rules(state.lastValidation),
        actions(app, grappe, state, submission), decisionNode(state.decision),
        canDecide(app.me, state) ? decisionForm.node : null);
  }
  return {node, update, dirty: decisionForm.dirty};
}

// Invited members whose invitation cannot be accepted usefully: already accepted in another
// grappe of the same call (PROTOCOL.md: exclusive membership), or closed in the registry (rule
// open_establishment: `closedOn` on or before today). Read from GET /api/establishments/{finess}.
class MemberElsewhere {
  constructor(app, grappe, onChange) {
    this.app = app;
    this.grappe = grappe;
    this.taken = new Set();
    this.read = debounce((state) => this.readAll(state), 300);
    this.onChange = onChange;
    this.members = null;
  }

  has(finess) { return this.taken.has(finess); }

  check(state) {
    if (state.members === this.members) return;
    this.members = state.members;
    this.read(state);
  }

  async readAll(state) {
    const invited = state.members.filter((m) => m.status === 'invited').slice(0, 50);
    const taken = new Set();
    await Promise.all(invited.map(async (m) => {
      try {
        const e = await this.app.api.get(establishmentPath(m.finess));
        const other = (e.memberships ?? [])
                          .some(
                              (x) => x.grappe !== this.grappe && x.call === state.call &&
                                  x.status === 'accepted');
        if (other || isClosed(e.closedOn)) taken.add(m.finess);
      } catch {
        // Unknown: counted as possible, as before.
      }
    }));
    const same = taken.size === this.taken.size && [...taken].every((f) => this.taken.has(f));
    this.taken = taken;
    if (!same) this.onChange();
  }
}

const plural = (n, one, many) => `${n} ${n > 1 ? many : one}`;
const NONE_ELSEWHERE = {
  has: () => false
};

// Which pending invitations would bring the grappe to its threshold and to `wanted` distinct
// organisations. Invitations that a failing rule names, or of establishments already members
// elsewhere or closed, are not counted.
export function whatIf(state, accepted, elsewhere = NONE_ELSEWHERE, wanted = 3) {
  const failing = new Set((state.lastValidation?.rules ?? [])
                              .filter((r) => r.outcome === 'fail' && r.rule !== 'min_size')
                              .flatMap((r) => r.finess ?? []));
  const invited = state.members.filter((m) => m.status === 'invited');
  const blocked = invited.filter((m) => failing.has(m.finess) || elsewhere.has(m.finess));
  const pending = invited.filter((m) => !blocked.includes(m));
  return {
    missing: Math.max(0, state.threshold - accepted),
    pending,
    blocked,
    organisations: organisationsEstimate(state, pending, wanted),
  };
}

// min_organisations on the accepted members, and on them plus `pending`: at least `wanted`
// distinct organisations (FINESS EJ), unless one of them alone reaches the threshold.
export function organisationsEstimate(state, pending, wanted) {
  const accepted = state.members.filter((m) => m.status === 'accepted');
  const count = (members) => {
    const per = new Map();
    for (const m of members) per.set(m.ej, (per.get(m.ej) ?? 0) + 1);
    const alone = [...per.values()].some((n) => n >= state.threshold);
    return {distinct: per.size, alone, ok: per.size >= wanted || alone};
  };
  const now = count(accepted);
  const then = count([...accepted, ...pending]);
  return {wanted, now: now.distinct, alone: now.alone, ok: now.ok, reachable: then.ok};
}

function organisationsText(o) {
  const og = (n) =>
      plural(n, 'organisme gestionnaire distinct', 'organismes gestionnaires distincts');
  const rule = `il en faut au moins ${o.wanted}, sauf si l’un d’eux réunit le seuil à lui seul`;
  if (o.ok && o.now < o.wanted) {
    return 'Un organisme gestionnaire réunit à lui seul le seuil : ' +
        'il peut se porter candidat seul.';
  }
  if (o.ok) return `Les membres relèvent de ${og(o.now)} (au moins ${o.wanted}).`;
  const head = o.now ? `Les membres relèvent de ${og(o.now)} ; ${rule}` :
                       `Aucun membre pour le moment ; ${rule}`;
  return o.reachable ? `${head}. Si les invitations en attente sont acceptées, ce sera le cas.` :
                       `${head}. Les invitations en attente n’y suffisent pas.`;
}

// The last validation's max_size failure, if any: acceptances cannot fix it.
function overMaximum(validation) {
  const rule = (validation?.rules ?? []).find((r) => r.rule === 'max_size' && r.outcome === 'fail');
  return rule ? el('p', {class: 'warning', 'data-testid': 'what-if-max-size'},
                   el('strong', null, `${label(RULE_LABELS, 'max_size')} : `), rule.detail ?? '') :
                null;
}

// The call's maxMembers against the accepted members, and them plus the pending invitations.
function maximumNote(accepted, pending, max) {
  if (max == null || accepted + pending <= max) return null;
  const most = `au plus ${plural(max, 'membre', 'membres')} pour cet appel`;
  const text = accepted > max ?
      `La grappe compte ${plural(accepted, 'membre', 'membres')} : ${most}.` :
      `Si les invitations en attente étaient toutes acceptées, la grappe compterait ${
          accepted + pending} membres : ${most}.`;
  return el(
      'p', {class: 'warning', 'data-testid': 'what-if-max-members'},
      el('strong', null, 'Taille maximale : '), text);
}

function estimate(state, acceptedCount, elsewhere, call) {
  const {missing, pending, blocked, organisations} =
      whatIf(state, acceptedCount, elsewhere, call.wanted);
  const lacking = `Il manque ${plural(missing, 'membre', 'membres')}`;
  const many = pending.length > 1;
  const all = many ? `les ${pending.length} invitations en attente` : 'l’invitation en attente';
  const accepted = (n) => (n > 1 ? 'sont acceptées' : 'est acceptée');
  let text;
  if (missing === 0) {
    text = 'Le seuil est atteint.';
  } else if (!pending.length) {
    text = `${lacking}, et aucune invitation qui puisse être acceptée n’est en attente.`;
  } else if (pending.length === missing) {
    text = `${lacking} : si ${all} ${accepted(missing)}, la grappe atteindra le seuil.`;
  } else if (pending.length > missing) {
    text = `${lacking} : si ${missing} des ${pending.length} invitations en attente ${
        accepted(missing)}, la grappe atteindra le seuil.`;
  } else {
    text = `${lacking} : même si ${all} ${many ? 'étaient acceptées' : 'était acceptée'}, ` +
        `il en manquerait encore ${missing - pending.length}.`;
  }
  return el(
      'div', {class: 'estimate', 'data-testid': 'what-if'},
      el('p', null, el('strong', null, 'Estimation : '), text),
      el('p', {'data-testid': 'what-if-organisations'},
         el('strong', null, `${label(RULE_LABELS, 'min_organisations')} : `),
         organisationsText(organisations)),
      maximumNote(acceptedCount, pending.length, call.max) ?? overMaximum(state.lastValidation),
      blocked.length ? blockedNote(blocked) : null,
      missing > 0 && pending.length ?
          el('details', null, el('summary', null, 'Invitations en attente'),
             el('ul', null,
                pending.map((m) => el('li', null, `${m.name ?? m.finess} (${m.finess})`)))) :
          null,
      el('p', {class: 'hint'},
         'Estimation calculée par votre navigateur sur le nombre de membres et d’organismes ' +
             'gestionnaires, avec ' +
             (call.known ? 'les limites de cet appel à projets' :
                           'les minimums habituels des appels à projets') +
             ' ; la vérification du serveur fait foi.'));
}

// The invitations the estimate leaves out, and why.
function blockedNote(blocked) {
  const why =
      '(déjà membre d’une autre grappe de cet appel, fermé au répertoire FINESS, ou règle non ' +
      'conforme)';
  const head = blocked.length > 1 ?
      `${blocked.length} invitations ne peuvent pas être acceptées ${why} : ` :
      `Une invitation ne peut pas être acceptée ${why} : `;
  return el(
      'p', {class: 'warning', 'data-testid': 'what-if-blocked'}, head,
      blocked.map((m) => m.name ?? m.finess).join(', '), '.');
}

// Why "Déposer le dossier" left the grappe open: the rules the server's validation failed.
function notSubmitted(validation) {
  const failed = (validation?.rules ?? []).filter((r) => r.outcome === 'fail');
  return el(
      'div', {class: 'error notice', role: 'alert', 'data-testid': 'submit-refused'},
      el('p', null, el('strong', null, 'Le dossier n’a pas été déposé : '),
         'la grappe n’est pas éligible. À corriger avant de le déposer :'),
      el('ul', null,
         failed.map(
             (r) =>
                 el('li', null, el('strong', null, label(RULE_LABELS, r.rule)),
                    r.detail ? ` — ${r.detail}` : ''))));
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

function actions(app, grappe, state, submission) {
  if (!isPorteur(app.me, state)) return null;
  const key = `${grappe}:dossier`;
  const slot = app.store.slot(key);
  const button = (text, testid, handler) =>
      el('button', {
        type: 'button',
        'data-testid': testid,
        'data-key': testid,
        'data-fallback': 'elig-title',
        onclick: handler,
        disabled: !!slot?.pending
      },
         text);
  const run = (name, payload, text) => app.run(key, grappe, name, payload, {label: text});
  const list = [];
  if (isOpen(state)) {
    list.push(button('Vérifier l’éligibilité', 'request-validation', () => {
      submission.refused = false;
      run('RequestValidation', {}, 'Vérification');
    }));
    list.push(button('Déposer le dossier', 'submit-dossier', async () => {
      const sure = await confirmAction({
        title: 'Déposer le dossier ?',
        text: 'Le serveur vérifie d’abord l’éligibilité. Une fois le dossier déposé, les ' +
            'membres ne peuvent plus changer, sauf à le rouvrir avant la décision de l’ARS.',
        confirmText: 'Déposer le dossier',
      });
      if (!sure) return;
      submission.refused = false;
      const ack = await run('SubmitDossier', {}, 'Dépôt');
      if (!ack) return;
      submission.awaited = ack.version;
      submission.recheck();
    }));
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
  const node =
      el('form', {
        class: 'decision-form',
        'data-testid': 'decision-form',
        onsubmit: async (e) => {
          e.preventDefault();
          const value = accepted.checked ? 'accepted' : rejected.checked ? 'rejected' : null;
          if (!value) return;
          const sure = await confirmAction({
            title: `Enregistrer la décision « ${label(DECISION_LABELS, value)} » ?`,
            text: 'La décision est définitive : le dossier sera clos et ne pourra plus être ' +
                'modifié ni rouvert.' +
                (comment.value.trim() ? '' : ' Aucun commentaire ne l’accompagnera.'),
            confirmText: 'Enregistrer la décision',
          });
          if (!sure) return;
          submit.disabled = true;
          error.textContent = '';
          const ack = await app.run(
              `${grappe}:decision`, grappe, 'RecordDecision',
              {decision: value, comment: comment.value.trim()}, {label: 'Décision'});
          submit.disabled = false;
          if (ack)
            comment.value = '';
          else
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
  return {node, dirty: () => comment.value.trim() !== ''};
}
