// #/grappes/{id}/imprimer: the grappe on one clean A4 page for the signed application — its
// composition, the eligibility result of the last validation and the decision (print.css).
// Read once over HTTP: a page to print does not change under the reader's eyes.
import {grappePath} from '../api.js';
import {el, formatDate, formatDateTime} from '../lib/dom.js';
import {DECISION_LABELS, GRAPPE_STATUS_LABELS, label, MEMBER_STATUS_LABELS, OUTCOME_LABELS, rejectionText, RULE_LABELS,} from '../lib/labels.js';

export function mountPrint(root, app, id) {
  const view =
      el('div', {class: 'print-view', 'data-testid': 'print-view'},
         el('p', {class: 'loading', role: 'status'}, 'Chargement de la grappe…'));
  root.append(view);
  let live = true;
  app.api.get(grappePath(id))
      .then((state) => {
        if (!live) return;
        document.title = `${state.name} — version imprimable — Grappe`;
        view.replaceChildren(...page(app, state));
      })
      .catch((e) => {
        if (!live) return;
        view.replaceChildren(
            el('h1', null, 'Grappe introuvable'), el('p', {role: 'alert'}, rejectionText(e)),
            backLink(id));
      });
  return () => {
    live = false;
  };
}

function backLink(id) {
  return el('a', {href: `#/grappe/${encodeURIComponent(id)}`}, '← Retour à la grappe');
}

function page(app, s) {
  const {regions, names, calls} = app;
  const row = (term, value) => [el('dt', null, term), el('dd', null, value)];
  return [
    el('div', {class: 'no-print print-actions'}, backLink(s.id),
       el('button', {type: 'button', onclick: () => window.print(), 'data-testid': 'print-button'},
          'Imprimer')),
    el('h1', {'data-testid': 'print-title'}, s.name),
    el('dl', {class: 'details'}, row('Appel à projets', calls.label(s.call)),
       row('Région', regions.name(s.region)), row('Porteur', names.organisation(s.porteur)),
       row('Statut', label(GRAPPE_STATUS_LABELS, s.status)),
       row('Version', `${s.version} (imprimée le ${formatDateTime(new Date().toISOString())})`)),
    composition(s, names),
    eligibility(s.lastValidation),
    decision(s.decision),
    el('section', {class: 'signature'}, el('h2', null, 'Signature du porteur'),
       el('p', null, 'Fait à ………………………………, le ……………………'),
       el('p', null, 'Nom, qualité et signature :')),
  ];
}

function composition(s, names) {
  const members = [...s.members].sort(
      (a, b) => (a.status === 'accepted' ? 0 : 1) - (b.status === 'accepted' ? 0 : 1));
  return el(
      'section', {'aria-labelledby': 'print-members'},
      el('h2', {id: 'print-members'},
         `Composition : ${s.counts?.accepted ?? 0} membres acceptés (seuil ${s.threshold})`),
      el('table', {'data-testid': 'print-members'},
         el('thead', null,
            el('tr', null,
               ...['FINESS ET', 'Établissement', 'Organisme gestionnaire', 'Dép.', 'Statut',
                   'Depuis']
                   .map((h) => el('th', {scope: 'col'}, h)))),
         el('tbody', null,
            ...members.map(
                (m) =>
                    el('tr', null, el('td', null, m.finess), el('td', null, m.name),
                       el('td', null, names.organisation(m.ej)), el('td', null, m.departement),
                       el('td', null, label(MEMBER_STATUS_LABELS, m.status)),
                       el('td', null, formatDate(m.since)))))));
}

function eligibility(v) {
  const title = el('h2', {id: 'print-eligibility'}, 'Éligibilité');
  if (!v) {
    return el(
        'section', {'aria-labelledby': 'print-eligibility'}, title,
        el('p', null, 'Aucune validation n’a encore été faite.'));
  }
  return el(
      'section', {'aria-labelledby': 'print-eligibility'}, title,
      el('p', {'data-testid': 'print-eligible'}, v.eligible ? 'Éligible' : 'Non éligible',
         ` : validation du ${formatDateTime(v.at)}, ${v.members} membres acceptés pour un ` +
             `seuil de ${v.threshold}. Registre : ${v.registry}.`),
      el('table', null,
         el('thead', null,
            el('tr', null,
               ...['Règle', 'Résultat', 'Détail'].map((h) => el('th', {scope: 'col'}, h)))),
         el('tbody', null,
            ...(v.rules ?? [])
                .map(
                    (r) =>
                        el('tr', null, el('td', null, label(RULE_LABELS, r.rule)),
                           el('td', null, label(OUTCOME_LABELS, r.outcome)),
                           el('td', null, r.detail ?? ''))))));
}

function decision(d) {
  return el(
      'section', {'aria-labelledby': 'print-decision'},
      el('h2', {id: 'print-decision'}, 'Décision'),
      d ? el('p', {'data-testid': 'print-decision'},
             `${label(DECISION_LABELS, d.decision)} le ${formatDate(d.at)} par ${d.by?.name ?? ''}`,
             d.comment ? ` : ${d.comment}` : '.') :
                         el('p', {'data-testid': 'print-decision'}, 'Aucune décision n’a encore été rendue.'));
}
