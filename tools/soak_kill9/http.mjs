// Minimal JSON-over-HTTP client on a keep-alive agent: one agent with one socket is one
// connection of the load.
import http from 'node:http';

export class Connection {
  constructor(port, token) {
    this.port = port;
    this.token = token;
    this.agent = new http.Agent({keepAlive: true, maxSockets: 1});
  }

  close() { this.agent.destroy(); }

  // Resolves {status, body (parsed JSON or null), text}; rejects on a network error or when no
  // full answer came within `timeoutMs`.
  request(method, path, body, timeoutMs = 10000) {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = {authorization: `Bearer ${this.token}`};
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const req = http.request({host: '127.0.0.1', port: this.port, method, path, headers,
                                agent: this.agent}, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = null;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          resolve({status: res.statusCode, body: parsed, text});
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  command(grappe, cmd) {
    return this.request('POST', `/api/grappes/${encodeURIComponent(grappe)}/commands`, cmd);
  }

  // Every event of a grappe from `fromVersion` (exclusive), paged; null when the grappe is not
  // found. Bounded: at most `maxPages` pages.
  async events(grappe, fromVersion = 0, maxPages = 10000) {
    const out = [];
    let from = fromVersion;
    for (let page = 0; page < maxPages; page++) {
      const r = await this.request(
          'GET', `/api/grappes/${encodeURIComponent(grappe)}/events?fromVersion=${from}&limit=5000`);
      if (r.status === 404) return null;
      if (r.status !== 200 || !r.body || !Array.isArray(r.body.events)) {
        throw new Error(`GET events of ${grappe}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      out.push(...r.body.events);
      if (r.body.events.length < 5000) return out;
      from = r.body.events[r.body.events.length - 1].version;
    }
    throw new Error(`GET events of ${grappe}: more than ${maxPages} pages`);
  }
}
