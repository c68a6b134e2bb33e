// The only file that spells event type names. evolve() folds one server event into a grappe
// state shaped as PROTOCOL.md's "Grappe state"; describe() words an event for the activity feed.

const COUNTED = ['invited', 'accepted', 'declined', 'revoked', 'withdrawn', 'removed'];

function withCounts(state) {
  const counts = Object.fromEntries(COUNTED.map((s) => [s, 0]));
  for (const m of state.members)
    if (m.status in counts) counts[m.status] += 1;
  return {...state, counts};
}

// Sets a member's status; a member unknown to the state is added with what the event carries.
// Returns null when the event lacks what the members table needs (the caller re-reads the state).
function setMember(state, data, status, at) {
  const i = state.members.findIndex((m) => m.finess === data.finess);
  if (i < 0 && !data.name) return null;
  const base = i < 0 ? {finess: data.finess} : state.members[i];
  const member = {...base, ...pickMemberFields(data), status, since: at};
  const members = [...state.members];
  if (i < 0)
    members.push(member);
  else
    members[i] = member;
  return withCounts({...state, members});
}

function pickMemberFields(data) {
  const out = {};
  for (const k of ['ej', 'name', 'category', 'departement']) {
    if (data[k] != null) out[k] = data[k];
  }
  return out;
}

const reducers = {
  GrappeCreated: (s, d) => withCounts({
    ...s,
    name: d.name,
    call: d.call,
    region: d.region,
    porteur: d.porteur,
    description: d.description ?? '',
    dui: d.dui ?? null,
    status: 'open',
    members: [],
    threshold: d.threshold ?? s.threshold,
  }),
  DetailsUpdated: (s, d) => ({
    ...s,
    ...(d.name != null && {name: d.name}),
    ...(d.description != null && {description: d.description}),
    ...(d.dui != null && {dui: d.dui}),
  }),
  EstablishmentInvited: (s, d, e) => setMember(s, d, 'invited', e.at),
  InvitationAccepted: (s, d, e) => setMember(s, d, 'accepted', e.at),
  InvitationRevoked: (s, d, e) => setMember(s, d, 'revoked', e.at),
  InvitationDeclined: (s, d, e) => setMember(s, d, 'declined', e.at),
  MembershipWithdrawn: (s, d, e) => setMember(s, d, 'withdrawn', e.at),
  MemberRemoved: (s, d, e) => setMember(s, d, 'removed', e.at),
  CommentPosted: (s, d, e) =>
      ({...s, comments: [...(s.comments ?? []), {text: d.text, by: e.actor, at: e.at}]}),
  ValidationCompleted: (s, d, e) => ({
    ...s,
    lastValidation: {...d, at: e.at},
    ...(d.threshold != null && {threshold: d.threshold}),
  }),
  DossierSubmitted: (s) => ({...s, status: 'submitted'}),
  DossierReopened: (s) => ({...s, status: 'open'}),
  DecisionRecorded: (s, d, e) => ({
    ...s,
    status: d.decision,
    decision: {decision: d.decision, comment: d.comment ?? '', by: e.actor, at: e.at},
  }),
};

const EMPTY_STATE = {
  members: [],
  comments: [],
  counts: {},
  lastValidation: null,
  decision: null
};

// state (or null before GrappeCreated), event {type,data,actor,at}, version → the next state, or
// null when this client cannot fold the event itself (unknown type, missing member data).
export function evolve(state, event, version) {
  const reducer = reducers[event.type];
  if (!reducer) return null;
  const next = reducer({...EMPTY_STATE, ...state}, event.data ?? {}, event);
  return next ? {...next, version} : null;
}

let nameOf = () => undefined;
const who = (d) => {
  const name = d.name ?? nameOf(d.finess);
  return name ? `${name} (${d.finess})` : d.finess;
};

const descriptions = {
  GrappeCreated: (d) => `a créé la grappe « ${d.name} »`,
  DetailsUpdated: () => 'a modifié les informations de la grappe',
  EstablishmentInvited: (d) => `a invité ${who(d)}`,
  InvitationAccepted: (d) => `a accepté l’invitation de ${who(d)}`,
  InvitationRevoked: (d) => `a révoqué l’invitation de ${who(d)}`,
  InvitationDeclined: (d) => `a décliné l’invitation de ${who(d)}`,
  MembershipWithdrawn: (d) => `a retiré ${who(d)} de la grappe`,
  MemberRemoved: (d) => `a retiré ${who(d)} (décision du porteur)`,
  CommentPosted: () => 'a commenté',
  ValidationCompleted: (d) => `a vérifié l’éligibilité : ${
      d.eligible ? 'éligible' : 'non éligible'} (${d.members}/${d.threshold})`,
  DossierSubmitted: () => 'a déposé le dossier',
  DossierReopened: () => 'a rouvert le dossier',
  DecisionRecorded: (d) =>
      `a enregistré la décision : ${d.decision === 'accepted' ? 'retenue' : 'non retenue'}`,
};

// names(finess) → the establishment's name, for events that carry only its FINESS.
export function describe(event, names = () => undefined) {
  nameOf = names;
  const fn = descriptions[event.type];
  return fn ? fn(event.data ?? {}) : `événement ${event.type}`;
}

// True for events whose effect on members a viewer may want to notice (used for highlighting).
export function touchesMember(event) {
  return reducers[event.type] !== undefined && event.data?.finess !== undefined;
}

// The words a person attached to an event: the invitation's message, a reason, the ARS's
// decision comment, a comment's text. {kind: 'message'|'reason'|'decision'|'comment', text} or
// null when the event carries none (or an empty one).
const notes = {
  EstablishmentInvited: (d) => ['message', d.message],
  InvitationDeclined: (d) => ['reason', d.reason],
  MembershipWithdrawn: (d) => ['reason', d.reason],
  MemberRemoved: (d) => ['reason', d.reason],
  DossierReopened: (d) => ['reason', d.reason],
  DecisionRecorded: (d) => ['decision', d.comment],
  CommentPosted: (d) => ['comment', d.text],
};

export function noteOf(event) {
  const fn = notes[event?.type];
  if (!fn) return null;
  const [kind, text] = fn(event.data ?? {});
  return typeof text === 'string' && text.trim() ? {kind, text} : null;
}

// Each member's latest event, from events in any order: finess → event (with its version).
// `into` (a Map) is updated in place and returned; an older event never replaces a newer one.
export function lastMemberEvents(events, into = new Map()) {
  for (const e of events) {
    if (!touchesMember(e)) continue;
    const known = into.get(e.data.finess);
    if (!known || known.version < e.version) into.set(e.data.finess, e);
  }
  return into;
}
