// What a person does with files in the composer, for the uploads end-to-end test: choose them
// with the picker, drop them on the conversation (a real DataTransfer, dispatched as the
// browser would), watch their tray entries, and slow the page's uploads through the DevTools
// protocol so that a transfer lasts long enough to be seen (or cancelled).

// Files cross into the page as base64 (evaluate arguments are JSON).
const inPage = (files) => files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));

/** Files for setInputFiles: [{name, mimeType, buffer}]. */
export async function chooseFiles(chat, files) {
  await chat.byTest('file-input').setInputFiles(files);
}

/**
 * Drags `files` over the message list (the overlay shows, and `whileOver` runs then), then
 * drops them. The DataTransfer is built in the page, as a file manager's drag would carry it.
 */
export async function dropFiles(chat, files, whileOver = async () => {}) {
  const dataTransfer = await chat.page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.mimeType }));
    }
    return dt;
  }, inPage(files));
  const target = chat.byTest('message-scroller');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await whileOver();
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
}

/** Pastes `files` into the composer, as a screenshot from the clipboard would arrive. */
export async function pasteFiles(chat, files) {
  await chat.byTest('composer').evaluate((box, list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.mimeType }));
    }
    box.focus();
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, inPage(files));
}

/** The tray entry of the file named `name`. */
export function uploadItem(chat, name) {
  return chat.page.locator(`[data-testid="upload-item"][data-name="${name}"]`);
}

/** Caps this page's upload bandwidth (bytes/s); `null` lifts the cap. */
export async function throttleUploads(chat, bytesPerSecond) {
  chat.cdp ??= await chat.page.context().newCDPSession(chat.page);
  await chat.cdp.send('Network.enable');
  await chat.cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  });
}
