// The checks that read the server (events of grappes, online verify, re-sends) or the stopped
// folder (grappe-admin verify and export); the pure checks themselves are in check.mjs. Methods
// of Soak (see state.mjs).
import {checkGrappe, exportChecker} from './check.mjs';
import {USERS, run} from './common.mjs';
import {Connection} from './http.mjs';

export const verifyMethods = {
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
  },

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
  },

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
  },

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
  },

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
  },

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
  },

  // At the end: a graceful stop, then the full offline check.
  async offline() {
    this.t.gracefulExit = await this.server.stop(30000);
    await this.fullOffline(new Set());
  },
};
