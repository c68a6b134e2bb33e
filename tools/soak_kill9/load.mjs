// The load of one round: C keep-alive connections each sending commands in a closed loop, and
// the SIGKILL at a random moment; what was in flight at the kill is returned for the round to
// decide. Methods of Soak (see state.mjs).
import crypto from 'node:crypto';

import {PORTEUR_EJ, USERS, sleep, withTimeout} from './common.mjs';
import {Connection} from './http.mjs';

export const loadMethods = {
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
  },

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
  },

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
  },
};
