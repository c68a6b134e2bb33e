// « Vérifier cette grappe »: every event of one grappe checked in the browser against the signed
// log. The events are read (GET /api/grappes/{id}/events, paged, at most `limit`), their
// versions must run 1..N without a gap (and reach the grappe's current version), then each
// event's receipt is fetched and checked with lib/receipt.js and the verifier key the auditor
// pinned, a few at a time; the event the history shows must be the receipt's, to the byte.
import {grappePath} from '../api.js';

import {canonical, parseCheckpoint, parseSignedNote, verifyReceipt} from './receipt.js';

export const MAX_EVENTS = 2000;
const PAGE = 500;

// Resolves with
//   {ok: true, checked, complete, origin, sizes: {min, max}} when every event passed
//   (complete: false when the grappe has more than `limit` events, only the first were checked),
//   {ok: false, checked, version, reason} naming the first event that failed (by version) and why,
//   {ok: false, checked: 0, version: null, reason} when the events could not be read.
// onProgress(done, total) after each receipt. Rejects with an AbortError when `signal` aborts.
export async function checkGrappe(
    {api, grappe, verifierKey, signal, onProgress, concurrency = 4, limit = MAX_EVENTS}) {
  let state, events;
  try {
    state = await api.get(grappePath(grappe), undefined, signal);
    events = await readEvents(api, grappe, limit + 1, signal);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return {ok: false, checked: 0, version: null, reason: unavailable(e, 'l’historique')};
  }
  const complete = events.length <= limit;
  events = events.slice(0, limit);
  const gap = missing(events, complete ? Number(state?.version ?? 0) : 0);
  if (gap) return {ok: false, checked: 0, ...gap};

  const failures = [];
  const sizes = {min: Infinity, max: 0};
  let origin = null;
  let next = 0;
  let stopAt = events.length;  // no event after a failed one is started
  let done = 0;
  onProgress?.(0, events.length);
  async function worker() {
    while (next < stopAt && !signal?.aborted) {
      const e = events[next++];
      const why = await checkOne(e);
      if (why) {
        failures.push({version: e.version, reason: why});
        stopAt = Math.min(stopAt, next);
      }
      done++;  // not inside onProgress?.(…): an absent callback skips its arguments
      onProgress?.(done, events.length);
    }
  }
  async function checkOne(e) {
    let receipt;
    try {
      receipt =
          await api.get(`${grappePath(grappe)}/receipt`, {version: String(e.version)}, signal);
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      return unavailable(err, 'la preuve d’enregistrement');
    }
    if (receipt?.grappe !== grappe || Number(receipt?.version) !== e.version) {
      return 'le serveur a répondu par la preuve d’un autre événement';
    }
    const result = await verifyReceipt(receipt, verifierKey);
    if (!result.ok) return result.message.replace(/^Preuve refusée — /, '').replace(/\.$/, '');
    if (canonical(receipt.event) !== canonical(e)) {
      return 'l’événement affiché dans l’historique diffère de celui du journal signé';
    }
    const checkpoint = parseCheckpoint(parseSignedNote(receipt.checkpoint).text);
    origin = checkpoint.origin;
    sizes.min = Math.min(sizes.min, checkpoint.size);
    sizes.max = Math.max(sizes.max, checkpoint.size);
    return null;
  }
  await Promise.all(Array.from({length: Math.max(1, concurrency)}, worker));
  signal?.throwIfAborted();
  if (failures.length) {
    const first = failures.reduce((a, b) => (b.version < a.version ? b : a));
    return {ok: false, checked: done, ...first};
  }
  return {ok: true, checked: done, complete, origin, sizes};
}

// Up to `max` events in version order.
async function readEvents(api, grappe, max, signal) {
  const all = [];
  for (;;) {
    const from = all.length ? all[all.length - 1].version : 0;
    const limit = Math.min(PAGE, max - all.length);
    const {events} =
        await api.get(`${grappePath(grappe)}/events`, {fromVersion: from, limit}, signal);
    all.push(...events);
    if (events.length < limit || all.length >= max) return all;
  }
}

// The first version missing from `events` (they must be 1, 2, … and reach `last`), or null.
function missing(events, last) {
  let expected = 1;
  for (const e of events) {
    if (e.version !== expected) {
      if (e.version < expected) {
        return {
          version: e.version,
          reason: 'version en double ou dans le désordre dans l’historique'
        };
      }
      const where = expected === 1 ?
          `l’historique commence à la version ${e.version}` :
          `la version ${expected - 1} est suivie de la version ${e.version}`;
      return {version: expected, reason: `événement absent de l’historique (${where})`};
    }
    expected++;
  }
  if (last >= expected) {
    return {
      version: expected,
      reason: `événement absent de l’historique (la grappe est à la version ${last}, ` +
          `l’historique s’arrête à la version ${expected - 1})`,
    };
  }
  return null;
}

function unavailable(e, what) {
  if (e?.status === 404) return `${what} est introuvable ou non visible`;
  return `${what} est indisponible pour le moment (${e?.message || 'erreur inconnue'})`;
}
