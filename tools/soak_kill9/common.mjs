// What every part of the soak shares: the test users and calls, the seeded generator, bounded
// waits and child processes, the registry of establishments, percentiles.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {spawn} from 'node:child_process';

export const START_TIMEOUT_MS = 30000;
export const ROUND_TIMEOUT_MS = 300000;
export const PORTEUR_EJ = '330001009';
export const CALLS = 20;  // the porteur's own establishments can join one grappe per call
export const USERS = {
  porteur: {id: 'soak-porteur', name: 'Soak porteur', role: 'gestionnaire', og: [PORTEUR_EJ],
            token: 'soak-token-porteur'},
  auditor: {id: 'soak-auditor', name: 'Soak auditor', role: 'auditor', token: 'soak-token-auditor'},
};

// mulberry32: a small seeded generator, so that a seed replays the same choices.
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[next.int(list.length)];
  next.shuffle = (list) => {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = next.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return next;
}

export const log = (text) => process.stderr.write(`${text}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
    }),
  ]);
}

// Runs `bin args`, bounded; resolves {code, stdout, stderr} (stdout to `onLine` when given).
export function run(bin, args, timeoutMs, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} ${args[0]} took more than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    if (onLine) {
      readline.createInterface({input: child.stdout}).on('line', onLine);
    } else {
      child.stdout.on('data', (c) => { stdout += c; });
    }
    child.stderr.on('data', (c) => { stderr = (stderr + c).slice(-4000); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({code, stdout, stderr}); });
  });
}

export function readRegistry(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const fi = header.indexOf('finess');
  const ei = header.indexOf('ej');
  if (fi < 0 || ei < 0) throw new Error(`${file}: no finess/ej columns`);
  return lines.slice(1).map((l) => l.split(',')).map((c) => ({finess: c[fi], ej: c[ei]}));
}

export function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
