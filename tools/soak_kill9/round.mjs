// One round: load and kill, restart, then the checks of what it acked and what was in flight,
// and the re-sends. A method of Soak (see state.mjs).
import fs from 'node:fs';

import {USERS} from './common.mjs';
import {Connection} from './http.mjs';

export const roundMethods = {
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
  },
};
