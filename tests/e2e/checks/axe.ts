import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core's browser build, put into the page under test as a script (the app sets no CSP that forbids it). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe rule broken on a screen: its id, how bad, where (the first few elements, by CSS path), and axe's words on the first. */
export type AxeFinding = { id: string; impact: ImpactValue | null; help: string; targets: string[]; why: string };

/**
 * Runs axe-core's WCAG 2.x A/AA rules and its best practices over the whole
 * page as it is now (a dialog open or not), and says what it found. The page's
 * scripts are not touched: axe is added once per document and run in place.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const run = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return run.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.slice(0, 4).map((node) => node.target.join(' ')),
      why: (violation.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300),
    }));
  });
  return results;
}

/** The findings a user of assistive technology is blocked or badly hindered by: axe's "serious" and "critical". */
export const blocking = (findings: AxeFinding[]): AxeFinding[] => findings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
