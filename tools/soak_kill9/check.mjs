// Pure checks of a grappe's event list against what was acknowledged (no I/O, so --self-check can
// feed them doctored lists). A grappe's events come from GET /api/grappes/{id}/events, in version
// order.

// Looks at one grappe's events. `expected` is a Map commandId → acked version for this grappe.
// `seen` (shared by every grappe checked in one pass) maps a commandId to the grappe where it was
// first found, so an id found in two grappes counts as a duplicate.
// Returns {lost, holes, dup, runs, lostIds, problems}, where runs maps each commandId in the log to
// {first, last} versions (the last one is what its ack must have said).
export function checkGrappe(grappe, events, expected, seen) {
  const problems = [];
  let holes = 0;
  let dup = 0;
  let lastPosition = -1;
  let lastVersion = 0;
  for (const e of events) {
    if (e.version !== lastVersion + 1) {
      holes++;
      if (problems.length < 10) {
        problems.push(`${grappe}: version ${e.version} after ${lastVersion} (hole or disorder)`);
      }
    }
    lastVersion = e.version;
    if (typeof e.position === 'number') {
      if (e.position <= lastPosition) {
        holes++;
        problems.push(`${grappe}: position ${e.position} after ${lastPosition}`);
      }
      lastPosition = e.position;
    }
  }
  const runs = new Map();
  let previous = null;
  for (const e of events) {
    const id = e.commandId;
    if (!id) {
      previous = null;
      continue;
    }
    const run = runs.get(id);
    if (run && previous !== id) {
      dup++;
      problems.push(`${grappe}: command ${id} appears again at version ${e.version} ` +
                    `(first run ${run.first}–${run.last})`);
    } else if (run) {
      run.last = e.version;
    } else {
      runs.set(id, {first: e.version, last: e.version});
      const other = seen.get(id);
      if (other !== undefined && other !== grappe) {
        dup++;
        problems.push(`${grappe}: command ${id} is also in grappe ${other}`);
      } else {
        seen.set(id, grappe);
      }
    }
    previous = id;
  }
  let lost = 0;
  const lostIds = [];
  for (const [id, version] of expected) {
    const run = runs.get(id);
    if (!run || run.last !== version) {
      lost++;
      lostIds.push(id);
      if (problems.length < 20) {
        problems.push(`${grappe}: acked command ${id} at version ${version} is ` +
                      (run ? `at versions ${run.first}–${run.last}` : 'not in the log'));
      }
    }
  }
  return {lost, holes, dup, runs, lostIds, problems};
}

// The fields the checks need from one export line. Most of a line is the event's data, so the
// usual layout (position, stream, version first; commandId, hash last) is read without parsing
// it; anything else goes through JSON.parse.
const HEAD = /^\{"position":(\d+),"stream":"([^"\\]*)","version":(\d+),/;
const TAIL = /"commandId":"([^"\\]*)","hash":"[0-9a-f]*"\}$/;
export function exportFields(line) {
  const head = HEAD.exec(line);
  const tail = head && TAIL.exec(line.length > 256 ? line.slice(-256) : line);
  if (!head || !tail) return JSON.parse(line);
  return {position: Number(head[1]), stream: head[2], version: Number(head[3]),
          commandId: tail[1]};
}

// The whole log as `admin export` writes it (one object a line, position order): positions
// 1..N with no hole, each stream's versions 1..n in order, no command id in two runs of one stream
// nor in two grappe streams, and every acked command at its acked version in its grappe stream.
// `expected` maps a grappe id to its Map commandId → acked version. A command id in a grappe
// stream that nobody acked is a phantom unless `allowed` has it (in flight at the kill).
// Fed line by line; result() gives {events, holes, dup, lost, phantom, streams, problems}.
export function exportChecker(expected = new Map(), allowed = new Set()) {
  const problems = [];
  let holes = 0;
  let dup = 0;
  let events = 0;
  let position = 0;
  const streams = new Map();  // stream → {name, index, version, run: {id, last}|null, commands}
  const names = [];
  const grappeRuns = new Map();  // commandId → [stream index, last version], grappe streams only
  const note = (text) => { if (problems.length < 20) problems.push(text); };
  const isGrappe = (stream) => stream.startsWith('grappe-');
  const endRun = (s) => {
    if (s.run && !s.commands) grappeRuns.get(s.run.id)[1] = s.run.last;
  };
  return {
    add(line) {
      if (!line.trim()) return;
      const r = exportFields(line);
      events++;
      position++;
      if (r.position !== position) {
        holes++;
        note(`log: position ${r.position}, expected ${position}`);
        position = r.position;
      }
      let s = streams.get(r.stream);
      if (!s) {
        s = {name: r.stream, index: names.length, version: 0, run: null,
             commands: isGrappe(r.stream) ? null : new Set()};
        names.push(r.stream);
        streams.set(r.stream, s);
      }
      if (r.version !== s.version + 1) {
        holes++;
        note(`log: ${r.stream} version ${r.version} after ${s.version}`);
      }
      s.version = r.version;
      const id = r.commandId || null;
      if (s.run && s.run.id === id) {
        s.run.last = r.version;
        return;
      }
      endRun(s);
      s.run = id ? {id, last: r.version} : null;
      if (!id) return;
      if (s.commands) {  // other streams: a command id once per stream
        if (s.commands.has(id)) {
          dup++;
          note(`log: ${r.stream} command ${id} again at version ${r.version}`);
        }
        s.commands.add(id);
        return;
      }
      const before = grappeRuns.get(id);  // grappe streams: once in all of them
      if (before) {
        dup++;
        note(`log: ${r.stream} command ${id} at version ${r.version} was already in ` +
             `${names[before[0]]}`);
        s.run = null;
      } else {
        grappeRuns.set(id, [s.index, r.version]);
      }
    },
    result() {
      for (const s of streams.values()) endRun(s);
      let lost = 0;
      let phantom = 0;
      for (const [grappe, acks] of expected) {
        const index = streams.get(`grappe-${grappe}`)?.index;
        for (const [id, version] of acks) {
          const run = grappeRuns.get(id);
          if (!run || run[0] !== index || run[1] !== version) {
            lost++;
            note(`log: grappe ${grappe}: acked command ${id} at version ${version} is ` +
                 (run ? `at version ${run[1]} of ${names[run[0]]}` : 'not in the log'));
          }
        }
      }
      for (const [id, [index]] of grappeRuns) {
        const acks = expected.get(names[index].slice('grappe-'.length));
        if (!(acks && acks.has(id)) && !allowed.has(id)) {
          phantom++;
          note(`log: ${names[index]} has command ${id}, never acknowledged`);
        }
      }
      return {events, holes, dup, lost, phantom, streams: streams.size, problems};
    },
  };
}
