// What the soak prints: a progress line on standard error every 10 rounds, and at the end the
// table, the problems and the machine-readable last line on standard output. Methods of Soak
// (see state.mjs).
import {log, percentile} from './common.mjs';

export const reportMethods = {
  progress(n) {
    const t = this.t;
    log(`round ${n}/${this.o.rounds}: acked=${t.acked} lost=${t.lost} holes=${t.holes} ` +
        `dup=${t.dup} idem=${t.idem} phantom=${t.phantom} inflight=${t.inflight} ` +
        `grappes=${this.grappes.size} events=${t.verifiedEvents} ` +
        `start_ms=${t.startMs[t.startMs.length - 1]} check_ms=${t.checkMs[t.checkMs.length - 1]}`);
  },

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
  },
};
