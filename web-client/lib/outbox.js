// Commands sent but not answered yet, kept in IndexedDB with their ids, so that a reload or a
// closed tab while offline loses none: the next page load sends them again with the same ids, and
// the server, which answers a repeated command id with its first answer (PROTOCOL.md "Rules"),
// applies each once at most. A command answered after the connection dropped, or after a reload,
// keeps its rejection here until the user has read it. Without IndexedDB (private windows of some
// browsers), the queue lives in memory only and the page still works.

const DB_NAME = 'grappe';
const DB_VERSION = 1;
const STORE = 'outbox';

// entry: {id, user, grappe, name, payload, expectedVersion?, slot, label?, title?, at, seq,
//         deferred (sent before a drop or a reload), rejection?: {code, message, details}}
export class Outbox {
  // userId: whose commands (another user signing in on this browser never sends them).
  // onChange(): after every change, for the views that show the queue.
  constructor(userId, onChange = () => {}) {
    this.user = userId;
    this.onChange = onChange;
    this.entries = new Map();  // id → entry
    this.waiters = new Map();  // id → [resolve({ack} | {rejection})]
    this.seq = 0;
    this.db = openDb();
  }

  // Reads this user's entries kept by earlier pages. Resolves with those still to send, oldest
  // first; every one of them counts as sent before a drop.
  async load() {
    const db = await this.db;
    const kept = db ? await request(db, 'readonly', (s) => s.getAll()).catch(() => []) : [];
    const found = [];
    for (const e of kept ?? []) {
      if (e.user !== this.user || this.entries.has(e.id)) continue;
      const entry = {...e, deferred: true};
      this.entries.set(e.id, entry);
      found.push(entry);
    }
    this.seq = Math.max(this.seq, ...found.map((e) => e.seq ?? 0));
    this.onChange();
    return found.filter((e) => !e.rejection).sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  has(id) { return this.entries.has(id); }

  get(id) { return this.entries.get(id); }

  // Commands not answered yet, oldest first.
  pending() { return this.sorted().filter((e) => !e.rejection); }

  // Commands refused after a drop or a reload, not yet acknowledged by the user.
  rejected() { return this.sorted().filter((e) => e.rejection); }

  sorted() { return [...this.entries.values()].sort((a, b) => a.at - b.at || a.seq - b.seq); }

  // Keeps a command about to be sent; resolves once it is written (or could not be).
  add(command) {
    const entry = {...command, user: this.user, at: Date.now(), seq: ++this.seq, deferred: false};
    this.entries.set(entry.id, entry);
    this.onChange();
    return this.write(entry);
  }

  // The connection dropped: what is still unanswered was sent before a drop.
  deferAll() {
    for (const e of this.entries.values()) {
      if (!e.rejection) e.deferred = true;
    }
  }

  // The server acknowledged the command: it leaves the queue.
  acknowledged(id, ack) {
    this.settle(id, {ack});
    if (!this.entries.delete(id)) return;
    this.onChange();
    this.erase(id);
  }

  // The server refused it. Returns true when the rejection stays listed (the command was sent
  // before a drop or a reload, so its form may be gone); otherwise it leaves the queue.
  refused(id, rejection) {
    this.settle(id, {rejection});
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (!entry.deferred) {
      this.entries.delete(id);
      this.erase(id);
      this.onChange();
      return false;
    }
    const {code, message, details} = rejection ?? {};
    entry.rejection = {code, message, details};
    this.write(entry);
    this.onChange();
    return true;
  }

  // The user has read a rejection.
  dismiss(id) {
    if (!this.entries.delete(id)) return;
    this.erase(id);
    this.onChange();
  }

  // Resolves with {ack} or {rejection} once the command `id` is answered, whoever sent it.
  answered(id) {
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  settle(id, outcome) {
    const list = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const resolve of list) resolve(outcome);
  }

  async write(entry) {
    const db = await this.db;
    if (db) await request(db, 'readwrite', (s) => s.put(entry)).catch(() => {});
  }

  async erase(id) {
    const db = await this.db;
    if (db) await request(db, 'readwrite', (s) => s.delete(id)).catch(() => {});
  }
}

// Resolves with the database, or null when IndexedDB is missing or refused.
function openDb() {
  return new Promise((resolve) => {
    let open;
    try {
      open = indexedDB.open(DB_NAME, DB_VERSION);
    } catch {
      return resolve(null);
    }
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(STORE)) {
        open.result.createObjectStore(STORE, {keyPath: 'id'});
      }
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = open.onblocked = () => resolve(null);
  });
}

// Runs one request in its own transaction; resolves once the transaction is committed.
function request(db, mode, make) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = make(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

// « 1 action en attente d’envoi », « 2 actions en attente d’envoi ».
export function pendingText(n) {
  return n === 1 ? '1 action en attente d’envoi' : `${n} actions en attente d’envoi`;
}
