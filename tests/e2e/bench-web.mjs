// Web benchmark (tools/bench-web): with a 200-member grappe, the time to a usable grappe view in
// a fresh browser, also on a throttled "slow 4G" link, and the latency from a command in one
// browser to the other browser's DOM; then axe-core's violations on every view and role
// (lib/sweep.mjs, on a demo server). Prints tables, then as its last line
// `view_ms=N live_p50_ms=N live_p95_ms=N slow4g_view_ms=N axe_serious=N` (serious + critical).
// --web-root DIR (repeatable): one server per web client, their views timed in turn in one run;
// the last line adds `view_ratio_NAME=R`, each other client's median over the first one's.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';

import {axeScan, IMPACTS, isSerious} from './lib/a11y.mjs';
import {launchBrowser, userPage} from './lib/browser.mjs';
import {finess, registryCsv} from './lib/finess.mjs';
import {writeScenesConfig} from './lib/scene.mjs';
import {apiClient, freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {runWalk, sweepFixtures, walks} from './lib/sweep.mjs';

const {values: opts} = parseArgs({
  options: {
    members: {type: 'string', default: '200'},
    commands: {type: 'string', default: '100'},
    views: {type: 'string', default: '5'},
    rtt: {type: 'string', default: '0'},
    'web-root': {type: 'string', multiple: true, default: []},
  },
});
const MEMBERS = Number(opts.members);
const COMMANDS = Number(opts.commands);
const VIEWS = Number(opts.views);
const RTT_MS = Number(opts.rtt);  // added to every request of the timed views (Chromium's throttle)
const ROOTS = opts['web-root'].length ? opts['web-root'] : [null];  // null: the server's default
const rootName = (root) => (root ? path.basename(path.resolve(root)) : 'default');
const median = (a) => percentile([...a].sort((x, y) => x - y), 50);

const percentile = (sorted, p) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const log = (...a) => console.error('[bench-web]', ...a);
// Chromium's "slow 4G" preset: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (bytes/s).
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: 1.6e6 / 8,
  uploadThroughput: 750e3 / 8
};
const SLOW_4G_TARGET_MS = 2500;
// Chromium's emulation throttles HTTP, not WebSocket frames: what the slow 4G views received over
// the WebSocket before the view was usable (round trips and bytes that the figure leaves out).
const slowWebSocket = [];

async function main() {
  const dir = freshDataDir('bench-web');
  const ej = finess('33', 900001);
  const registry = path.join(dir, 'registry.csv');
  writeFileSync(
      registry,
      registryCsv({departement: '33', ej, ejName: 'OG Banc d’essai', count: MEMBERS + 20}));
  const users = path.join(dir, 'users.json');
  const porteur = {
    id: 'bench-porteur',
    name: 'Porteur (banc)',
    role: 'gestionnaire',
    og: [ej],
    token: `tok-p-${crypto.randomUUID()}`
  };
  const viewer = {
    id: 'bench-viewer',
    name: 'Collègue (banc)',
    role: 'gestionnaire',
    og: [ej],
    token: `tok-v-${crypto.randomUUID()}`
  };
  writeFileSync(users, JSON.stringify({users: [porteur, viewer]}));
  const browser = await launchBrowser();
  const sites = [];
  try {
    for (const [k, root] of ROOTS.entries()) {
      const server = await startServer({
        data: path.join(dir, `data-${k}`),
        args: [
          '--no-demo', '--users', users, '--registry', registry,
          ...(root ? ['--web-root', root] : [])
        ]
      });
      sites.push({root, server, grappe: null});
      sites[k].grappe = await seedGrappe(server.url, porteur, ej);
    }
    // One view of each site in turn, the order alternating, so that a slow moment of the machine
    // falls on every site alike.
    const views = sites.map(() => []);
    for (let i = 0; i < VIEWS; i++) {
      const order = i % 2 ? [...sites.keys()].reverse() : [...sites.keys()];
      for (const k of order) {
        views[k].push(await timeView(browser, sites[k].server.url, viewer, sites[k].grappe));
      }
    }
    const slow = [];
    for (let i = 0; i < VIEWS; i++) {
      slow.push(await timeView(browser, sites[0].server.url, viewer, sites[0].grappe, SLOW_4G));
    }
    const live = await timeLive(browser, sites[0].server.url, porteur, viewer, sites[0].grappe);
    const axe = await axeSweep(browser, dir);
    report(views, slow, live, axe);
  } finally {
    await browser.close();
    for (const s of sites) await s.server.stop();
    removeDir(dir);
  }
}

async function seedGrappe(base, porteur, ej) {
  const api = apiClient(base, porteur.token);
  const grappe = crypto.randomUUID();
  const created = await api.command(
      grappe, 'CreateGrappe',
      {name: 'Grappe banc d’essai', call: 'default', region: '75', porteur: ej});
  if (created.status !== 200) throw new Error(`CreateGrappe: ${JSON.stringify(created.data)}`);
  for (let i = 0; i < MEMBERS; i++) {
    const r = await api.command(grappe, 'InviteEstablishment', {finess: finess('33', 1 + i)});
    if (r.status !== 200) throw new Error(`InviteEstablishment ${i}: ${JSON.stringify(r.data)}`);
  }
  const state = (await api.get(`/api/grappes/${grappe}`)).data;
  log(`grappe ${grappe}: ${state.counts.accepted} accepted members, version ${state.version}`);
  return grappe;
}

// From navigation start (browser context already open, cold cache) to the members table
// holding every member with its actions. With --rtt, each request of the page waits that long;
// `conditions` (Network.emulateNetworkConditions) replace that throttle.
async function timeView(browser, base, user, grappe, conditions = null) {
  const {context, page, errors} = await userPage(browser, base, user.token, {path: null});
  const throttle = conditions ??
      (RTT_MS > 0 ?
           {offline: false, latency: RTT_MS, downloadThroughput: -1, uploadThroughput: -1} :
           null);
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', throttle);
  }
  const ws = {frames: 0, bytes: 0};
  if (conditions) {
    page.on('websocket', (socket) => socket.on('framereceived', (f) => {
      ws.frames += 1;
      ws.bytes += Buffer.byteLength(f.payload);
    }));
  }
  const started = Date.now();
  await page.goto(`${base}/#/grappe/${grappe}`, {waitUntil: 'commit'});
  await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="members"] tbody tr').length >= n, MEMBERS,
      {polling: 'raf', timeout: 30000});
  const ms = Date.now() - started;
  if (conditions) slowWebSocket.push({...ws});
  await context.close();
  if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`);
  return ms;
}

// A comment posted through browser A's form, until it is in browser B's comment list.
async function timeLive(browser, base, porteur, viewer, grappe) {
  const a = await userPage(browser, base, porteur.token, {path: `#/grappe/${grappe}`});
  const b = await userPage(browser, base, viewer.token, {path: `#/grappe/${grappe}`});
  for (const p of [a.page, b.page]) await p.getByTestId('comment-submit').waitFor();
  await b.page.evaluate(() => {
    window.benchSeen = new Map();
    const list = document.querySelector('[data-testid="comments"]');
    new MutationObserver(() => {
      const now = Date.now();
      for (const p of list.querySelectorAll('.comment p')) {
        if (!window.benchSeen.has(p.textContent)) window.benchSeen.set(p.textContent, now);
      }
    }).observe(list, {childList: true, subtree: true});
  });
  const samples = [];
  for (let i = 0; i < COMMANDS; i++) {
    const text = `mesure ${i}`;
    const sent = await a.page.evaluate((t) => {
      document.querySelector('[data-testid="comment-text"]').value = t;
      const at = Date.now();
      document.querySelector('[data-testid="comment-submit"]').click();
      return at;
    }, text);
    const seen = await (await b.page.waitForFunction((t) => window.benchSeen.get(t), text, {
                   timeout: 10000
                 })).jsonValue();
    samples.push(seen - sent);
    await a.page.waitForFunction(
        () => !document.querySelector('[data-testid="comment-submit"]').disabled, null,
        {timeout: 10000});
  }
  await a.context.close();
  await b.context.close();
  return samples;
}

// axe-core on every view of every role (lib/sweep.mjs), on a demo server of its own: the
// violations (rules broken) of each impact, per view, summed over the roles that see it.
async function axeSweep(browser, dir) {
  const server = await startServer(
      {data: path.join(dir, 'data-axe'), args: ['--demo', '--config', writeScenesConfig(dir)]});
  try {
    const fx = await sweepFixtures(server.url);
    const byView = new Map();
    for (const walk of walks(fx)) {
      await runWalk(browser, server.url, walk, async (step, page) => {
        const row = byView.get(step.view) ??
            {roles: [], counts: Object.fromEntries(IMPACTS.map((i) => [i, 0]))};
        row.roles.push(walk.role);
        for (const v of await axeScan(page)) {
          row.counts[v.impact] += 1;
          if (isSerious(v) || v.impact === 'moderate')
            log(`${walk.role}: ${step.view}: ${v.impact} ${v.id}`);
        }
        byView.set(step.view, row);
      });
    }
    return byView;
  } finally {
    await server.stop();
  }
}

function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
}

function report(views, slow, live, axe) {
  const l = [...live].sort((x, y) => x - y);
  const rows = [['measure', 'n', 'min', 'p50', 'p95', 'max', 'target']];
  for (const [k, list] of views.entries()) {
    const v = [...list].sort((x, y) => x - y);
    const name = ROOTS.length > 1 ? ` [${rootName(ROOTS[k])}]` : '';
    rows.push([
      `usable grappe view (ms)${name}`, v.length, v[0], percentile(v, 50), percentile(v, 95),
      v.at(-1), '< 1000'
    ]);
  }
  const s = [...slow].sort((x, y) => x - y);
  rows.push([
    'usable grappe view, slow 4G (ms)', s.length, s[0], percentile(s, 50), percentile(s, 95),
    s.at(-1), `< ${SLOW_4G_TARGET_MS}`
  ]);
  rows.push([
    'command → other DOM (ms)', l.length, l[0], percentile(l, 50), percentile(l, 95), l.at(-1),
    'p95 < 150'
  ]);
  printTable(rows);
  const last = slowWebSocket.at(-1);
  if (last) {
    console.log(`slow 4G: the WebSocket is not throttled by Chromium; ${last.frames} frames, ${
        Math.round(
            last.bytes / 1024)} KiB (uncompressed) came through it before the view was usable`);
  }
  console.log('');
  const axeRows = [['axe violations per view', 'roles', ...IMPACTS]];
  let serious = 0;
  for (const [view, {roles, counts}] of axe) {
    axeRows.push([view, roles.join(', '), ...IMPACTS.map((i) => counts[i])]);
    serious += counts.critical + counts.serious;
  }
  printTable(axeRows);
  console.log(`members=${MEMBERS} commands=${l.length} views=${views[0].length} rtt_ms=${RTT_MS}`);
  const first = median(views[0]);
  const ratios = views.slice(1).map(
      (v, k) => ` view_ratio_${rootName(ROOTS[k + 1])}=${(median(v) / first).toFixed(2)}`);
  console.log(`view_ms=${first} live_p50_ms=${percentile(l, 50)} live_p95_ms=${percentile(l, 95)}${
      ratios.join('')} slow4g_view_ms=${median(slow)} axe_serious=${serious}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
