// The calls for projects and the figures their rules use, as GET /api/reference/calls serves them
// (README.md; the server's --config). Kept like the regions (regions.js): the last answer in
// localStorage, so that a view names calls at once; loadCalls() reads a fresh copy once per page
// load. A call the client does not know shows as its id, with the usual figures of PROTOCOL.md.
import {el, formatDateTime} from './dom.js';

const CACHE_KEY = 'grappe.calls';

// PROTOCOL.md: at least 3 distinct organisations (2 overseas and in Corsica) unless set.
const MIN_ORGANISATIONS = 3;
const MIN_ORGANISATIONS_OVERSEAS_CORSICA = 2;

export class Calls {
  // list: [{id, label, regions: '*'|[…], threshold, thresholdOverseasCorsica, minOrganisations,
  // minOrganisationsOverseasCorsica, maxMembers: N|null, deadline: '…'|null, …}]
  constructor(list = []) {
    this.list = list;
    this.byId = new Map(list.map((c) => [c.id, c]));
  }

  get loaded() { return this.list.length > 0; }

  get(id) { return this.byId.get(id) ?? null; }

  // The call's label; its id when unknown (never blank).
  label(id) { return this.get(id)?.label || String(id ?? ''); }

  // The label where nothing else says it is a call: « Appel … » unless it begins so already.
  named(id) {
    const text = this.label(id);
    return /^appel\b/i.test(text) ? text : `Appel ${text}`;
  }

  // The minimum of distinct organisations (FINESS EJ) of call `id` in a region.
  minOrganisations(id, overseasOrCorsica) {
    const c = this.get(id);
    return overseasOrCorsica ?
        (c?.minOrganisationsOverseasCorsica ?? MIN_ORGANISATIONS_OVERSEAS_CORSICA) :
        (c?.minOrganisations ?? MIN_ORGANISATIONS);
  }

  // The most accepted members the call allows; null when it sets none (or is unknown).
  maxMembers(id) { return this.get(id)?.maxMembers ?? null; }
}

// The copy kept by the last loadCalls(); empty when there is none.
export function cachedCalls() {
  try {
    return new Calls(JSON.parse(localStorage.getItem(CACHE_KEY) ?? '[]'));
  } catch {
    return new Calls();
  }
}

// Reads the calls from the server and keeps them. Resolves with the new Calls, or null when they
// are those of `current`; rejects with the ApiError when the server cannot answer.
export async function loadCalls(api, current) {
  const {calls} = await api.get('/api/reference/calls');
  const text = JSON.stringify(calls);
  if (text === JSON.stringify(current.list)) return null;
  try {
    localStorage.setItem(CACHE_KEY, text);
  } catch {
    // Storage full or disabled: this page still uses them.
  }
  return new Calls(calls);
}

// An <option> per known call (its label; the id as value), plus `selected` when unknown.
export function callOptions(calls, selected) {
  const ids = calls.list.map((c) => c.id);
  if (selected && !ids.includes(selected)) ids.push(selected);
  return ids.map((id) => el('option', {value: id, selected: id === selected}, calls.label(id)));
}

// « Date limite de dépôt : 15/03/2027 » (« (dépassée) » after it), or null without a deadline.
// A day's deadline is its last millisecond (UTC), shown as that day; another time in full.
export function deadlineNode(call, now = new Date()) {
  const iso = call?.deadline;
  if (!iso) return null;
  const day = /^(\d{4})-(\d{2})-(\d{2})T23:59:59(\.999)?Z$/.exec(iso);
  const text = day ? `${day[3]}/${day[2]}/${day[1]}` : formatDateTime(iso);
  const past = now.getTime() > new Date(iso).getTime();
  return el(
      'p', {class: past ? 'warning' : null, 'data-testid': 'call-deadline'},
      el('strong', null, 'Date limite de dépôt : '), text || iso, past ? ' (dépassée)' : '');
}
