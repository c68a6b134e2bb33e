// Receipts of the log (issue 19, item 4): an auditor downloads the proof that an event is in the
// log and the page checks it there, with WebCrypto's Ed25519 and an RFC 9162 inclusion proof
// (web-client/lib/receipt.js, which shares no code with the server); a tampered receipt is
// refused, in French; a gestionnaire gets the proof of the acceptance just recorded; an auditor
// pins the log's key obtained out of band and a server publishing another one is exposed. Run
// from tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test receipt.test.mjs
import assert from 'node:assert/strict';
import {createHash, generateKeyPairSync} from 'node:crypto';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {launchBrowser, screenshot, waitText} from './lib/browser.mjs';
import {Scene, writeScenesConfig} from './lib/scene.mjs';
import {freshDataDir, removeDir, startServer} from './lib/server.mjs';
import {demoWorld, porteurAndPartner} from './lib/world.mjs';

const NO_CALL = 'none';  // no grappe is in it: every establishment is free there
const INCLUDED = new RegExp(
    'Signature du point de contrôle valide\\. Preuve d’inclusion valide : ' +
    'l’événement est à la position (\\d+) du journal de taille (\\d+)\\.');
const SERVER_KEY_NOTE = 'Attention : vérifié avec la clé publiée par ce serveur ; enregistrez ' +
    'la clé obtenue par un autre canal pour une vérification indépendante.';
const MISMATCH = 'La clé publiée par le serveur diffère de la clé que vous avez enregistrée : ' +
    'ne faites pas confiance à ce serveur sans vérification.';

// A note verifier key: "<name>+<hex id>+<base64(0x01 ‖ key)>", the id being the first 4 bytes
// of SHA-256(name ‖ "\n" ‖ 0x01 ‖ key) (golang.org/x/mod/sumdb/note).
function verifierKey(name, publicKey) {
  const data = Buffer.concat([Buffer.from([1]), publicKey]);
  const id = createHash('sha256').update(`${name}\n`).update(data).digest().subarray(0, 4);
  return `${name}+${id.toString('hex')}+${data.toString('base64')}`;
}

describe('receipts of the log in the web client', () => {
  let server, dir, browser, world, cast;
  const env = {};

  before(async () => {
    dir = freshDataDir('receipt');
    server = await startServer(
        {data: path.join(dir, 'data'), args: ['--demo', '--config', writeScenesConfig(dir)]});
    browser = await launchBrowser();
    world = await demoWorld(server.url);
    cast = await porteurAndPartner(server.url, world, 2, NO_CALL);
    Object.assign(env, {browser, base: server.url});
  });

  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
    if (dir) removeDir(dir);
  });

  // The downloaded file: its suggested name and its content, parsed.
  async function downloaded(page, click) {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    const file = await download.path();
    return {name: download.suggestedFilename(), receipt: JSON.parse(readFileSync(file, 'utf8'))};
  }

  test('an auditor checks a receipt in the browser; a tampered one is refused', async (t) => {
    const scene = new Scene(t, env);
    const [x1] = cast.free;
    const grappe = await scene.grappe(cast.porteur, {invite: [x1]});  // versions 1 and 2
    const accepted = await scene.api(cast.partner).command(grappe, 'AcceptInvitation', {
      finess: x1.finess
    });  // version 3
    assert.equal(accepted.status, 200, JSON.stringify(accepted.data));

    const {page} = await scene.open(world.auditor, `#/grappe/${grappe}/historique`);
    const item = page.getByTestId('timeline-item-3');
    await item.waitFor();
    const {name, receipt} = await downloaded(page, () => item.getByTestId('receipt-3').click());
    assert.equal(name, `grappe-${grappe}-v3-preuve.json`);
    assert.equal(receipt.version, 3);
    assert.equal(receipt.event.type, 'InvitationAccepted');

    // The result, in words, beside the event and announced (role="status").
    const status = item.getByRole('status');
    await waitText(status, 'Preuve d’inclusion valide');
    const [, position, size] = (await status.textContent()).match(INCLUDED);
    assert.equal(Number(position), receipt.position);
    assert.equal(Number(size), receipt.size);
    assert.ok(receipt.position <= receipt.size);
    // No key pinned: the result says the key is the server's own.
    assert.ok((await status.textContent()).endsWith(SERVER_KEY_NOTE));
    await item.getByText('Détail des vérifications').click();
    assert.equal(await item.getByTestId('receipt-steps').locator('li.ok').count(), 6);
    await screenshot(page, 'receipt-audit');

    // The same check, called on altered copies of the receipt in the page.
    const key = await (await fetch(`${server.url}/api/log/key`)).json();
    const check = (r, k = key.verifierKey) => page.evaluate(async ([r, k]) => {
      const {verifyReceipt} = await import('/lib/receipt.js');
      return verifyReceipt(r, k);
    }, [r, k]);
    assert.equal((await check(receipt)).ok, true);

    const flipped = structuredClone(receipt);
    const proof = Buffer.from(flipped.proof[0], 'base64');
    proof[7] ^= 0x01;
    flipped.proof[0] = proof.toString('base64');
    const byProof = await check(flipped);
    assert.equal(byProof.ok, false);
    assert.match(byProof.message, /^Preuve refusée — preuve d’inclusion invalide/);
    assert.deepEqual(byProof.steps.at(-1), {label: 'Preuve d’inclusion', ok: false});

    const retyped = structuredClone(receipt);
    retyped.event.type = 'InvitationDeclined';
    const byType = await check(retyped);
    assert.equal(byType.ok, false);
    assert.match(
        byType.message,
        /^Preuve refusée — l’événement du reçu ne correspond pas à l’enregistrement : le type/);

    const resigned = structuredClone(receipt);
    resigned.checkpoint = resigned.checkpoint.replace(`\n${receipt.size}\n`, '\n1\n');
    assert.match(
        (await check(resigned)).message, /Preuve refusée — signature du point de contrôle/);
    // The key with its id's first hex digit changed (the base64 key may hold '+' too).
    const otherId = key.verifierKey.replace(
        /\+([0-9a-f])([0-9a-f]{7})\+/, (_, c, rest) => `+${c === '0' ? '1' : '0'}${rest}+`);
    assert.notEqual(otherId, key.verifierKey);
    assert.match(
        (await check(receipt, otherId)).message,
        /Preuve refusée — l’identifiant de la clé ne correspond pas à la clé/);
  });

  test('a gestionnaire gets the receipt of the acceptance just recorded', async (t) => {
    const scene = new Scene(t, env);
    const [, x2] = cast.free;
    const grappe = await scene.grappe(cast.porteur, {invite: [x2]});
    const {page} = await scene.open(cast.partner, `#/grappe/${grappe}`);
    const row = page.getByTestId(`member-${x2.finess}`);
    await row.getByTestId(`accept-${x2.finess}`).click();
    const done = row.getByTestId('receipt-done');
    await waitText(done, 'Acceptation enregistrée (version 3)');
    const {name, receipt} = await downloaded(page, () => done.getByTestId('receipt-3').click());
    assert.equal(name, `grappe-${grappe}-v3-preuve.json`);
    assert.equal(receipt.event.type, 'InvitationAccepted');
    assert.equal(receipt.event.actor.id, cast.partner.id);
    await waitText(
        done.getByRole('status'), `l’événement est à la position ${receipt.position} du journal`);
  });

  test('an auditor pins the log’s key; with another key the receipt is refused', async (t) => {
    const scene = new Scene(t, env);
    const grappe = await scene.grappe(cast.porteur);  // version 1
    const {verifierKey: key} = await (await fetch(`${server.url}/api/log/key`)).json();
    const [name, , ...rest] = key.split('+');  // base64 may hold '+' too
    const b64 = rest.join('+');
    // The rule rebuilds the server's own key; the same name with a fresh Ed25519 key, another.
    assert.equal(verifierKey(name, Buffer.from(b64, 'base64').subarray(1)), key);
    const fresh = generateKeyPairSync('ed25519').publicKey.export({format: 'der', type: 'spki'});
    const wrong = verifierKey(name, fresh.subarray(-32));
    const short = (k) => k.split('+').slice(0, 2).join('+');

    const {page} = await scene.open(world.auditor, `#/grappe/${grappe}/historique`);
    const settings = page.getByTestId('log-key');
    const input = settings.getByLabel('Clé de vérification du journal');
    const inUse = settings.getByTestId('log-key-in-use');
    const mismatch = settings.getByTestId('log-key-mismatch');
    await waitText(inUse, 'publiée par ce serveur lui-même');

    // Malformed, by keyboard alone: refused in French, the field marked invalid.
    await input.fill(`${name}+zz+abc`);
    await input.press('Enter');
    await waitText(
        settings.getByRole('alert'),
        'Clé refusée : clé de vérification mal formée (attendu : nom+identifiant+clé).');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const stored = () =>
        page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('VerifierKey')));
    assert.deepEqual(await stored(), []);

    // The right key, pinned: the receipt passes, checked with it.
    const item = page.getByTestId('timeline-item-1');
    const status = item.getByRole('status');
    async function check() {
      const [download] =
          await Promise.all([page.waitForEvent('download'), item.getByTestId('receipt-1').click()]);
      await download.path();
      await status.filter({hasText: /Preuve (d’inclusion valide|refusée)/}).waitFor();
      return status.textContent();
    }
    await input.fill(` ${key} `);
    await input.press('Enter');
    await waitText(settings.getByTestId('log-key-saved'), `Clé ${short(key)} enregistrée`);
    assert.equal(await input.getAttribute('aria-invalid'), null);
    assert.deepEqual(await stored(), [`grappe.logVerifierKey@${server.url}`]);
    assert.equal(
        await inUse.textContent(), `Clé utilisée : ${key} — enregistrée dans ce navigateur.`);
    assert.equal(await mismatch.textContent(), '');
    const passed = await check();
    assert.match(passed, INCLUDED);
    assert.ok(passed.endsWith(` Clé utilisée : celle que vous avez enregistrée (${short(key)}).`));
    assert.equal(await item.getByTestId('receipt-key-warning').textContent(), '');

    // Another well-formed key: the server is exposed, the receipt refused.
    await input.fill(wrong);
    await settings.getByRole('button', {name: 'Enregistrer la clé'}).click();
    await waitText(mismatch, MISMATCH);
    const refused = await check();
    assert.equal(
        refused,
        `Preuve refusée — le point de contrôle n’est pas signé par la clé ${
            name}. Clé utilisée : celle que vous avez enregistrée (${short(wrong)}).`);
    assert.equal(await item.getByTestId('receipt-key-warning').textContent(), MISMATCH);
    await screenshot(page, 'receipt-pinned-key-mismatch');

    // Kept in this browser; forgotten by keyboard, the server's key is used again.
    await page.reload();
    await waitText(mismatch, MISMATCH);
    assert.equal(
        await inUse.textContent(), `Clé utilisée : ${wrong} — enregistrée dans ce navigateur.`);
    await settings.getByTestId('log-key-forget').focus();
    await page.keyboard.press('Enter');
    await waitText(inUse, 'publiée par ce serveur lui-même');
    assert.equal(await mismatch.textContent(), '');
    assert.equal(await input.evaluate((e) => e === document.activeElement), true);
    assert.ok((await check()).endsWith(SERVER_KEY_NOTE));
  });
});
