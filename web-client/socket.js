// The WebSocket session: hello, subscriptions, commands and presence. It owns reconnecting with
// exponential backoff and resuming each subscription with `fromVersion` (the last version the
// store applied), so that nothing is lost or doubled across a drop. Commands not yet answered
// are sent again after a reconnect with the same id: the server answers a repeated id with its
// first answer, so a command is never applied twice.
import {uuid} from './lib/dom.js';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;
const PING_EVERY_MS = 20000;
const SILENCE_LIMIT_MS = 45000;

export class Connection {
  // options: url, token (null when signed in through OpenID Connect: the upgrade carries the
  // session cookie and `hello` goes without a token), client, onMessage(msg),
  // onStatus(status, extra), versionOf(grappe)
  constructor(options) {
    this.options = options;
    this.ws = null;
    this.ready = false;
    this.stopped = true;
    this.attempt = 0;
    this.subscriptions = new Set();
    this.presence = new Map();  // grappe → presence message to repeat after a reconnect
    this.pending = new Map();   // command id → {msg, resolve, reject}
    this.timers = {retry: null, ping: null};
    this.lastHeard = 0;
    this.onOnline = () => this.retryNow();
  }

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    this.open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.ping);
    this.ws?.close(1000);
    this.ws = null;
    for (const p of this.pending.values()) p.reject({code: 'network', message: ''});
    this.pending.clear();
  }

  open() {
    this.ready = false;
    this.options.onStatus('connecting', {attempt: this.attempt});
    const ws = new WebSocket(this.options.url);
    this.ws = ws;
    const {token, client} = this.options;
    ws.onopen = () => this.send(token ? {type: 'hello', token, client} : {type: 'hello', client});
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => this.closed(ws, e.code);
  }

  send(msg) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  receive(text) {
    this.lastHeard = Date.now();
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === 'welcome') return this.welcomed(msg);
    if (msg.type === 'ack' || msg.type === 'rejected') return this.answered(msg);
    if (msg.type === 'error' && !this.ready && msg.code === 'unauthorized') {
      this.options.onStatus('unauthorized', {message: msg.message});
      return;
    }
    this.options.onMessage(msg);
  }

  welcomed(msg) {
    this.ready = true;
    this.attempt = 0;
    this.options.onStatus('online', {user: msg.user, server: msg.server});
    for (const g of this.subscriptions) this.sendSubscribe(g);
    for (const p of this.presence.values()) this.send(p);
    for (const p of this.pending.values()) this.send(p.msg);
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(() => this.heartbeat(), PING_EVERY_MS);
  }

  heartbeat() {
    if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS)
      this.ws?.close(4000);
    else
      this.send({type: 'ping'});
  }

  closed(ws, code) {
    if (ws !== this.ws) return;
    this.ready = false;
    clearInterval(this.timers.ping);
    if (this.stopped) return;
    if (code === 4401) {
      this.options.onStatus('unauthorized', {});
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.options.onStatus('offline', {retryAt: Date.now() + jittered, attempt: this.attempt});
    this.timers.retry = setTimeout(() => this.open(), jittered);
  }

  retryNow() {
    if (this.stopped || this.ready || this.ws?.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.timers.retry);
    this.open();
  }

  sendSubscribe(grappe) {
    const v = this.options.versionOf(grappe);
    this.send(
        v == null ? {type: 'subscribe', grappe} : {type: 'subscribe', grappe, fromVersion: v});
  }

  subscribe(grappe) {
    this.subscriptions.add(grappe);
    if (this.ready) this.sendSubscribe(grappe);
  }

  // Asks again for what follows the store's version (after a gap or an unfoldable event).
  resync(grappe) {
    if (!this.subscriptions.has(grappe) || !this.ready) return;
    this.send({type: 'unsubscribe', grappe});
    this.sendSubscribe(grappe);
    const presence = this.presence.get(grappe);
    if (presence) this.send(presence);
  }

  unsubscribe(grappe) {
    this.subscriptions.delete(grappe);
    this.presence.delete(grappe);
    if (this.ready) this.send({type: 'unsubscribe', grappe});
  }

  setPresence(grappe, status, focus) {
    const msg = {type: 'presence', grappe, status, ...(focus ? {focus} : {})};
    this.presence.set(grappe, msg);
    if (this.ready) this.send(msg);
  }

  // Resolves with the ack, rejects with the rejection {code, message, details}. Waits across
  // reconnects: the command is sent again, with the same id, once the session is back. `id`:
  // the command's id when the caller keeps it (to send it again after a reload), else a new one.
  command(grappe, name, payload, expectedVersion, id = uuid()) {
    const msg = {type: 'command', id, grappe, name, payload: payload ?? {}};
    if (expectedVersion != null) msg.expectedVersion = expectedVersion;
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, {msg, resolve, reject});
      if (this.ready) this.send(msg);
    });
  }

  answered(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === 'ack')
      p.resolve(msg);
    else
      p.reject(msg);
  }
}
