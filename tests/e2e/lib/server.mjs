// Starts and stops a real grappe-server for the browser tests and the web benchmark.
import {spawn} from 'node:child_process';
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function serverBinary() {
  const binary = process.env.GRAPPE_SERVER;
  if (!binary) throw new Error('GRAPPE_SERVER must name the grappe-server binary');
  return binary;
}

export function freshDataDir(tag) { return mkdtempSync(path.join(os.tmpdir(), `grappe-${tag}-`)); }

export function removeDir(dir) { rmSync(dir, {recursive: true, force: true}); }

// A loopback port free a moment ago, for a server whose URL must be known before it starts
// (an OpenID Connect provider registers its callback).
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The options of a server signing people in with `provider` (lib/oidc_provider.mjs) at `url`.
export const oidcArgs = (provider, url) => [
  '--oidc-issuer', provider.issuer, '--oidc-client-id', provider.clientId,
  '--oidc-client-secret-file', provider.secretFile, '--public-url', url
];

// Spawns the server and resolves once it printed `listening on http://HOST:PORT`. With
// GRAPPE_E2E_LOG set, the server's log is also appended to that file (to read after a failure).
// options: data (dir), listen ('127.0.0.1:0'), args (extra options), timeoutMs.
export function startServer({data, listen = '127.0.0.1:0', args = ['--demo'], timeoutMs = 30000}) {
  const child = spawn(
      serverBinary(), ['--data', data, '--listen', listen, ...args],
      {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (process.env.GRAPPE_E2E_LOG) appendFileSync(process.env.GRAPPE_E2E_LOG, d);
    stderr = (stderr + d).slice(-8000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer =
        setTimeout(() => fail(new Error(`server not listening after ${timeoutMs} ms`)), timeoutMs);
    function fail(err) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      err.message += `\n--- server stderr ---\n${stderr}`;
      reject(err);
    }
    child.once('exit', (code) => fail(new Error(`server exited with ${code} before listening`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: m[1].replace(/\/$/, ''),
        child,
        stop: () => stopServer(child),
        stderr: () => stderr
      });
    });
  });
}

// SIGTERM, then SIGKILL if it has not exited after timeoutMs. Resolves with the exit code.
export function stopServer(child, timeoutMs = 15000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

// A tiny HTTP client for setting up scenarios through the API.
export function apiClient(base, token) {
  async function call(method, p, body) {
    const res = await fetch(`${base}${p}`, {
      method,
      headers:
          {Authorization: `Bearer ${token}`, ...(body ? {'Content-Type': 'application/json'} : {})},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => null);
    return {status: res.status, data};
  }
  return {
    get: (p) => call('GET', p),
    post: (p, body) => call('POST', p, body),
    put: (p, body) => call('PUT', p, body),
    command: (grappe, name, payload) =>
        call('POST', `/api/grappes/${grappe}/commands`, {id: crypto.randomUUID(), name, payload}),
  };
}

export async function demoUsers(base) {
  const res = await fetch(`${base}/api/demo/users`);
  if (!res.ok) throw new Error(`GET /api/demo/users: ${res.status}`);
  return (await res.json()).users;
}
