// End to end: files in the chat, in Chromium against the real server (a small upload limit,
// and a real clamd with a one-signature database, as tests/integration/uploads.test.mjs runs
// it). Alice uploads an image with the file picker (its progress seen on a throttled link),
// one by dropping it on the conversation, one by pasting (then removes it), and a text file; Bob sees "Photo" in his list,
// the previews load at their reserved size, the lightbox opens and closes by keyboard and by
// a click beside the image, and both downloads give back the bytes sent. Then each refusal
// shows its own sentence in the tray: too large (naming the limit), type not allowed, virus
// found, scanner down; a failed file is dismissed, and a slow one cancelled.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from '../../tests/integration/lib/server.mjs';
import { dmId, postMessage, register, waitFor } from '../../tests/integration/lib/client.mjs';
import { eicar, makePng } from '../../tests/integration/lib/files.mjs';
import { launchChromium, openSignedIn } from './pages.mjs';
import { chooseFiles, dropFiles, pasteFiles, throttleUploads, uploadItem } from './upload-pages.mjs';

const webRoot = process.env.GC_WEB_ROOT ?? join(repoRoot, 'web', 'out');
const clamdScript = join(repoRoot, 'scripts', 'clamd.sh');
const WAIT = { timeout: 15_000 };
const T = { timeout: 90_000 };
const LIMIT = 512 * 1024; // --max-upload-bytes: "512 KB" in the messages

// Refused uploads are logged by Chromium as failed resources; the sign-in check answers 401.
const unexpected = (errors) =>
  errors.filter((e) => !/status of (401|413|415|422|503)/.test(e));

const SUNSET = { name: 'sunset.png', mimeType: 'image/png', buffer: makePng(640, 480) };
const DROPPED = { name: 'dropped.png', mimeType: 'image/png', buffer: makePng(300, 200) };
const NOTES = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Agenda\n1. Launch\n2. Cake\n') };

let clamd; // {GC_CLAMD_SOCKET, GC_CLAMD_DIR}
let server;
let browser;
let alice; // {user, token}
let bob;
let aliceUi; // ChatPage
let bobUi;
let cid;

before(async () => {
  assert.ok(existsSync(join(webRoot, 'index.html')), `no built web client in ${webRoot}: make build`);
  const out = execFileSync(clamdScript, ['start'], { encoding: 'utf8', timeout: 30_000 });
  clamd = Object.fromEntries([...out.matchAll(/(GC_[A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  server = await startServer({
    args: ['--web-root', webRoot, '--max-upload-bytes', String(LIMIT), '--clamd-socket', clamd.GC_CLAMD_SOCKET],
  });
  browser = await launchChromium();
  alice = await register(server, { username: 'alice' });
  bob = await register(server, { username: 'bob' });
  cid = dmId(alice, bob);
  await postMessage(server, alice, cid, 'Photos from the trip coming up');
  aliceUi = await openSignedIn(browser, server.baseUrl, alice, `/?c=${cid}`);
  bobUi = await openSignedIn(browser, server.baseUrl, bob, '/');
  await aliceUi.message('Photos from the trip coming up').waitFor(WAIT);
  await bobUi.conversationItem('alice').waitFor(WAIT);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
  if (clamd?.GC_CLAMD_DIR) execFileSync(clamdScript, ['stop', clamd.GC_CLAMD_DIR], { timeout: 10_000 });
});

/** The aria-valuenow values a tray entry's progress bar showed until its upload ended. */
async function watchProgress(item) {
  const seen = new Set();
  await waitFor(
    async () => {
      const { status, value } = await item.evaluate((el) => ({
        status: el.dataset.status,
        value: el.querySelector('[data-testid="upload-progress"]')?.getAttribute('aria-valuenow') ?? null,
      }));
      if (value !== null) seen.add(Number(value));
      return status === 'done' || status === 'failed';
    },
    { timeoutMs: 30_000, intervalMs: 20, what: 'the upload to end' },
  );
  return [...seen];
}

async function download(ui, link) {
  const [dl] = await Promise.all([ui.page.waitForEvent('download', WAIT), link.click()]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}

describe('uploads in the chat', { concurrency: false }, () => {
  it('alice attaches an image with the picker: progress shows, then the message with its preview', T, async () => {
    await throttleUploads(aliceUi, 48 * 1024); // ~2 s for the 100 KB image
    await chooseFiles(aliceUi, [SUNSET]);
    const item = uploadItem(aliceUi, SUNSET.name);
    await item.getByTestId('upload-progress').waitFor(WAIT);
    assert.equal(await aliceUi.byTest('send').isDisabled(), true, 'no sending while a file uploads');
    await aliceUi.shot('uploads-progress');
    const values = await watchProgress(item);
    await throttleUploads(aliceUi, null);
    assert.equal(await item.getAttribute('data-status'), 'done');
    assert.ok(values.some((v) => v > 0 && v < 100), `a partial progress was shown: ${values}`);

    await aliceUi.send('Sunset over the bay');
    await aliceUi.waitForSent('Sunset over the bay');
    await aliceUi.byTest('upload-tray').waitFor({ state: 'detached', ...WAIT });
    const row = aliceUi.message('Sunset over the bay');
    await row.getByRole('button', { name: `Open image ${SUNSET.name}` }).waitFor(WAIT);
  });

  it('bob’s list says Photo before he opens the conversation', T, async () => {
    await bobUi.conversationItem('alice').getByTestId('conversation-preview').filter({ hasText: /^Photo$/ }).waitFor(WAIT);
  });

  it('alice drops an image on the conversation (the drop zone shows, the message follows), pastes one, sends a file', T, async () => {
    await dropFiles(aliceUi, [DROPPED], async () => {
      await aliceUi.byTest('drop-overlay').waitFor(WAIT);
      await aliceUi.shot('uploads-drop-zone');
    });
    await aliceUi.byTest('drop-overlay').waitFor({ state: 'detached', ...WAIT });
    const item = uploadItem(aliceUi, DROPPED.name);
    await item.and(aliceUi.page.locator('[data-status="done"]')).waitFor(WAIT);
    await aliceUi.byTest('composer').press('Enter'); // no caption: the image alone
    const preview = aliceUi.page.getByRole('button', { name: `Open image ${DROPPED.name}` });
    await preview.waitFor(WAIT);
    await aliceUi.byTest('message').filter({ has: preview }).and(aliceUi.page.locator('[data-status="sent"]')).waitFor(WAIT);

    // A pasted screenshot uploads too; ✕ on a finished file takes it back out of the tray.
    const pasted = { name: 'screenshot.png', mimeType: 'image/png', buffer: makePng(120, 80) };
    await pasteFiles(aliceUi, [pasted]);
    const pastedItem = uploadItem(aliceUi, pasted.name);
    await pastedItem.and(aliceUi.page.locator('[data-status="done"]')).waitFor(WAIT);
    await pastedItem.getByRole('button', { name: `Remove ${pasted.name}` }).click();
    await pastedItem.waitFor({ state: 'detached', ...WAIT });

    await chooseFiles(aliceUi, [NOTES]);
    await uploadItem(aliceUi, NOTES.name).and(aliceUi.page.locator('[data-status="done"]')).waitFor(WAIT);
    await aliceUi.send('The agenda');
    await aliceUi.waitForSent('The agenda');
    await aliceUi.shot('uploads-timeline');
  });

  it('bob sees the previews load at their reserved size, and the file card', T, async () => {
    await bobUi.conversationItem('alice').getByTestId('conversation-preview').filter({ hasText: 'File: notes.txt' }).waitFor(WAIT);
    await bobUi.openConversation('alice');
    const sunset = bobUi.page.getByRole('button', { name: `Open image ${SUNSET.name}` });
    const dropped = bobUi.page.getByRole('button', { name: `Open image ${DROPPED.name}` });
    for (const preview of [sunset, dropped]) {
      await preview.waitFor(WAIT);
      await preview.scrollIntoViewIfNeeded();
      await preview.locator('img').evaluate(
        (img) => new Promise((resolve, reject) => {
          if (img.complete && img.naturalWidth > 0) return resolve();
          img.addEventListener('load', () => resolve(), { once: true });
          img.addEventListener('error', () => reject(new Error(`${img.src} failed to load`)), { once: true });
        }),
      );
      assert.ok((await preview.locator('img').evaluate((img) => img.naturalWidth)) > 0);
    }
    // 640×480 scaled into 320×320 (lib/attachments.ts previewBox), known before the bytes came.
    const box = await sunset.boundingBox();
    assert.deepEqual([Math.round(box.width), Math.round(box.height)], [320, 240]);
    const dbox = await dropped.boundingBox();
    assert.deepEqual([Math.round(dbox.width), Math.round(dbox.height)], [300, 200]);

    const card = bobUi.byTest('file-card').filter({ hasText: NOTES.name });
    await card.waitFor(WAIT);
    assert.equal(await card.getByTestId('file-size').textContent(), `${NOTES.buffer.length} bytes`);
    assert.equal(await card.getByTestId('file-kind-icon').getAttribute('data-kind'), 'text');
    await bobUi.message('The agenda').waitFor(WAIT);
  });

  it('the lightbox opens, closes on Esc and beside the image, and downloads the original', T, async () => {
    const sunset = bobUi.page.getByRole('button', { name: `Open image ${SUNSET.name}` });
    await sunset.click();
    const lightbox = bobUi.byTest('lightbox');
    await lightbox.waitFor(WAIT);
    await bobUi.page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="lightbox-image"]');
      return img?.complete && img.naturalWidth === 640;
    }, null, WAIT);
    assert.equal(await bobUi.page.evaluate(() => document.activeElement?.dataset.testid), 'lightbox-close');
    await bobUi.shot('uploads-lightbox');
    await bobUi.page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached', ...WAIT });
    assert.equal(
      await bobUi.page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      `Open image ${SUNSET.name}`,
      'focus goes back to the preview',
    );

    await bobUi.page.keyboard.press('Enter'); // the focused preview opens it again
    await lightbox.waitFor(WAIT);
    const image = await download(bobUi, bobUi.byTest('lightbox-download'));
    assert.equal(image.name, SUNSET.name);
    assert.ok(image.bytes.equals(SUNSET.buffer), 'the downloaded image is the uploaded one');
    await bobUi.page.mouse.click(20, 780); // beside the image
    await lightbox.waitFor({ state: 'detached', ...WAIT });

    const notes = await download(bobUi, bobUi.byTest('file-card').filter({ hasText: NOTES.name }).getByTestId('file-download'));
    assert.equal(notes.name, NOTES.name);
    assert.ok(notes.bytes.equals(NOTES.buffer), 'the downloaded file is the uploaded one');
  });

  it('refusals say why, per file: too large (with the limit), type not allowed, virus found', T, async () => {
    const justOver = { name: 'clip.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(LIMIT + 20 * 1024, 7) };
    const farOver = { name: 'movie.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4 * LIMIT, 7) };
    // An ELF header under a .png name: the content decides, and it is not allowed.
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(2000, 1)]);
    const fake = { name: 'holiday.png', mimeType: 'image/png', buffer: elf };
    const virus = { name: 'readme.txt', mimeType: 'text/plain', buffer: eicar() };
    await chooseFiles(aliceUi, [justOver, fake, virus]);

    const errorOf = async (f) => {
      const item = uploadItem(aliceUi, f.name);
      await item.and(aliceUi.page.locator('[data-status="failed"]')).waitFor(WAIT);
      return item.getByTestId('upload-error').textContent();
    };
    assert.equal(await errorOf(justOver), 'Too large: this file is 532 KB, and files can be at most 512 KB.');
    assert.match(await errorOf(fake), /^This type of file is not allowed\./);
    // It only claimed to be an image: its entry shows the file icon, not a broken picture.
    await uploadItem(aliceUi, fake.name).getByTestId('file-kind-icon').waitFor(WAIT);
    assert.match(await errorOf(virus), /^Virus found: the scan rejected this file/);
    // Refused from its length before a byte was read: still a 413 (not a broken connection)
    // that names the limit.
    await chooseFiles(aliceUi, [farOver]);
    assert.equal(await errorOf(farOver), 'Too large: this file is 2 MB, and files can be at most 512 KB.');
    await aliceUi.shot('uploads-errors');
    assert.equal(await aliceUi.byTest('send').isDisabled(), true, 'nothing to send: every file failed');
    // Sending the same file again would be refused the same way: no Retry, only Dismiss.
    for (const f of [justOver, fake, virus, farOver]) {
      assert.equal(await uploadItem(aliceUi, f.name).getByTestId('upload-retry').count(), 0, f.name);
    }

    for (const f of [justOver, fake, virus, farOver]) {
      await uploadItem(aliceUi, f.name).getByTestId('upload-dismiss').click();
      await uploadItem(aliceUi, f.name).waitFor({ state: 'detached', ...WAIT });
    }
  });

  it('a slow upload is cancelled: it leaves the tray and nothing is sent', T, async () => {
    const before = (await aliceUi.api(`/api/conversations/${cid}/messages?limit=100`)).json.messages.length;
    await throttleUploads(aliceUi, 16 * 1024);
    const slow = { name: 'slow.png', mimeType: 'image/png', buffer: makePng(640, 480) };
    await chooseFiles(aliceUi, [slow]);
    const item = uploadItem(aliceUi, slow.name);
    await item.getByTestId('upload-progress').waitFor(WAIT);
    await item.getByRole('button', { name: `Cancel upload of ${slow.name}` }).click();
    await item.waitFor({ state: 'detached', ...WAIT });
    await throttleUploads(aliceUi, null);
    assert.equal(await aliceUi.byTest('send').isDisabled(), true);
    const after = (await aliceUi.api(`/api/conversations/${cid}/messages?limit=100`)).json.messages.length;
    assert.equal(after, before);
  });

  it('with the scanner down the upload fails closed, says to try later, and can be retried', T, async () => {
    execFileSync(clamdScript, ['stop', clamd.GC_CLAMD_DIR], { timeout: 10_000 });
    const late = { name: 'late.txt', mimeType: 'text/plain', buffer: Buffer.from('after the scanner stopped\n') };
    await chooseFiles(aliceUi, [late]);
    const item = uploadItem(aliceUi, late.name);
    await item.and(aliceUi.page.locator('[data-status="failed"]')).waitFor(WAIT);
    assert.match(await item.getByTestId('upload-error').textContent(), /virus scanner is unavailable.*Try again later/);

    // Back up in the same folder (same socket): Retry goes through and the file can be sent.
    const out = execFileSync(clamdScript, ['start', clamd.GC_CLAMD_DIR], { encoding: 'utf8', timeout: 30_000 });
    assert.match(out, /GC_CLAMD_SOCKET=/);
    await item.getByTestId('upload-retry').click();
    await item.and(aliceUi.page.locator('[data-status="done"]')).waitFor(WAIT);
    await aliceUi.byTest('composer').press('Enter');
    await aliceUi.byTest('file-card').filter({ hasText: late.name }).waitFor(WAIT);
    await bobUi.byTest('file-card').filter({ hasText: late.name }).waitFor(WAIT);
  });

  it('left no errors in either page', () => {
    assert.deepEqual(unexpected(aliceUi.errors), []);
    assert.deepEqual(unexpected(bobUi.errors), []);
  });
});
