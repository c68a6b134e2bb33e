// Receipts of the log (issue 19, item 4): an auditor downloads the proof that an event is in the
// log and the page checks it there, with WebCrypto's Ed25519 and an RFC 9162 inclusion proof
// (web-client/lib/receipt.js, which shares no code with the server); a tampered receipt is
// refused, in French; a gestionnaire gets the proof of the acceptance just recorded. Run from
// tests/e2e:
//   GRAPPE_SERVER=../../build/server/grappe-server node --test receipt.test.mjs
import assert from 'node:assert/strict';
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
});
