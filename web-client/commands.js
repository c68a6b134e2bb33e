// Sending commands for action slots (`app.run`) through the outbox (lib/outbox.js): each command
// is kept with its id before it leaves, until the server answers. Commands an earlier page left
// unanswered (a reload or a closed tab while offline) are sent again, with their ids, as soon as
// this page starts; the slot they were sent for shows them pending, then their answer.
import {uuid} from './lib/dom.js';
import {Outbox} from './lib/outbox.js';
import {mountOutboxPanel} from './views/outbox.js';

// Returns {outbox, run, loaded, stop}; `loaded` resolves once the kept commands are sent again.
export function startCommands(app) {
  const {store} = app;
  const outbox = new Outbox(app.me.id, () => panel.update());
  const panel = mountOutboxPanel(app, outbox);
  const off = store.listen((change) => {
    if (change.kind !== 'connection') return;
    if (store.connection.status !== 'online') outbox.deferAll();
    panel.update();
  });

  async function send(entry) {
    store.setPending(entry.slot, entry.label);
    try {
      const ack = await app.conn.command(
          entry.grappe, entry.name, entry.payload, entry.expectedVersion, entry.id);
      outbox.acknowledged(entry.id, ack);
      store.clearSlot(entry.slot);
      return ack;
    } catch (rejection) {
      // Signed out before the answer: the command stays kept for this user's next session.
      if (rejection?.code === 'network' && app.conn.stopped) return null;
      outbox.refused(entry.id, rejection);
      store.setRejected(entry.slot, rejection);
      return null;
    }
  }

  // Sends a command for one action slot: pending until the ack, the rejection kept beside it.
  // Resolves with the ack, or null when refused. options: label, expectedVersion, id (the
  // command's id when the caller keeps it too, e.g. the comment draft).
  async function run(slot, grappe, name, payload, options = {}) {
    const id = options.id ?? uuid();
    const known = outbox.get(id);
    if (known && !known.rejection) {  // already on its way (sent again after a reload)
      const {ack} = await outbox.answered(id);
      return ack ?? null;
    }
    if (known) outbox.dismiss(id);
    const entry = {id, grappe, name, payload: payload ?? {}, slot, label: options.label};
    if (options.expectedVersion != null) entry.expectedVersion = options.expectedVersion;
    entry.title = store.grappes.get(grappe)?.state?.name ?? entry.payload.name;
    await outbox.add(entry);
    return send(outbox.get(id) ?? entry);
  }

  const loaded = outbox.load().then((kept) => {
    for (const entry of kept) send(entry);
  });

  return {
    outbox,
    run,
    loaded,
    stop() {
      off();
      panel.remove();
    },
  };
}
