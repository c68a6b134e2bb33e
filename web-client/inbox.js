// The live grappe list (README "Protocol additions"): asked for on every (re)connection with
// `subscribeList`; the server answers with the whole `list`, then a `listItem` per change, which
// the store keeps (state.js). What awaits the user (the items' `todo`) is counted in the header
// and the page title.
import {renderInbox} from './views/header.js';

export function startInbox(app) {
  let online = false;
  return app.store.listen((change) => {
    if (change.kind === 'connection') {
      const now = app.store.connection.status === 'online';
      if (now && !online) app.conn.send({type: 'subscribeList'});
      online = now;
    }
    if (change.kind === 'list') renderInbox(app.store);
  });
}
