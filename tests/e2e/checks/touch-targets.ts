import type { Page } from 'playwright-core';

/** The smallest a thing a finger taps may be, in CSS px (WCAG 2.5.5, Apple's and Material's guidance alike). */
export const MIN_TARGET = 44;

/** A control too small to tap: its accessible name, what it is, and its size in CSS px. */
export type SmallTarget = { name: string; role: string; width: number; height: number };

/**
 * Every control a finger can tap where the associate is now, too small to tap:
 * in the dialog on top when one is open (what is behind it cannot be tapped),
 * else the whole page. Buttons, links, summaries and [role=button] must be
 * MIN_TARGET square; a text field MIN_TARGET high (it is as wide as its text);
 * a checkbox or radio button is measured by its label, which takes the tap too.
 */
export function smallTargets(page: Page): Promise<SmallTarget[]> {
  return page.evaluate((min) => {
    const dialogs = [...document.querySelectorAll<HTMLElement>('[role="dialog"], dialog[open]')].filter((dialog) => dialog.checkVisibility());
    const scope: ParentNode = dialogs.at(-1) ?? document;
    const controls = [...scope.querySelectorAll<HTMLElement>('button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"]')];
    const nameOf = (element: HTMLElement): string => {
      const labelledBy = element.getAttribute('aria-labelledby');
      const label =
        element.getAttribute('aria-label') ??
        (labelledBy ? labelledBy.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : null) ??
        (element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement ? [...(element.labels ?? [])].map((l) => l.textContent).join(' ') : null);
      return (label || element.textContent || element.getAttribute('placeholder') || element.getAttribute('title') || '').replace(/\s+/g, ' ').trim();
    };
    const small: { name: string; role: string; width: number; height: number }[] = [];
    for (const element of controls) {
      if (!element.checkVisibility({ visibilityProperty: true })) continue;
      const toggle = element instanceof HTMLInputElement && (element.type === 'checkbox' || element.type === 'radio');
      // A checkbox's label takes its tap: the label is the target.
      const target = toggle ? (element.closest('label') ?? element.labels?.[0] ?? element) : element;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const typed = !toggle && (element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement);
      const tooSmall = typed ? box.height < min - 0.5 : box.width < min - 0.5 || box.height < min - 0.5;
      if (tooSmall) {
        const role = element.getAttribute('role') ?? (element instanceof HTMLInputElement ? `input[${element.type}]` : element.tagName.toLowerCase());
        small.push({ name: nameOf(element), role, width: Math.round(box.width), height: Math.round(box.height) });
      }
    }
    return small;
  }, MIN_TARGET);
}
