// What makes browser scenarios that share one server independent: each takes a call for projects
// of its own (an establishment is exclusive per call, so every scenario finds every establishment
// free), creates its own grappes there, and opens its own pages, closed when it ends with a check
// that none logged a console error. A scenario thus runs alone (--test-name-pattern) or in any
// order after the others.
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';

import {userPage} from './browser.mjs';
import {apiClient} from './server.mjs';

const SCENE_CALLS = 40;
let callsTaken = 0;

// Writes the --config of a server for scenes into `dir` and returns its path: the built-in
// "default" call (the demo grappes use it) and e2e-1…e2e-40, open in every region, with a
// threshold of 3 so that a grappe of three accepted members can be submitted.
export function writeScenesConfig(dir) {
  const calls = [{id: 'default', label: 'Appel par défaut', regions: '*'}];
  for (let i = 1; i <= SCENE_CALLS; i++) {
    calls.push({
      id: `e2e-${i}`,
      label: `Appel e2e ${i}`,
      regions: '*',
      threshold: 3,
      thresholdOverseasCorsica: 2
    });
  }
  const file = path.join(dir, 'calls.json');
  writeFileSync(file, JSON.stringify({calls}));
  return file;
}

export class Scene {
  // t: the node:test context (the scene ends with it); env: {browser, base}.
  constructor(t, env) {
    assert.ok(callsTaken < SCENE_CALLS, 'more scenes than calls in writeScenesConfig');
    this.env = env;
    this.call = `e2e-${++callsTaken}`;
    this.pages = [];
    t.after(() => this.end());
  }

  // A page signed in as `user` (null: signed out) at `hash`; options as userPage's.
  async open(user, hash, options = {}) {
    const p =
        await userPage(this.env.browser, this.env.base, user?.token, {...options, path: hash});
    this.pages.push(p);
    return p;
  }

  api(user) { return apiClient(this.env.base, user.token); }

  // A grappe of `porteur` in this scene's call, with `invite` (establishments) invited in order;
  // those of the porteur's own organisations are accepted at once. Resolves with its id.
  async grappe(porteur, {name = 'Grappe e2e', region = '75', invite = []} = {}) {
    const api = this.api(porteur);
    const id = crypto.randomUUID();
    const created = await api.command(
        id, 'CreateGrappe', {name, call: this.call, region, porteur: porteur.og[0]});
    assert.equal(created.status, 200, JSON.stringify(created.data));
    for (const e of invite) {
      const invited = await api.command(id, 'InviteEstablishment', {finess: e.finess});
      assert.equal(invited.status, 200, JSON.stringify(invited.data));
    }
    return id;
  }

  async end() {
    for (const p of this.pages) await p.context.close().catch(() => {});
    assert.deepEqual(this.pages.flatMap((p) => p.errors), [], 'no console error in the scene');
  }
}
