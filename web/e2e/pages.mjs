// Page objects for the end-to-end suite: what a person does, by data-testid.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from '../../tests/integration/lib/server.mjs';

export const PASSWORD = 'correct horse 42';
export const SCREENSHOTS = join(repoRoot, 'docs', 'screenshots');
const WAIT = { timeout: 15_000 };

// The flags of ../shared/notes/chromium.md: no sandbox (we run as root), nothing reaching for
// the internet, and fake media devices for the call screens to come. No --disable-features
// of our own: it would replace Playwright's.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.GC_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export const DESKTOP = { viewport: { width: 1280, height: 800 }, colorScheme: 'light' };

/**
 * A page in a new browser context signed in as `who` (`{token}`, as `register` of
 * tests/integration/lib/client.mjs returns it: the session cookie is set, no sign-in screen).
 */
export async function openSignedIn(browser, baseUrl, who, path = '/', contextOptions = DESKTOP) {
  const context = await browser.newContext(contextOptions);
  await context.addCookies([{ name: 'gc_token', value: who.token, url: baseUrl }]);
  return ChatPage.open(context, baseUrl, path);
}

export class ChatPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.errors = [];
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
  }

  static async open(context, baseUrl, path = '/') {
    const page = await context.newPage();
    const chat = new ChatPage(page, baseUrl);
    await page.goto(baseUrl + path);
    return chat;
  }

  byTest(id) {
    return this.page.getByTestId(id);
  }

  async signUp(username, { screenshot } = {}) {
    await this.page.goto(`${this.baseUrl}/signup/`);
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Email').fill(`${username}@example.test`);
    await this.page.getByLabel('Password').fill(PASSWORD);
    if (screenshot) await this.shot(screenshot);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await this.byTest('me-username').filter({ hasText: username }).waitFor(WAIT);
  }

  async signIn(login) {
    await this.page.goto(`${this.baseUrl}/login/`);
    await this.page.getByLabel('Username or email').fill(login);
    await this.page.getByLabel('Password').fill(PASSWORD);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.byTest('me-username').waitFor(WAIT);
  }

  async startDm(username, { screenshot } = {}) {
    await this.byTest('new-message').click();
    await this.byTest('user-search').fill(username.slice(0, -1));
    const result = this.byTest('user-result').filter({ hasText: username });
    await result.waitFor(WAIT);
    if (screenshot) await this.shot(screenshot);
    await result.click();
    await this.byTest('conversation-header').filter({ hasText: username }).waitFor(WAIT);
  }

  conversationItem(title) {
    return this.byTest('conversation-item').filter({
      has: this.byTest('conversation-title').filter({ hasText: title }),
    });
  }

  async openConversation(title) {
    await this.conversationItem(title).click();
    await this.byTest('conversation-header').filter({ hasText: title }).waitFor(WAIT);
  }

  /** Types and presses Enter (the composer sends on Enter). */
  async send(text) {
    const box = this.byTest('composer');
    await box.fill(text);
    await box.press('Enter');
  }

  message(body) {
    return this.byTest('message').filter({ has: this.byTest('message-body').getByText(body, { exact: true }) });
  }

  async waitForSent(body) {
    await this.message(body).and(this.page.locator('[data-status="sent"]')).waitFor(WAIT);
  }

  /** Every message row on screen: [{seq, status, body}], in screen order. */
  messages() {
    return this.byTest('message').evaluateAll((rows) =>
      rows.map((r) => ({
        seq: r.dataset.seq === undefined ? null : Number(r.dataset.seq),
        status: r.dataset.status,
        body: r.querySelector('[data-testid="message-body"]')?.textContent ?? '',
      })),
    );
  }

  /** The server's view, through this page's cookie. */
  api(path, init) {
    return this.page.evaluate(
      async ([p, i]) => {
        const res = await fetch(p, i ?? undefined);
        return { status: res.status, json: res.status === 204 ? null : await res.json() };
      },
      [path, init ?? null],
    );
  }

  async shot(name) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }
}
