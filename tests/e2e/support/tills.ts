import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { takeEnrollmentCode } from '../../integration/helpers/device-client.ts';
import { demoStaff, type DemoStaffMember, type SuiteServer } from '../../support/server-fixture.ts';
import { Till } from '../pages/till.ts';
import { launchChromium } from './chromium.ts';

/** The store tablet (DESIGN.md "Who uses it"): Chromium at 1280×800. */
export const TABLET_VIEWPORT = { width: 1280, height: 800 } as const;

export type ChromiumHandle = { readonly browser: Browser };

/** One Chromium for the suite it is called in, closed (with every page the suite opened) after it. */
export function withChromium(): ChromiumHandle {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is used before it started: call withChromium() in the suite and use it inside its tests');
      return browser;
    },
  };
}

/**
 * A new tablet of `store` (its own browser context: its own IndexedDB, service
 * worker and network), enrolled through the page with an unused demo code and
 * showing the sign-in screen.
 */
export async function openTablet(chromium: ChromiumHandle, server: SuiteServer, options: { store: string }): Promise<Till> {
  const context: BrowserContext = await chromium.browser.newContext({ viewport: TABLET_VIEWPORT });
  const page = await context.newPage();
  const till = new Till(page);
  await page.goto(server.url);
  await till.enroll(takeEnrollmentCode(server.dataDir, { storeId: options.store, role: 'tablet' }).code);
  return till;
}

/**
 * A tablet of `store`, enrolled and signed in by `staff` (the store's first
 * associate unless named): the till at its scan field, ready to sell.
 */
export async function tillFor(chromium: ChromiumHandle, server: SuiteServer, options: { store: string; staff?: DemoStaffMember }): Promise<Till> {
  const staff = options.staff ?? demoStaff(server, options.store, 'associate');
  const till = await openTablet(chromium, server, options);
  await till.signIn(staff.name, staff.pin);
  return till;
}
