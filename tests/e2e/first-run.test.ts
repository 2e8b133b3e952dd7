/**
 * The webhook URLs of Settings → Customerly on a first run, in Chromium: on a loopback server the panel warns that
 * Customerly cannot reach them; with Strapi's `url` set to a public address (the playground's PUBLIC_URL) the URLs,
 * shown and copied, use it and there is no warning; a panel opened at a public address (a tunnel) uses that address.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, launchChromium, openPage, signIn, startAdminSession, type AdminBrowserSession } from './harness';

const PUBLIC_URL = 'https://strapi.example.com';
/** A public-looking name that Chromium resolves to this machine, as a tunnel's host would reach it. */
const TUNNEL_HOST = 'tunnel.example.net';

async function openSettings(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/admin/settings/customerly`);
  await page.getByRole('heading', { name: 'Customerly', level: 1 }).waitFor();
  await page.getByTestId('webhook-url-add').waitFor();
}

/** Copies the add URL with the page's copy button and reads it back from the clipboard. */
async function copyAddUrl(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy URL: add' }).click();
  await page.getByText('Copied to the clipboard').first().waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

browserSuite('first run: the webhook URLs and whether Customerly can reach them', () => {
  const key = randomBytes(32).toString('base64url');
  const admin = { email: 'first-run@example.test' };
  let session: AdminBrowserSession | undefined;

  after(async () => session?.close());

  it('on 127.0.0.1 (no url set) the URLs are on 127.0.0.1 and the panel says Customerly cannot reach them', async () => {
    session = await startAdminSession({ env: { CUSTOMERLY_WEBHOOK_KEY: key }, admin, clipboard: true });
    const { page, server } = session;
    await openSettings(page, server.baseUrl);

    const warning = page.getByTestId('unreachable-url-warning');
    await warning.waitFor();
    const host = new URL(server.baseUrl).host;
    const said = await warning.innerText();
    assert.match(said, /Customerly cannot reach these URLs/);
    assert.ok(said.includes(`${host} is this computer itself.`), said);
    assert.match(said, /url option of config\/server\.js/);
    assert.match(said, /url: env\('PUBLIC_URL'\)/);
    assert.match(said, /tunnel/);

    assert.equal(
      await page.getByTestId('webhook-url-add').inputValue(),
      `${server.baseUrl}/api/customerly/webhook?action=add&access_key=••••••••`
    );
    assert.equal(await copyAddUrl(page), `${server.baseUrl}/api/customerly/webhook?action=add&access_key=${key}`);
    await session.shot('first-run-unreachable-url.png', { fullPage: true });
  });

  it('the same server opened through a public address (a tunnel) builds the URLs on it, with no warning', async () => {
    assert.ok(session);
    const origin = `http://${TUNNEL_HOST}:${new URL(session.server.baseUrl).port}`;
    // Chromium resolves the tunnel's name to this machine and treats the origin as secure (as an https tunnel
    // is), which the clipboard needs.
    const tunnelBrowser = await launchChromium([
      `--host-resolver-rules=MAP ${TUNNEL_HOST} 127.0.0.1`,
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
    ]);
    try {
      const page = await openPage(tunnelBrowser, { clipboardOrigin: origin });
      await signIn(page, origin, session.admin);
      await openSettings(page, origin);
      assert.equal(
        await page.getByTestId('webhook-url-add').inputValue(),
        `${origin}/api/customerly/webhook?action=add&access_key=••••••••`
      );
      assert.equal(await copyAddUrl(page), `${origin}/api/customerly/webhook?action=add&access_key=${key}`);
      assert.equal(await page.getByTestId('unreachable-url-warning').count(), 0, 'no warning');
    } finally {
      await tunnelBrowser.close().catch(() => undefined);
    }
    await session.close();
    session = undefined;
  });

  it("with a public url (PUBLIC_URL → Strapi's url) the URLs, shown and copied, use it, and there is no warning", async () => {
    session = await startAdminSession({ env: { CUSTOMERLY_WEBHOOK_KEY: key, PUBLIC_URL }, admin, clipboard: true });
    const { page, server } = session;
    await openSettings(page, server.baseUrl);

    assert.equal(
      await page.getByTestId('webhook-url-add').inputValue(),
      `${PUBLIC_URL}/api/customerly/webhook?action=add&access_key=••••••••`
    );
    const copied = await copyAddUrl(page);
    assert.equal(copied, `${PUBLIC_URL}/api/customerly/webhook?action=add&access_key=${key}`);
    assert.equal(await page.getByTestId('unreachable-url-warning').count(), 0, 'no warning');
    await session.shot('first-run-public-url.png', { fullPage: true });

    // The copied URL is the server's: the same path and key work on it (called here at its loopback address).
    const probe = new URL(copied.replace('action=add', 'action=test'));
    const res = await fetch(`${server.baseUrl}${probe.pathname}${probe.search}`, { method: 'POST' });
    assert.equal(res.status, 200, await res.text());
  });
});
