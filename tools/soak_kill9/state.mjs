// The Soak object: its state and the small operations on it. Its larger behaviours are groups of
// methods in load.mjs, verify.mjs, round.mjs and report.mjs, mixed into its prototype below: they
// all work on the same tallies and expectations through `this`, and one file for them all would
// be too long to read.
import fs from 'node:fs';
import path from 'node:path';

import {CALLS, START_TIMEOUT_MS, USERS, readRegistry, rng} from './common.mjs';
import {loadMethods} from './load.mjs';
import {reportMethods} from './report.mjs';
import {roundMethods} from './round.mjs';
import {ServerProcess} from './server.mjs';
import {verifyMethods} from './verify.mjs';

// The soak's whole state: what was acknowledged per grappe, the log of expectations on disk.
export class Soak {
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

  async startServer() {
    await this.server.start(START_TIMEOUT_MS);
    this.t.startMs.push(this.server.startMs);
    return this.server.port;
  }

  failures() {
    const t = this.t;
    return t.lost + t.holes + t.dup + t.idem + t.phantom + t.chainBad + t.errors;
  }
}

Object.assign(Soak.prototype, loadMethods, verifyMethods, roundMethods, reportMethods);
