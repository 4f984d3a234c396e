import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core. Playwright's own browser
 * downloads are not available here, so a missing browser is a clear failure
 * that says how to install it, never a skipped test.
 */
export const CHROMIUM_PATH = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless in a container, and quiet: nothing of Chromium's own talks to the network beside the app. */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The binary, or a failure that says how to install it. */
function chromiumExecutable(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package as root: apt-get install -y chromium ` +
        `(or point PLAYWRIGHT_CHROMIUM_PATH at a Chromium binary).`,
    );
  }
  return CHROMIUM_PATH;
}

/** A browser whose every `newContext()` is off the record: what a page keeps (IndexedDB included) lives in memory and goes with the context. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Chromium on a profile directory of its own, as one context: what its pages
 * keep (IndexedDB, the service worker and its cache, local storage) is on disk,
 * and there again when it is launched on the same directory after closing.
 */
export async function launchPersistentChromium(profileDir: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_FLAGS, ...options });
}
