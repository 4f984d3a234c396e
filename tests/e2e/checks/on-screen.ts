import type { Locator, Page } from 'playwright-core';

/**
 * Why the user cannot see and tap `control` where the page is now, or null if
 * they can: it is inside the viewport, and what is drawn at its middle is it
 * (not a scroll container's edge that cut it off, nor something over it).
 */
export function whyNotOnScreen(control: Locator): Promise<string | null> {
  return control.evaluate((element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return 'not shown';
    const where = `at x ${Math.round(box.left)}–${Math.round(box.right)}, y ${Math.round(box.top)}–${Math.round(box.bottom)} of ${innerWidth}×${innerHeight}`;
    if (box.top < 0 || box.left < 0 || box.bottom > innerHeight || box.right > innerWidth) return `outside the screen, ${where}`;
    const drawn = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return drawn && (drawn === element || element.contains(drawn)) ? null : `hidden (${drawn?.tagName.toLowerCase() ?? 'nothing'} drawn there), ${where}`;
  });
}

/** How far the page itself scrolls, down and sideways: 0 and 0 when it fits the screen. */
export function pageOverflow(page: Page): Promise<{ down: number; sideways: number }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    return { down: root.scrollHeight - innerHeight, sideways: root.scrollWidth - innerWidth };
  });
}
