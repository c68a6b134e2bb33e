// ./tools/soak-kill9: N rounds of command load on the real server over several keep-alive HTTP
// connections, SIGKILL at a random moment of each round, restart, then check against every
// command acknowledged so far (see usage()). Run through tools/soak-kill9, which builds first.
// The parts: cli.mjs (options), run.mjs (a soak, a kept folder's check), state.mjs (the Soak
// object) with load.mjs, round.mjs, verify.mjs and report.mjs (its methods), selfcheck.mjs,
// and common.mjs, check.mjs, http.mjs, server.mjs (what they share).
import path from 'node:path';

import {parseArgs, usage} from './cli.mjs';
import {log} from './common.mjs';
import {checkOnly, soak} from './run.mjs';
import {selfCheck} from './selfcheck.mjs';

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
