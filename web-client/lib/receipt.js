// Checks a receipt of the log (GET /api/grappes/{id}/receipt) in the browser, trusting neither
// the server nor its code: the checkpoint's Ed25519 signature (C2SP signed-note, checked with
// WebCrypto against the verifier key the user holds), the leaf hash of the record's canonical
// bytes, the RFC 9162 §2.1.3.2 inclusion proof of that leaf in the signed tree, and that the
// record says what the receipt's event says. Only SHA-256 and Ed25519 come from the browser.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', {fatal: true});

class Refused extends Error {}
const refuse = (message) => {
  throw new Refused(message);
};

export function base64Bytes(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    refuse('encodage base64 invalide');
  }
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

// "<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte Ed25519 public key)>" (golang.org/x/mod
// sumdb/note). The key id must be the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ key).
export async function parseVerifierKey(text) {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(String(text ?? '').trim());
  if (!m) refuse('clé de vérification mal formée (attendu : nom+identifiant+clé)');
  const [, name, hex, b64] = m;
  const data = base64Bytes(b64);
  if (data.length !== 33 || data[0] !== 1)
    refuse('la clé de vérification n’est pas une clé Ed25519');
  const publicKey = data.slice(1);
  const digest = await sha256(encoder.encode(`${name}\n`), data);
  const id = new DataView(digest.buffer).getUint32(0);
  if (id !== parseInt(hex, 16)) {
    refuse('l’identifiant de la clé ne correspond pas à la clé (clé altérée ?)');
  }
  return {name, id, publicKey};
}

// C2SP signed-note: the text (up to and including the newline before the last blank line),
// then lines "— <name> <base64(4-byte key id ‖ signature)>".
export function parseSignedNote(note) {
  if (typeof note !== 'string') refuse('point de contrôle absent');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) refuse('point de contrôle mal formé (note signée)');
  const text = note.slice(0, split + 1);
  const signatures = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) refuse(`ligne de signature mal formée : « ${line} »`);
    const bytes = base64Bytes(m[2]);
    if (bytes.length < 5) refuse('signature trop courte');
    const id = new DataView(bytes.buffer).getUint32(0);
    signatures.push({name: m[1], id, signature: bytes.slice(4)});
  }
  return {text, signatures};
}

// C2SP tlog-checkpoint: origin, size (decimal), base64 root hash, then optional extension lines.
export function parseCheckpoint(text) {
  const lines = text.split('\n');
  if (lines.length < 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) {
    refuse('texte du point de contrôle mal formé');
  }
  const size = Number(lines[1]);
  if (!Number.isSafeInteger(size)) refuse('taille du journal hors limites');
  const root = base64Bytes(lines[2]);
  if (root.length !== 32) refuse('racine du point de contrôle invalide');
  return {origin: lines[0], size, root};
}

// The record's canonical bytes: format 1, u64be position, u64be version, i64be timestamp (ms),
// then stream, id, type, data, actor id, actor name, command id, each after its LEB128 length.
export function decodeRecord(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 25 || bytes[0] !== 1) refuse('format d’enregistrement inconnu');
  const record = {
    position: view.getBigUint64(1),
    version: view.getBigUint64(9),
    at: view.getBigInt64(17),
  };
  let at = 25;
  const strings = [];
  for (let i = 0; i < 7; i++) {
    let length = 0;
    for (let shift = 0;; shift += 7) {
      if (at >= bytes.length || shift > 28) refuse('enregistrement tronqué');
      const b = bytes[at++];
      length += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
    }
    if (at + length > bytes.length) refuse('enregistrement tronqué');
    try {
      strings.push(decoder.decode(bytes.subarray(at, at + length)));
    } catch {
      refuse('enregistrement illisible (UTF-8 invalide)');
    }
    at += length;
  }
  if (at !== bytes.length) refuse('octets en trop après l’enregistrement');
  [record.stream, record.id, record.type, record.data, record.actorId, record.actorName,
   record.commandId] = strings;
  return record;
}

// RFC 9162 §2.1.3.2: the root reached from leaf `index` of a tree of `size` leaves.
export async function rootFromInclusionProof(index, size, leafHash, proof) {
  if (!(index >= 0 && index < size)) refuse('position hors du journal signé');
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  const node = new Uint8Array([1]);
  for (const p of proof) {
    if (p.length !== 32) refuse('empreinte de preuve invalide');
    if (sn === 0) refuse('preuve d’inclusion trop longue');
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(node, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(node, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) refuse('preuve d’inclusion trop courte');
  return r;
}

// What the record says that the receipt's event contradicts: a list of French phrases.
function disagreements(record, receipt) {
  const e = receipt.event ?? {};
  const out = [];
  const differ = (what, a, b) => {
    if (String(a) !== String(b)) out.push(`${what} (${b} dans le reçu, ${a} dans le journal)`);
  };
  differ('le type', record.type, e.type);
  differ('la version', record.version, e.version);
  differ('la version', record.version, receipt.version);
  differ('la position', record.position, e.position);
  differ('la position', record.position, receipt.position);
  differ('la grappe', record.stream, `grappe-${receipt.grappe}`);
  if (e.id !== undefined) differ('l’identifiant', record.id, e.id);
  if (e.commandId !== undefined) differ('la commande', record.commandId, e.commandId);
  if (e.actor !== undefined) {
    differ('l’auteur', record.actorId, e.actor?.id);
    differ('le nom de l’auteur', record.actorName, e.actor?.name);
  }
  if (e.at !== undefined) differ('la date', record.at, Date.parse(e.at));
  let data;
  try {
    data = JSON.parse(record.data);
  } catch {
    data = record.data;
  }
  if (e.data !== undefined && canonical(data) !== canonical(e.data)) out.push('les données');
  return [...new Set(out)];
}

export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)}}`;
  }
  return JSON.stringify(v);
}

// Why this browser cannot check the signature (null when it can): WebCrypto exists only on
// secure pages, and Ed25519 only in recent browsers.
const NO_WEBCRYPTO = 'la cryptographie du navigateur (WebCrypto) n’est disponible que sur une ' +
    'page sécurisée (https)';
const NO_ED25519 = 'ce navigateur ne sait pas vérifier les signatures Ed25519 (WebCrypto)';

async function importEd25519(publicKey) {
  try {
    return await crypto.subtle.importKey('raw', publicKey, {name: 'Ed25519'}, false, ['verify']);
  } catch (e) {
    refuse(
        e?.name === 'NotSupportedError' ? `vérification impossible : ${NO_ED25519}` :
                                          'clé publique Ed25519 invalide');
  }
}

// Checks `receipt` against `verifierKey`. Resolves with {ok, steps: [{label, ok}], message}:
// every step passed, the ones that did and the first that did not, and a sentence in French.
export async function verifyReceipt(receipt, verifierKey) {
  const steps = [];
  let current = '';
  const step = (label) => {
    current = label;
  };
  const passed = (label) => steps.push({label, ok: true});
  try {
    step('Vérification possible dans ce navigateur');
    if (!globalThis.crypto?.subtle) refuse(`vérification impossible : ${NO_WEBCRYPTO}`);

    step('Clé de vérification du journal');
    const key = await parseVerifierKey(verifierKey);
    passed('Clé de vérification du journal reconnue');

    step('Signature du point de contrôle');
    const note = parseSignedNote(receipt?.checkpoint);
    const line = note.signatures.find((s) => s.name === key.name && s.id === key.id);
    if (!line) refuse(`le point de contrôle n’est pas signé par la clé ${key.name}`);
    if (line.signature.length !== 64) refuse('signature Ed25519 de longueur invalide');
    const publicKey = await importEd25519(key.publicKey);
    const valid =
        await crypto.subtle.verify('Ed25519', publicKey, line.signature, encoder.encode(note.text));
    if (!valid) refuse('signature du point de contrôle invalide');
    passed('Signature du point de contrôle valide');

    step('Point de contrôle');
    const checkpoint = parseCheckpoint(note.text);
    if (checkpoint.origin !== key.name) {
      refuse(`le point de contrôle est celui du journal « ${checkpoint.origin} », pas « ${
          key.name} »`);
    }
    if (receipt.size !== undefined && Number(receipt.size) !== checkpoint.size) {
      refuse('la taille annoncée par le reçu n’est pas celle du point de contrôle signé');
    }
    passed(`Point de contrôle du journal ${key.name} : ${checkpoint.size} événements`);

    step('Empreinte de l’enregistrement');
    const record = base64Bytes(receipt.record);
    const leaf = await sha256(new Uint8Array([0]), record);
    if (!equalBytes(leaf, base64Bytes(receipt.leafHash))) {
      refuse('l’empreinte de l’enregistrement ne correspond pas à son contenu');
    }
    passed('Empreinte de l’enregistrement exacte');

    step('Contenu de l’enregistrement');
    const wrong = disagreements(decodeRecord(record), receipt);
    if (wrong.length) {
      refuse(`l’événement du reçu ne correspond pas à l’enregistrement : ${wrong.join(', ')}`);
    }
    passed('Événement du reçu conforme à l’enregistrement');

    step('Preuve d’inclusion');
    const position = Number(receipt.position);
    if (!Number.isSafeInteger(position) || position < 1) refuse('position invalide');
    if (!Array.isArray(receipt.proof)) refuse('preuve d’inclusion absente');
    const root = await rootFromInclusionProof(
        position - 1, checkpoint.size, leaf, receipt.proof.map(base64Bytes));
    if (!equalBytes(root, checkpoint.root)) {
      refuse('preuve d’inclusion invalide : elle ne mène pas à la racine signée');
    }
    const included = `Preuve d’inclusion valide : l’événement est à la position ${
        position} du journal de taille ${checkpoint.size}`;
    passed(included);
    return {ok: true, steps, message: `Signature du point de contrôle valide. ${included}.`};
  } catch (e) {
    const why = e instanceof Refused ? e.message : `erreur inattendue (${e?.message ?? e})`;
    steps.push({label: current, ok: false});
    return {ok: false, steps, message: `Preuve refusée — ${why}.`};
  }
}
