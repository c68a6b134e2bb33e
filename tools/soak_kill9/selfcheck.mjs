// --self-check: the checks shown to fail when they must.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {checkGrappe, exportChecker} from './check.mjs';
import {USERS, log} from './common.mjs';
import {Connection} from './http.mjs';
import {checkOnly, soak} from './run.mjs';
import {Soak} from './state.mjs';

// Shows that the checks fail when they must: doctored event lists, then a real short soak whose
// expectations are tampered with (an ack moved to another version, an ack that never happened).
export async function selfCheck(o) {
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
