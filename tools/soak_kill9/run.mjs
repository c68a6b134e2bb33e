// The two ways to run: a soak of N rounds in a fresh folder, or the offline check of a kept one.
import fs from 'node:fs';
import path from 'node:path';

import {ROUND_TIMEOUT_MS, log, withTimeout} from './common.mjs';
import {Soak} from './state.mjs';

export async function soak(o) {
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
export async function checkOnly(o, dir, quiet = false) {
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
