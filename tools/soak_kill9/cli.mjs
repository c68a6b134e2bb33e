// The command line: usage text and option parsing (tools/soak-kill9 adds --server, --admin and
// --registry).
import crypto from 'node:crypto';
import os from 'node:os';

export function usage() {
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

export function parseArgs(argv) {
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
