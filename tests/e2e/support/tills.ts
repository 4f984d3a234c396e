import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { takeEnrollmentCode } from '../../integration/helpers/device-client.ts';
import { demoStaff, type DemoStaffMember, type SuiteServer } from '../../support/server-fixture.ts';
import { Till } from '../pages/till.ts';
import { launchChromium, launchPersistentChromium } from './chromium.ts';

/** The store tablet (DESIGN.md "Who uses it"): Chromium at 1280×800. */
export const TABLET_VIEWPORT = { width: 1280, height: 800 } as const;

/** What every tablet of a suite shares with the device it stands for, beyond the tablet's screen. */
export type TabletDevice = {
  /** The device's own time zone, e.g. one far from the store's, to see that the till shows the store's time. */
  timezoneId?: string;
};

/** Where a suite's tablets run: `tabletPage()` is the page a new tablet starts on. */
export type TabletBrowser = { tabletPage(): Promise<Page> };

export type ChromiumHandle = TabletBrowser & { readonly browser: Browser };

/**
 * One Chromium for the suite it is called in, closed (with every page the
 * suite opened) after it. Each tablet is a context of its own: its own
 * IndexedDB, service worker and network, gone when it closes.
 */
export function withChromium(device: TabletDevice = {}): ChromiumHandle {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const handle: ChromiumHandle = {
    get browser() {
      if (!browser) throw new Error('Chromium is used before it started: call withChromium() in the suite and use it inside its tests');
      return browser;
    },
    async tabletPage() {
      const context = await handle.browser.newContext({ viewport: TABLET_VIEWPORT, ...device });
      return context.newPage();
    },
  };
  return handle;
}

export type PersistentChromium = TabletBrowser & {
  /** The browser's one context, on the suite's profile; `restart()` replaces it. */
  readonly context: BrowserContext;
  /** Closes the browser and launches it again on the same profile: what the tablet kept on disk is back, its pages are not. */
  restart(): Promise<void>;
};

/**
 * One tablet whose browser can be closed and opened again (`restart()`), as a
 * store's tablet is: Chromium on a profile directory of its own for the suite
 * it is called in, removed after it. `tabletPage()` is the browser's page (its
 * first, opened if there is none): one tablet per suite.
 */
export function withPersistentChromium(device: TabletDevice = {}): PersistentChromium {
  let profile: string | undefined;
  let context: BrowserContext | undefined;
  const launch = (profileDir: string) => launchPersistentChromium(profileDir, { viewport: TABLET_VIEWPORT, ...device });
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'storeside-profile-'));
    context = await launch(profile);
  });
  afterAll(async () => {
    try {
      await context?.close();
    } finally {
      if (profile) rmSync(profile, { recursive: true, force: true });
    }
  });
  const handle: PersistentChromium = {
    get context() {
      if (!context) throw new Error('Chromium is used before it started: call withPersistentChromium() in the suite and use it inside its tests');
      return context;
    },
    async tabletPage() {
      return handle.context.pages()[0] ?? (await handle.context.newPage());
    },
    async restart() {
      await handle.context.close();
      context = undefined;
      context = await launch(profile!);
    },
  };
  return handle;
}

export type TabletOptions = {
  store: string;
  /** Runs on the tablet's page before it first loads the app: for a listener that must see everything from the first request on. */
  beforeLoad?: (page: Page) => void;
  /** Runs once the app shows its enrollment screen, before the code is typed: for what a test does or checks there. */
  beforeEnroll?: (till: Till) => Promise<void>;
};

/** Where tablets load the app from, and the data directory holding the demo's enrollment codes and PINs. */
export type ServedAt = Pick<SuiteServer, 'url' | 'dataDir'>;

/**
 * A new tablet of `store` (on a new page of `chromium`), enrolled through the
 * page with an unused demo code and showing the sign-in screen.
 */
export async function openTablet(chromium: TabletBrowser, server: ServedAt, options: TabletOptions): Promise<Till> {
  const page = await chromium.tabletPage();
  options.beforeLoad?.(page);
  const till = new Till(page);
  await page.goto(server.url);
  if (options.beforeEnroll) {
    await till.enrollmentField.waitFor();
    await options.beforeEnroll(till);
  }
  await till.enroll(takeEnrollmentCode(server.dataDir, { storeId: options.store, role: 'tablet' }).code);
  return till;
}

/**
 * A tablet of `store`, enrolled and signed in by `staff` (the store's first
 * associate unless named): the till at its scan field, ready to sell.
 */
export async function tillFor(chromium: TabletBrowser, server: ServedAt, options: TabletOptions & { staff?: DemoStaffMember }): Promise<Till> {
  const staff = options.staff ?? demoStaff(server, options.store, 'associate');
  const till = await openTablet(chromium, server, options);
  await till.signIn(staff.name, staff.pin);
  return till;
}
