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

// The whole log as `admin export` writes it (one object a line, position order): positions
// 1..N with no hole, each stream's versions 1..n in order, and no command id in two runs of one
// stream. Fed line by line; result() gives {events, holes, dup, streams, problems}.
export function exportChecker() {
  const problems = [];
  let holes = 0;
  let dup = 0;
  let events = 0;
  let position = 0;
  const streams = new Map();  // stream → {version, lastCommand, commands: Set}
  const note = (text) => { if (problems.length < 10) problems.push(text); };
  return {
    add(line) {
      if (!line.trim()) return;
      const r = JSON.parse(line);
      events++;
      position++;
      if (r.position !== position) {
        holes++;
        note(`log: position ${r.position}, expected ${position}`);
        position = r.position;
      }
      let s = streams.get(r.stream);
      if (!s) streams.set(r.stream, s = {version: 0, lastCommand: null, commands: new Set()});
      if (r.version !== s.version + 1) {
        holes++;
        note(`log: ${r.stream} version ${r.version} after ${s.version}`);
      }
      s.version = r.version;
      if (r.commandId) {
        if (r.commandId !== s.lastCommand && s.commands.has(r.commandId)) {
          dup++;
          note(`log: ${r.stream} command ${r.commandId} again at version ${r.version}`);
        }
        s.commands.add(r.commandId);
      }
      s.lastCommand = r.commandId || null;
    },
    result() { return {events, holes, dup, streams: streams.size, problems}; },
  };
}
