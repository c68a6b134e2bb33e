// The grappe-server child process: start on a data folder and wait (bounded) for its
// `listening on http://HOST:PORT` line, SIGKILL, graceful stop. Only the pid we spawned is ever
// signalled.
import {spawn} from 'node:child_process';
import fs from 'node:fs';

export class ServerProcess {
  constructor({bin, data, users, config, logFile}) {
    this.bin = bin;
    this.args = ['--data', data, '--listen', '127.0.0.1:0', '--no-demo', '--users', users,
                 '--config', config, '--log-level', 'warn'];
    this.logFile = logFile;
    this.child = null;
    this.port = 0;
    this.exited = null;  // {code, signal} once the process is gone
    this.expectExit = false;
  }

  // Resolves with the port; rejects when the line is not printed within `timeoutMs` or the
  // process exits first (the last lines of its standard error in the message).
  start(timeoutMs) {
    const started = Date.now();
    const err = fs.openSync(this.logFile, 'a');
    fs.writeSync(err, `--- start ${new Date().toISOString()}\n`);
    const child = spawn(this.bin, this.args, {stdio: ['ignore', 'pipe', err]});
    fs.closeSync(err);
    this.child = child;
    this.exited = null;
    this.expectExit = false;
    this.port = 0;
    child.on('exit', (code, signal) => { this.exited = {code, signal}; });
    return new Promise((resolve, reject) => {
      let buffer = '';
      let done = false;
      const finish = (error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) {
          reject(new Error(`${error}; server stderr (${this.logFile}):\n${this.logTail()}`));
        } else {
          this.startMs = Date.now() - started;
          resolve(this.port);
        }
      };
      const timer = setTimeout(() => {
        this.killNow();
        finish(`the server printed no 'listening on' line within ${timeoutMs / 1000} s`);
      }, timeoutMs);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        if (done) return;  // keep draining the pipe
        buffer += chunk;
        const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(buffer);
        if (m) {
          this.port = Number(m[1]);
          finish(null);
        } else if (buffer.length > 65536) {
          buffer = buffer.slice(-1024);
        }
      });
      child.on('exit', (code, signal) => {
        finish(`the server exited (status ${code}, signal ${signal}) before listening`);
      });
      child.on('error', (e) => finish(`cannot start ${this.bin}: ${e.message}`));
    });
  }

  alive() { return this.child !== null && this.exited === null; }

  // SIGKILL without waiting.
  killNow() {
    if (this.alive()) {
      this.expectExit = true;
      this.child.kill('SIGKILL');
    }
  }

  // Waits (bounded) until the process is gone; true when it is.
  async waitExit(timeoutMs) {
    const until = Date.now() + timeoutMs;
    while (this.child && this.exited === null && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.exited !== null || this.child === null;
  }

  async kill9() {
    this.killNow();
    if (!(await this.waitExit(10000))) throw new Error('the server survived SIGKILL for 10 s');
  }

  // SIGTERM, then SIGKILL after `graceMs`. Returns the exit status (null when killed).
  async stop(graceMs) {
    if (!this.alive()) return this.exited ? this.exited.code : null;
    this.expectExit = true;
    this.child.kill('SIGTERM');
    if (!(await this.waitExit(graceMs))) await this.kill9();
    return this.exited.code;
  }

  logTail(lines = 15) {
    try {
      const text = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
      return text.slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
