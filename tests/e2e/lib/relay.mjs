// A TCP relay that keeps one address while the server behind it changes: a page loaded through it
// keeps its origin when the server restarts on another port, one the OS picked and the server
// printed (so no test ever guesses a free port). While no server answers, connections are reset.
import net from 'node:net';

// Resolves with {url, to(serverUrl), close()} once the relay listens on 127.0.0.1, port 0.
export function startRelay() {
  let target = null;  // {host, port} of the current server
  const open = new Set();
  const track = (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  const server = net.createServer((client) => {
    track(client);
    if (!target) return client.resetAndDestroy();
    const upstream = track(net.connect(target.port, target.host));
    upstream.once('error', () => client.resetAndDestroy());
    client.once('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  const relay = {
    url: null,
    to(serverUrl) {
      const u = new URL(serverUrl);
      target = {host: u.hostname, port: Number(u.port)};
    },
    close() {
      for (const s of open) s.destroy();
      return new Promise((done) => server.close(done));
    },
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      relay.url = `http://127.0.0.1:${server.address().port}`;
      resolve(relay);
    });
  });
}
