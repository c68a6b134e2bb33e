// ./tools/soak-kill9: N rounds of command load on the real server over several keep-alive HTTP
// connections, SIGKILL at a random moment of each round, restart, then check against every
// command acknowledged so far (see usage()). Run through tools/soak-kill9, which builds first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {spawn} from 'node:child_process';

import {checkGrappe, exportChecker} from './check.mjs';
import {Connection} from './http.mjs';
import {ServerProcess} from './server.mjs';

const START_TIMEOUT_MS = 30000;
const ROUND_TIMEOUT_MS = 300000;
const PORTEUR_EJ = '330001009';
const CALLS = 20;  // the porteur's own establishments can join one grappe per call
const USERS = {
  porteur: {id: 'soak-porteur', name: 'Soak porteur', role: 'gestionnaire', og: [PORTEUR_EJ],
            token: 'soak-token-porteur'},
  auditor: {id: 'soak-auditor', name: 'Soak auditor', role: 'auditor', token: 'soak-token-auditor'},
};

function usage() {
  return `usage: tools/soak-kill9 [--rounds N] [--connections C] [--seed S] [--keep]
       [--load-ms MS] [--full-every K] [--resend N] [--dir PARENT]
       tools/soak-kill9 --check DIR      check a kept folder's log against its expected.jsonl
       tools/soak-kill9 --self-check     show that lost acks, holes and duplicates are caught

Each round: ~1 s of commands (CreateGrappe, InviteEstablishment, PostComment) from C keep-alive
HTTP connections, SIGKILL at a random moment, restart, then: the grappes touched in the last two
rounds read back (GET .../events): every acked command at its acked version, no version hole, no
command id twice; re-sent ids (a sample of acked ones, and those in flight at the kill) answered
as the first time with nothing appended; GET /api/audit/verify ok. Every K rounds, while the
server is down, and at the end after a graceful stop, the whole log is checked offline with
'admin verify' and 'admin export' (positions, versions, duplicates, every ack, no phantom).
Last line: rounds=N acked=N lost=N holes=N dup=N ...; exit 1 on any failure.
Defaults: --rounds 10 --connections 8 --load-ms 1000 --full-every 10 --resend 20.`;
}

function parseArgs(argv) {
  const o = {rounds: 10, connections: 8, seed: null, keep: false, loadMs: 1000, fullEvery: 10,
             resend: 20, dir: os.tmpdir(), server: null, admin: null, registry: null,
             check: null, selfCheck: false};
  const num = (name, v, min, max) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`${name} must be an integer in ${min}–${max}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--rounds': o.rounds = num(a, next(), 1, 1000000); break;
      case '--connections': o.connections = num(a, next(), 1, 256); break;
      case '--seed': o.seed = num(a, next(), 0, 2 ** 32 - 1); break;
      case '--keep': o.keep = true; break;
      case '--load-ms': o.loadMs = num(a, next(), 50, 60000); break;
      case '--full-every': o.fullEvery = num(a, next(), 1, 1000000); break;
      case '--resend': o.resend = num(a, next(), 0, 100000); break;
      case '--dir': o.dir = next(); break;
      case '--server': o.server = next(); break;
      case '--admin': o.admin = next(); break;
      case '--registry': o.registry = next(); break;
      case '--check': o.check = next(); break;
      case '--self-check': o.selfCheck = true; break;
      case '-h': case '--help': console.log(usage()); process.exit(0);
      default: throw new Error(`unknown option ${a}`);
    }
  }
  for (const k of ['server', 'admin', 'registry']) {
    if (!o[k]) throw new Error(`--${k} is required (tools/soak-kill9 passes it)`);
  }
  if (o.seed === null) o.seed = crypto.randomInt(2 ** 32 - 1);
  return o;
}

// mulberry32: a small seeded generator, so that a seed replays the same choices.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[next.int(list.length)];
  next.shuffle = (list) => {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = next.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return next;
}

const log = (text) => process.stderr.write(`${text}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
    }),
  ]);
}

// Runs `bin args`, bounded; resolves {code, stdout, stderr} (stdout to `onLine` when given).
function run(bin, args, timeoutMs, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} ${args[0]} took more than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    if (onLine) {
      readline.createInterface({input: child.stdout}).on('line', onLine);
    } else {
      child.stdout.on('data', (c) => { stdout += c; });
    }
    child.stderr.on('data', (c) => { stderr = (stderr + c).slice(-4000); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({code, stdout, stderr}); });
  });
}

function readRegistry(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const fi = header.indexOf('finess');
  const ei = header.indexOf('ej');
  if (fi < 0 || ei < 0) throw new Error(`${file}: no finess/ej columns`);
  return lines.slice(1).map((l) => l.split(',')).map((c) => ({finess: c[fi], ej: c[ei]}));
}

function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// The soak's whole state: what was acknowledged per grappe, the log of expectations on disk.
class Soak {
  constructor(opts, workDir) {
    this.o = opts;
    this.dir = workDir;
    this.data = path.join(workDir, 'data');
    this.expectFile = path.join(workDir, 'expected.jsonl');
    this.r = rng(opts.seed);
    this.establishments = readRegistry(opts.registry).map((e) => e.finess);
    this.grappes = new Map();  // id → {call, invites: [finess], next, created, expected: Map}
    this.rejected = new Set();
    this.reservoir = [];       // a uniform sample of older acks with their bodies, for re-sends
    this.reservoirSeen = 0;
    this.touched = [new Set(), new Set()];  // this round's and the previous round's grappes
    this.t = {rounds: 0, sent: 0, acked: 0, rejected: {}, inflight: 0, recovered: 0,
              retriedAcked: 0, retriedRejected: 0, resent: 0, lost: 0, holes: 0, dup: 0,
              idem: 0, phantom: 0, chainBad: 0, verifiedEvents: 0, errors: 0,
              killMs: [], startMs: [], checkMs: [], verifyMs: [], fullMs: [], ackedPerRound: [], fullChecks: 0,
              offlineEvents: 0, offlineVerify: 'not run', gracefulExit: null};
    this.problems = [];
    this.server = null;
  }

  setUp() {
    fs.mkdirSync(this.dir, {recursive: true});
    this.serverBin = this.o.server;  // tools/soak-kill9 passes private copies
    this.adminBin = this.o.admin;
    const users = path.join(this.dir, 'users.json');
    fs.writeFileSync(users, JSON.stringify({users: [USERS.porteur, USERS.auditor]}, null, 2));
    const config = path.join(this.dir, 'config.json');
    const calls = [];
    for (let i = 0; i < CALLS; i++) calls.push({id: `soak-${i}`, label: `Soak ${i}`, regions: '*'});
    fs.writeFileSync(config, JSON.stringify({calls}, null, 2));
    this.server = new ServerProcess({bin: this.serverBin, data: this.data, users, config,
                                     logFile: path.join(this.dir, 'server.log')});
  }

  problem(text) {
    if (this.problems.length < 50) this.problems.push(text);
  }

  grappe(id) {
    let g = this.grappes.get(id);
    if (!g) {
      g = {call: `soak-${this.r.int(CALLS)}`, invites: this.r.shuffle(this.establishments),
           next: 0, created: false, expected: new Map()};
      this.grappes.set(id, g);
    }
    return g;
  }

  // Remembers an ack: in memory, in the expectations file (buffered), in the re-send samples.
  recordAck(grappeId, cmd, version, fresh, lines) {
    const g = this.grappe(grappeId);
    g.expected.set(cmd.id, version);
    if (cmd.name === 'CreateGrappe') g.created = true;
    this.t.acked++;
    lines.push(JSON.stringify({id: cmd.id, grappe: grappeId, version, name: cmd.name,
                               round: this.t.rounds + 1}));
    const entry = {grappe: grappeId, cmd, version};
    if (fresh) fresh.push(entry);
  }

  sample(entry) {
    this.reservoirSeen++;
    if (this.reservoir.length < 1000) {
      this.reservoir.push(entry);
    } else {
      const j = this.r.int(this.reservoirSeen);
      if (j < 1000) this.reservoir[j] = entry;
    }
  }

  nextCommand(grappeId) {
    const g = this.grappe(grappeId);
    const id = crypto.randomUUID();
    if (!g.created) {
      return {id, name: 'CreateGrappe',
              payload: {name: `Soak ${grappeId.slice(0, 8)}`, call: g.call, region: '75',
                        porteur: PORTEUR_EJ, description: 'soak-kill9'}};
    }
    if (g.next < g.invites.length && this.r() < 0.35) {
      return {id, name: 'InviteEstablishment', payload: {finess: g.invites[g.next++]}};
    }
    const long = this.r() < 0.05;
    const size = long ? 2000 + this.r.int(2000) : 10 + this.r.int(300);
    const text = `soak ${id} `.padEnd(size, 'abcdefghij klmnopqrstuvwxyz ').slice(0, size);
    return {id, name: 'PostComment', payload: {text}};
  }

  // One connection's closed loop until the kill (or `untilMs`).
  async connectionLoop(port, own, state, fresh, lines) {
    const conn = new Connection(port, USERS.porteur.token);
    try {
      let mine = own.slice();
      while (!state.killed && Date.now() < state.untilMs && mine.length > 0) {
        const grappeId = this.grappe(mine[0]).created ? this.r.pick(mine) : mine[0];
        const cmd = this.nextCommand(grappeId);
        this.touched[0].add(grappeId);
        this.t.sent++;
        const flight = {grappe: grappeId, cmd};
        state.inflight.add(flight);
        let answer;
        try {
          answer = await conn.command(grappeId, cmd);
        } catch (e) {
          if (!state.killed) state.errors.push(`${cmd.name} ${cmd.id}: ${e.message}`);
          return;  // stays in flight: its fate is looked up after the restart
        }
        state.inflight.delete(flight);
        const b = answer.body || {};
        if (answer.status === 200 && b.type === 'ack') {
          if (b.id !== cmd.id || b.grappe !== grappeId || !Number.isInteger(b.version)) {
            this.t.idem++;
            this.problem(`ack does not match its command ${cmd.id}: ${answer.text.slice(0, 200)}`);
          }
          this.recordAck(grappeId, cmd, b.version, fresh, lines);
        } else {
          const code = b.code || (b.error && b.error.code) || `http${answer.status}`;
          this.t.rejected[code] = (this.t.rejected[code] || 0) + 1;
          this.rejected.add(cmd.id);
          if (cmd.name === 'CreateGrappe') mine = mine.filter((x) => x !== grappeId);
          if (answer.status >= 500) {
            state.errors.push(`${cmd.name} ${cmd.id}: ${answer.status} ${answer.text.slice(0, 200)}`);
          }
        }
      }
    } finally {
      conn.close();
    }
  }

  async load(port, fresh, lines) {
    const existing = [...this.grappes.entries()].filter(([, g]) => g.created).map(([id]) => id);
    const killAt = 50 + this.r.int(Math.max(1, this.o.loadMs - 50));
    const state = {killed: false, untilMs: Date.now() + this.o.loadMs + 5000,
                   inflight: new Set(), errors: []};
    const loops = [];
    for (let c = 0; c < this.o.connections; c++) {
      const own = [crypto.randomUUID()];
      if (existing.length > 0) own.push(this.r.pick(existing));
      loops.push(this.connectionLoop(port, own, state, fresh, lines));
    }
    await sleep(killAt);
    if (!this.server.alive()) {
      throw new Error(`the server exited by itself during the load (${JSON.stringify(
          this.server.exited)}):\n${this.server.logTail()}`);
    }
    state.killed = true;
    await this.server.kill9();
    this.t.killMs.push(killAt);
    await withTimeout(Promise.all(loops), 30000, 'the load after the kill');
    for (const e of state.errors) {
      this.t.errors++;
      this.problem(`during the load: ${e}`);
    }
    this.t.inflight += state.inflight.size;
    return [...state.inflight];
  }

  async startServer() {
    await this.server.start(START_TIMEOUT_MS);
    this.t.startMs.push(this.server.startMs);
    return this.server.port;
  }

  // Reads and checks the given grappes; returns Map id → {head, result} (null: not found).
  async checkGrappes(port, ids) {
    const auditor = new Connection(port, USERS.auditor.token);
    const seen = new Map();
    const out = new Map();
    try {
      for (const id of ids) {
        const g = this.grappes.get(id);
        const events = await auditor.events(id);
        if (events === null) {
          if (g && g.expected.size > 0) {
            this.t.lost += g.expected.size;
            this.problem(`grappe ${id}: not found, with ${g.expected.size} acked commands`);
          }
          out.set(id, null);
          continue;
        }
        const slim = events.map((e) => ({version: e.version, position: e.position,
                                         commandId: e.commandId}));
        const result = checkGrappe(id, slim, g ? g.expected : new Map(), seen);
        this.t.lost += result.lost;
        this.t.holes += result.holes;
        this.t.dup += result.dup;
        for (const p of result.problems) this.problem(p);
        out.set(id, {head: slim.length ? slim[slim.length - 1].version : 0, result});
      }
    } finally {
      auditor.close();
    }
    return out;
  }

  // Log entries of commands nobody acked: rejected ones, or ids never sent.
  phantoms(checked, inflightIds) {
    for (const [id, c] of checked) {
      if (!c) continue;
      const g = this.grappes.get(id);
      for (const cmdId of c.result.runs.keys()) {
        if (g && g.expected.has(cmdId)) continue;
        if (inflightIds.has(cmdId)) continue;
        this.t.phantom++;
        this.problem(`grappe ${id}: command ${cmdId} is in the log but was ` +
                     (this.rejected.has(cmdId) ? 'rejected' : 'never acknowledged'));
      }
    }
  }

  async verifyOnline(port) {
    const auditor = new Connection(port, USERS.auditor.token);
    const started = Date.now();
    try {
      const r = await auditor.request('GET', '/api/audit/verify', undefined, 120000);
      this.t.verifyMs.push(Date.now() - started);
      if (r.status !== 200 || !r.body || r.body.ok !== true) {
        this.t.chainBad++;
        this.problem(`GET /api/audit/verify: ${r.status} ${r.text.slice(0, 300)}`);
      } else {
        this.t.verifiedEvents = r.body.events;
      }
    } finally {
      auditor.close();
    }
  }

  // Re-sends `entries` ({grappe, cmd, version}) and expects the first ack each time.
  async resend(conn, entries) {
    for (const e of entries) {
      this.t.resent++;
      const a = await conn.command(e.grappe, e.cmd);
      const b = a.body || {};
      if (a.status !== 200 || b.type !== 'ack' || b.id !== e.cmd.id || b.version !== e.version) {
        this.t.idem++;
        this.problem(`re-sent ${e.cmd.name} ${e.cmd.id} (acked at version ${e.version} of ` +
                     `${e.grappe}): ${a.status} ${a.text.slice(0, 200)}`);
      }
    }
  }

  // After re-sends: the events of grappe `g` beyond version `from` must be exactly the commands
  // of `allowed` (id → acked version; those decided for the first time by the re-sends).
  async appendedCheck(auditor, g, from, allowed) {
    const after = (await auditor.events(g, from)) || [];
    const ends = new Map();
    for (const e of after) ends.set(e.commandId, e.version);
    for (const [id, v] of ends) {
      if (allowed.get(id) !== v) {
        this.t.dup++;
        this.problem(`grappe ${g}: re-sends appended command ${id} at version ${v}`);
      }
    }
    for (const [id, v] of allowed) {
      if (ends.get(id) !== v) {
        this.t.lost++;
        this.problem(`grappe ${g}: retried command ${id} acked at ${v} is not in the log`);
      }
    }
  }

  async round(port, full) {
    const fresh = [];
    const lines = [];
    const ackedBefore = this.t.acked;
    const inflight = await this.load(port, fresh, lines);
    const checkStart = Date.now();
    // Every K rounds, while the server is down: the whole log checked offline.
    if (full) await this.fullOffline(new Set(inflight.map((f) => f.cmd.id)));
    port = await this.startServer();
    // What was in flight at the kill: in the log (then it was decided and durable: it must
    // now be acked at that version) or not (then re-sending it decides it now).
    const toCheck = [...new Set([...this.touched[0], ...this.touched[1]])];
    const checked = await this.checkGrappes(port, toCheck);
    const present = [];
    const absent = [];
    for (const f of inflight) {
      const c = checked.get(f.grappe);
      const run = c && c.result.runs.get(f.cmd.id);
      if (run) {
        present.push({grappe: f.grappe, cmd: f.cmd, version: run.last});
        this.t.recovered++;
        this.recordAck(f.grappe, f.cmd, run.last, null, lines);
      } else {
        absent.push(f);
      }
    }
    this.phantoms(checked, new Set(inflight.map((f) => f.cmd.id)));
    fs.appendFileSync(this.expectFile, lines.length ? `${lines.join('\n')}\n` : '');
    lines.length = 0;
    if (!full) await this.verifyOnline(port);  // a full round ran admin verify

    // Re-sends: a sample of this round's acks, a few older ones, the in-flight ones found.
    const sample = this.r.shuffle(fresh).slice(0, this.o.resend);
    const older = this.r.shuffle(this.reservoir).slice(0, Math.ceil(this.o.resend / 4));
    const porteur = new Connection(port, USERS.porteur.token);
    const heads = new Map();
    for (const [id, c] of checked) if (c) heads.set(id, c.head);
    try {
      for (const e of older) {  // an older sample's grappe may not have been read this round
        if (heads.has(e.grappe)) continue;
        const after = await porteur.events(e.grappe, e.version);
        heads.set(e.grappe, after && after.length ? after[after.length - 1].version : e.version);
      }
      await this.resend(porteur, [...sample, ...older, ...present]);
      // The in-flight commands not in the log are decided now, once.
      const retried = new Map();  // grappe → [{id, version}]
      for (const f of absent) {
        this.t.resent++;
        const a = await porteur.command(f.grappe, f.cmd);
        const b = a.body || {};
        if (a.status === 200 && b.type === 'ack') {
          this.t.retriedAcked++;
          this.recordAck(f.grappe, f.cmd, b.version, fresh, lines);
          if (!retried.has(f.grappe)) retried.set(f.grappe, []);
          retried.get(f.grappe).push({id: f.cmd.id, version: b.version});
        } else {
          this.t.retriedRejected++;
          this.rejected.add(f.cmd.id);
        }
      }
      fs.appendFileSync(this.expectFile, lines.length ? `${lines.join('\n')}\n` : '');
      // Nothing else may have been appended by the re-sends.
      const auditor = new Connection(port, USERS.auditor.token);
      try {
        const grappes = new Set([...sample, ...older, ...present].map((e) => e.grappe));
        for (const g of retried.keys()) grappes.add(g);
        for (const g of grappes) {
          const from = heads.has(g) ? heads.get(g) : 0;  // 0: not found before
          const allowed = new Map((retried.get(g) || []).map((x) => [x.id, x.version]));
          await this.appendedCheck(auditor, g, from, allowed);
        }
      } finally {
        auditor.close();
      }
    } finally {
      porteur.close();
    }
    for (const e of fresh) this.sample(e);
    this.t.checkMs.push(Date.now() - checkStart);
    this.t.ackedPerRound.push(this.t.acked - ackedBefore);
    this.touched = [new Set(), this.touched[0]];
    return port;
  }

  // The stopped folder checked with grappe-admin: `verify` (the hash chain), then `export`
  // streamed through exportChecker (positions, versions, duplicates, every ack, phantoms).
  async fullOffline(allowed) {
    const started = Date.now();
    const v = await run(this.adminBin, ['verify', '--data', this.data], 600000);
    this.t.offlineVerify = v.code === 0 ? 'ok' : `exit ${v.code}`;
    if (v.code !== 0) {
      this.t.chainBad++;
      this.problem(`admin verify: exit ${v.code}: ${(v.stdout + v.stderr).slice(-500)}`);
    }
    const expected = new Map([...this.grappes].map(([id, g]) => [id, g.expected]));
    const checker = exportChecker(expected, allowed);
    const x = await run(this.adminBin, ['export', '--data', this.data], 600000,
                        (line) => checker.add(line));
    if (x.code !== 0) {
      this.t.errors++;
      this.problem(`admin export: exit ${x.code}: ${x.stderr.slice(-500)}`);
    }
    const r = checker.result();
    this.t.offlineEvents = r.events;
    this.t.holes += r.holes;
    this.t.dup += r.dup;
    this.t.lost += r.lost;
    this.t.phantom += r.phantom;
    this.t.fullChecks++;
    this.t.fullMs.push(Date.now() - started);
    for (const p of r.problems) this.problem(p);
  }

  // At the end: a graceful stop, then the full offline check.
  async offline() {
    this.t.gracefulExit = await this.server.stop(30000);
    await this.fullOffline(new Set());
  }

  failures() {
    const t = this.t;
    return t.lost + t.holes + t.dup + t.idem + t.phantom + t.chainBad + t.errors;
  }

  progress(n) {
    const t = this.t;
    log(`round ${n}/${this.o.rounds}: acked=${t.acked} lost=${t.lost} holes=${t.holes} ` +
        `dup=${t.dup} idem=${t.idem} phantom=${t.phantom} inflight=${t.inflight} ` +
        `grappes=${this.grappes.size} events=${t.verifiedEvents} ` +
        `start_ms=${t.startMs[t.startMs.length - 1]} check_ms=${t.checkMs[t.checkMs.length - 1]}`);
  }

  report(seconds) {
    const t = this.t;
    const rejected = Object.entries(t.rejected).map(([k, v]) => `${k}:${v}`).join(' ') || '0';
    const rows = [
      ['rounds (SIGKILL + restart each)', t.rounds],
      ['connections', this.o.connections],
      ['seed', this.o.seed],
      ['commands sent', t.sent],
      ['acked (incl. recovered/retried)', t.acked],
      ['acked per round p50 / min / max', `${percentile(t.ackedPerRound, 0.5)} / ` +
          `${Math.min(...t.ackedPerRound)} / ${Math.max(...t.ackedPerRound)}`],
      ['rejected', rejected],
      ['in flight at the kill', t.inflight],
      ['  found in the log (acked late)', t.recovered],
      ['  not in the log, re-sent: acked', t.retriedAcked],
      ['  not in the log, re-sent: rejected', t.retriedRejected],
      ['re-sent command ids', t.resent],
      ['grappes', this.grappes.size],
      ['full offline checks (whole log)', t.fullChecks],
      ['kill after ms p50 / max', `${percentile(t.killMs, 0.5)} / ${Math.max(0, ...t.killMs)}`],
      ['restart ms p50 / max', `${percentile(t.startMs, 0.5)} / ${Math.max(0, ...t.startMs)}`],
      ['check ms p50 / max (restart included)',
       `${percentile(t.checkMs, 0.5)} / ${Math.max(0, ...t.checkMs)}`],
      ['online verify ms p50 / max', `${percentile(t.verifyMs, 0.5)} / ${Math.max(0, ...t.verifyMs)}`],
      ['offline full check ms p50 / last',
       `${percentile(t.fullMs, 0.5)} / ${t.fullMs[t.fullMs.length - 1] ?? 0}`],
      ['chain verified online (events)', t.verifiedEvents],
      ['admin verify (stopped)', t.offlineVerify],
      ['admin export events', t.offlineEvents],
      ['graceful stop exit status', t.gracefulExit],
      ['lost / holes / dup', `${t.lost} / ${t.holes} / ${t.dup}`],
      ['idempotency failures / phantoms', `${t.idem} / ${t.phantom}`],
      ['chain failures / errors', `${t.chainBad} / ${t.errors}`],
      ['seconds', seconds],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
    for (const p of this.problems) console.log(`problem: ${p}`);
    console.log(`rounds=${t.rounds} acked=${t.acked} lost=${t.lost} holes=${t.holes} dup=${t.dup} ` +
                `idem=${t.idem} phantom=${t.phantom} chain_bad=${t.chainBad} errors=${t.errors} ` +
                `inflight=${t.inflight} recovered=${t.recovered} events=${t.offlineEvents} ` +
                `seed=${this.o.seed}`);
  }
}

async function soak(o) {
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(o.dir, 'grappe-soak-'));
  const s = new Soak(o, workDir);
  s.setUp();
  const cleanup = () => s.server.killNow();
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => { cleanup(); process.exit(130); });
  }
  log(`soak-kill9: ${o.rounds} rounds, ${o.connections} connections, seed ${o.seed}, in ${workDir}`);
  try {
    let port = await s.startServer();
    for (let n = 1; n <= o.rounds; n++) {
      const full = n % o.fullEvery === 0 && n !== o.rounds;  // the end has its own
      try {
        port = await withTimeout(s.round(port, full), ROUND_TIMEOUT_MS, `round ${n}`);
      } catch (e) {
        s.t.errors++;
        s.problem(`round ${n} failed: ${e.message}`);
        log(`round ${n} failed: ${e.message}`);
        break;
      }
      s.t.rounds = n;
      if (n % 10 === 0 || n === o.rounds) s.progress(n);
    }
    if (s.t.errors === 0) await s.offline();
  } catch (e) {
    s.t.errors++;
    s.problem(e.message);
    log(e.message);
  } finally {
    s.server.killNow();
    await s.server.waitExit(10000);
  }
  s.report(Math.round((Date.now() - started) / 1000));
  const failed = s.failures() > 0;
  if (o.keep || failed) {
    log(`kept ${workDir} (data/, expected.jsonl, server.log)`);
  } else {
    fs.rmSync(workDir, {recursive: true, force: true});
  }
  return {code: failed ? 1 : 0, workDir};
}

// Checks a kept folder (its server stopped) against its expected.jsonl: admin verify and the
// export checked offline. Used by --self-check after tampering with the file.
async function checkOnly(o, dir, quiet = false) {
  const s = new Soak(o, dir);
  s.setUp();
  for (const line of fs.readFileSync(s.expectFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    const g = s.grappe(e.grappe);
    g.expected.set(e.id, e.version);
    if (e.name === 'CreateGrappe') g.created = true;
    s.t.acked++;
  }
  try {
    await s.fullOffline(new Set());
  } catch (e) {
    s.t.errors++;
    s.problem(e.message);
  }
  if (!quiet) s.report(0);
  return s;
}

// Shows that the checks fail when they must: doctored event lists, then a real short soak whose
// expectations are tampered with (an ack moved to another version, an ack that never happened).
async function selfCheck(o) {
  let ok = true;
  const expect = (what, cond) => {
    log(`self-check: ${cond ? 'ok  ' : 'FAIL'} ${what}`);
    ok = ok && cond;
  };
  const ev = (version, commandId, position) => ({version, commandId, position: position ?? version});
  const good = [ev(1, 'a'), ev(2, 'b'), ev(3, 'b'), ev(4, 'c')];
  const exp = new Map([['a', 1], ['b', 3], ['c', 4]]);
  let r = checkGrappe('g', good, exp, new Map());
  expect('an intact list passes', r.lost === 0 && r.holes === 0 && r.dup === 0);
  r = checkGrappe('g', [good[0], good[2], good[3]].map((e, i) => ({...e})), exp, new Map());
  expect(`a missing event is a hole (holes=${r.holes})`, r.holes > 0);
  r = checkGrappe('g', good.slice(0, 3), exp, new Map());
  expect(`a missing acked event is lost (lost=${r.lost})`, r.lost === 1);
  r = checkGrappe('g', [...good, ev(5, 'a')], exp, new Map());
  expect(`a command id twice is a duplicate (dup=${r.dup})`, r.dup === 1);
  const seen = new Map();
  checkGrappe('g1', good, exp, seen);
  r = checkGrappe('g2', [ev(1, 'c', 9)], new Map(), seen);
  expect(`a command id in two grappes is a duplicate (dup=${r.dup})`, r.dup === 1);
  const x = exportChecker();
  const rec = (position, stream, version, commandId) =>
    JSON.stringify({position, stream, version, commandId});
  for (const l of [rec(1, 's', 1, 'a'), rec(2, 't', 1, 'b'), rec(4, 's', 2, 'c'),
                   rec(5, 's', 4, 'a')]) {
    x.add(l);
  }
  let xr = x.result();
  expect(`export: position and version holes (holes=${xr.holes}), repeated id (dup=${xr.dup})`,
         xr.holes === 2 && xr.dup === 1);
  const y = exportChecker(new Map([['g1', new Map([['a', 1], ['b', 3], ['c', 9]])]]));
  for (const l of [rec(1, 'grappe-g1', 1, 'a'), rec(2, 'grappe-g1', 2, 'b'),
                   rec(3, 'grappe-g1', 3, 'b'), rec(4, 'esms-1', 1, 'b'),
                   rec(5, 'grappe-g2', 1, 'a'), rec(6, 'grappe-g1', 4, 'z')]) {
    y.add(l);
  }
  xr = y.result();
  expect(`export: acked but absent is lost (lost=${xr.lost}), an id in two grappes is a ` +
         `duplicate (dup=${xr.dup}), an id nobody acked is a phantom (phantom=${xr.phantom})`,
         xr.lost === 1 && xr.dup === 1 && xr.phantom === 1 && xr.holes === 0);

  const live = {...o, rounds: 3, keep: true};
  log('self-check: a real 3-round soak, then its expectations tampered with');
  const {code, workDir: kept} = await soak(live);
  expect('the 3-round soak passes', code === 0);
  const file = path.join(kept, 'expected.jsonl');
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const untouched = await checkOnly(o, kept, true);
  expect(`the kept folder checks clean (lost=${untouched.t.lost})`, untouched.failures() === 0);
  // Re-sends on the kept folder: an acked id re-sent is answered as the first time and appends
  // nothing; the same command under a new id (what a server that forgot the id would do) is
  // caught as an append, and an ack whose version differs from the first is caught too.
  const probe = new Soak(o, kept);
  probe.setUp();
  try {
    const port = await probe.startServer();
    const porteur = new Connection(port, USERS.porteur.token);
    const auditor = new Connection(port, USERS.auditor.token);
    const c = lines.find((l) => l.name === 'PostComment');
    const head = async () => (await auditor.events(c.grappe)).length;
    const before = await head();
    const cmd = {id: c.id, name: 'PostComment', payload: {text: 'self-check re-send'}};
    await probe.resend(porteur, [{grappe: c.grappe, cmd, version: c.version}]);
    await probe.appendedCheck(auditor, c.grappe, before, new Map());
    expect(`an acked id re-sent: same ack, nothing appended (idem=${probe.t.idem}, ` +
           `dup=${probe.t.dup})`, probe.t.idem === 0 && probe.t.dup === 0);
    await probe.resend(porteur, [{grappe: c.grappe, cmd, version: c.version + 1}]);
    expect(`an ack at another version than the first is caught (idem=${probe.t.idem})`,
           probe.t.idem === 1);
    await porteur.command(c.grappe, {...cmd, id: crypto.randomUUID()});
    await probe.appendedCheck(auditor, c.grappe, before, new Map());
    expect(`a re-send that appends is caught (dup=${probe.t.dup})`, probe.t.dup === 1);
    porteur.close();
    auditor.close();
  } finally {
    await probe.server.stop(30000);
  }
  // That extra comment is in the log now but in no expectation: fine for the lost count below.
  const victim = lines.find((l) => l.name === 'PostComment') || lines[lines.length - 1];
  victim.version += 1;  // acked at another version than the log has
  lines.push({id: crypto.randomUUID(), grappe: victim.grappe, version: 1, name: 'PostComment',
              round: 0});  // an ack the log never saw
  fs.writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const tampered = await checkOnly(o, kept, true);
  expect(`2 tampered expectations are reported lost (lost=${tampered.t.lost}; phantom=` +
         `${tampered.t.phantom}: the probe's extra comment)`,
         tampered.t.lost === 2 && tampered.t.phantom === 1);
  fs.rmSync(kept, {recursive: true, force: true});
  console.log(`self-check ${ok ? 'ok' : 'FAILED'}`);
  return ok ? 0 : 1;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    log(`soak-kill9: ${e.message}\n${usage()}`);
    return 2;
  }
  if (o.selfCheck) return selfCheck(o);
  if (o.check) {
    const s = await checkOnly(o, path.resolve(o.check));
    return s.failures() > 0 ? 1 : 0;
  }
  return (await soak(o)).code;
}

process.exitCode = await main();
