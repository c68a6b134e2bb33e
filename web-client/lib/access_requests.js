// Access requests (PROTOCOL.md v2 "Sign-in, access requests"): what a person without a user
// asks for (POST /api/access-requests), and how the request and its decision read, for the
// person's page (views/access.js) and the deciders' list (views/requests.js).
import {el, formatDateTime} from './dom.js';
import {formatSiret, identityOf, sirenOf} from './identity.js';

export const REQUESTS_PATH = '/api/access-requests';
export const decisionPath = (id) => `${REQUESTS_PATH}/${encodeURIComponent(id)}/decision`;

export const REQUEST_STATUS_LABELS = {
  pending: 'En attente',
  approved: 'Acceptée',
  refused: 'Refusée',
};

export const REQUESTED_ROLE_LABELS = {
  gestionnaire: 'Gestionnaire d’un ou plusieurs organismes (EJ)',
  ars: 'Agent d’ARS',
};

// The requests of an answer, newest first, whatever the list is called.
export function requestList(answer) {
  const list = answer?.requests ?? answer?.accessRequests ?? (Array.isArray(answer) ? answer : []);
  return [...list].sort((a, b) => String(requestedAt(b)).localeCompare(String(requestedAt(a))));
}

export const statusOf = (r) => r?.status ?? r?.decision ?? 'pending';
export const requestedAt = (r) => r?.at ?? r?.createdAt ?? r?.requestedAt ?? '';
export const decidedAt = (r) => r?.decidedAt ?? r?.decision?.at ?? '';
export const reasonOf = (r) => r?.reason ?? r?.decisionReason ?? r?.decision?.reason ?? '';
export const requesterOf = (r) => identityOf(r?.identity ?? r?.requester ?? r);

// The decider's name, when the server says it.
export function deciderOf(r) {
  const by = r?.decidedBy ?? r?.decision?.actor ?? r?.decider;
  return typeof by === 'string' ? by : by?.name ?? by?.id ?? '';
}

export function isPending(r) { return statusOf(r) === 'pending'; }

// What is asked: "Gestionnaire … : Association X (330000000), …" or "Agent d’ARS : Bretagne (53)".
export function scopeText(r, {names, regions}) {
  if (r.role === 'ars') return (r.regions ?? []).map((c) => regions.name(c)).join(', ');
  return (r.og ?? []).map((ej) => names ? names.organisation(ej) : ej).join(', ');
}

// A <dl> of the requester: e-mail, SIRET and its SIREN when the provider gave one, organisation;
// `more`: further <dt>/<dd> pairs.
export function requesterDetails(who, testid, more = null) {
  const rows = [
    ['Adresse électronique', who.email],
    ['SIRET', who.siret ? `${formatSiret(who.siret)} (SIREN ${sirenOf(who.siret)})` : ''],
    ['Organisation', who.organisation],
  ].filter(([, v]) => v);
  return el(
      'dl', {class: 'details', 'data-testid': testid},
      rows.map(([k, v]) => [el('dt', null, k), el('dd', null, v)]), more);
}

// The request's state in a line: a badge, then when it was decided and, if refused, why.
export function statusLine(r) {
  const status = statusOf(r);
  const when = decidedAt(r) ? `Décidée le ${formatDateTime(decidedAt(r))}` : '';
  const by = deciderOf(r) ? ` par ${deciderOf(r)}` : '';
  const reason = status === 'refused' && reasonOf(r) ? `Motif : ${reasonOf(r)}` : '';
  const text = [when && `${when}${by}.`, reason].filter(Boolean).join(' ');
  return el(
      'p', {class: 'request-status', 'data-testid': 'request-status', 'data-status': status},
      el('span', {class: `badge request-${status}`}, REQUEST_STATUS_LABELS[status] ?? status),
      text ? ` ${text}` : null);
}
