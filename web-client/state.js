// The client's state. Grappe states change only by applying the server's snapshot and event
// messages (or a state the server returned over HTTP, handled as a snapshot). Alongside: the
// connection status and, per action slot, whether a command is pending or was rejected.
import {evolve, lastMemberEvents} from './events.js';

const ACTIVITY_LIMIT = 50;

export class Store {
  constructor() {
    this.me = null;
    this.connection = {status: 'offline', retryAt: null};
    // id → {state, version, presence, activity, memberEvents (finess → latest event),
    // notesVersion}
    this.grappes = new Map();
    // The grappe list (README "Protocol additions": `list`, then `listItem`): id → item as
    // GET /api/grappes gives it, with the user's `todo`. null until a first list arrives.
    this.list = null;
    this.slots = new Map();  // slot key → {pending: bool, rejection?, label?, done?}
    this.slotsVersion = 0;   // bumped on every slot change, for views that redraw on change
    this.listeners = new Set();
  }

  // fn(change) is called after every change; change = {kind, grappe?}. Returns an unsubscriber.
  listen(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change) {
    for (const fn of [...this.listeners]) fn(change);
  }

  entry(id) {
    let e = this.grappes.get(id);
    if (!e) {
      e = {
        state: null,
        version: null,
        presence: [],
        activity: [],
        memberEvents: new Map(),
        notesVersion: 0
      };
      this.grappes.set(id, e);
    }
    return e;
  }

  versionOf(id) { return this.grappes.get(id)?.version ?? null; }

  forget(id) { this.grappes.delete(id); }

  // Applies a server message. Returns 'gap' when an event skipped versions and 'refresh' when
  // the event could not be folded here: the caller then asks the server for the state again.
  apply(msg) {
    switch (msg.type) {
      case 'snapshot':
        return this.applySnapshot(msg.grappe, msg.state, msg.version);
      case 'event':
        return this.applyEvent(msg);
      case 'presence':
        this.entry(msg.grappe).presence = msg.users ?? [];
        // PROTOCOL.md v2: at most 100 people are listed; `count` says how many are present.
        this.entry(msg.grappe).presenceCount = msg.count ?? msg.users?.length ?? 0;
        this.emit({kind: 'presence', grappe: msg.grappe});
        return 'ok';
      case 'list':
        this.setList(msg.grappes ?? []);
        return 'ok';
      case 'listItem':
        return this.applyListItem(msg.grappe);
      case 'profile':  // an establishment's profile changed (suggestions may change)
        this.emit({kind: 'profile', finess: msg.finess, profile: msg.profile});
        return 'ok';
      case 'error':
        this.lastError = msg;
        this.emit({kind: 'error', grappe: msg.grappe, error: msg});
        return 'ok';
      default:
        return 'ignored';
    }
  }

  // The whole list (a `list` message, or GET /api/grappes): replaces the one kept.
  setList(grappes) {
    this.list = new Map(grappes.map((g) => [g.id, g]));
    this.emit({kind: 'list'});
  }

  // One grappe's item; an older version than the one kept changes nothing.
  applyListItem(item) {
    if (!this.list || !item?.id) return 'ignored';
    const kept = this.list.get(item.id);
    if (kept && kept.version > item.version) return 'stale';
    this.list.set(item.id, item);
    this.emit({kind: 'list', grappe: item.id});
    return 'ok';
  }

  // What awaits the user (the sum of the list's `todo`): invitations to answer, dossiers to decide.
  todoCount() {
    let n = 0;
    for (const g of this.list?.values() ?? []) n += g.todo ?? 0;
    return n;
  }

  applySnapshot(id, state, version) {
    const e = this.entry(id);
    const v = version ?? state?.version ?? 0;
    if (e.version != null && v < e.version) return 'stale';
    e.state = {comments: [], ...state, version: v};
    e.version = v;
    this.emit({kind: 'state', grappe: id});
    return 'ok';
  }

  applyEvent(msg) {
    const e = this.entry(msg.grappe);
    if (e.version != null && msg.version <= e.version) return 'duplicate';
    if (e.version != null && msg.version !== e.version + 1) return 'gap';
    if (e.version == null && msg.version !== 1) return 'gap';
    const next = evolve(e.state, msg.event, msg.version);
    const event = {...msg.event, version: msg.version};
    if (!e.activity.some((a) => a.version === msg.version)) {
      e.activity = [event, ...e.activity].slice(0, ACTIVITY_LIMIT);
    }
    this.noteMemberEvents(e, [event]);
    if (!next) {
      this.emit({kind: 'activity', grappe: msg.grappe});
      return 'refresh';
    }
    e.state = next;
    e.version = msg.version;
    this.emit({kind: 'state', grappe: msg.grappe, event: msg.event});
    return 'ok';
  }

  // Past events read over HTTP (the events endpoint): the activity feed's last ones, and each
  // member's latest event (whose reason or message the members table shows).
  addHistory(id, events) {
    const e = this.entry(id);
    const known = new Set(e.activity.map((a) => a.version));
    const older =
        events.filter((ev) => !known.has(ev.version))
            .map(({version, type, data, actor, at}) => ({version, type, data, actor, at}));
    e.activity =
        [...e.activity, ...older].sort((a, b) => b.version - a.version).slice(0, ACTIVITY_LIMIT);
    this.noteMemberEvents(e, older);
    this.emit({kind: 'activity', grappe: id});
  }

  noteMemberEvents(entry, events) {
    const before = [...entry.memberEvents.values()];
    lastMemberEvents(events, entry.memberEvents);
    const after = [...entry.memberEvents.values()];
    if (after.length !== before.length || after.some((ev, i) => ev !== before[i])) {
      entry.notesVersion += 1;
    }
  }

  setConnection(status, extra = {}) {
    this.connection = {status, ...extra};
    this.emit({kind: 'connection'});
  }

  setPending(slot, label) {
    this.slotsVersion += 1;
    this.slots.set(slot, {pending: true, label});
    this.emit({kind: 'slot', slot});
  }

  setRejected(slot, rejection) {
    this.slotsVersion += 1;
    this.slots.set(slot, {pending: false, rejection});
    this.emit({kind: 'slot', slot});
  }

  // A command of the slot was acknowledged and is worth recalling (done: {text, version}).
  setDone(slot, done) {
    this.slotsVersion += 1;
    this.slots.set(slot, {pending: false, done});
    this.emit({kind: 'slot', slot});
  }

  clearSlot(slot) {
    if (this.slots.delete(slot) && ++this.slotsVersion) this.emit({kind: 'slot', slot});
  }

  slot(key) { return this.slots.get(key); }
}
