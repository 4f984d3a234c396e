import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { beforeAll, describe, expect, it } from 'vitest';

// The rules `npm test` holds src to (npm run depcruise), run over a fixture tree
// with one deliberate violation per rule: a rule whose paths stop matching
// anything (a typo, a renamed folder) makes this test fail instead of passing
// everything in silence.
const rulesFile = fileURLToPath(new URL('../structure/dependency-cruiser.cjs', import.meta.url));
const fixture = fileURLToPath(new URL('../structure/fixture/', import.meta.url));

/** "rule: from → to", `to` as written in the import for packages and built-ins, a cycle as its sorted members. */
function describeViolation(violation: IViolation): string {
  if (violation.cycle) return `${violation.rule.name}: ${violation.cycle.map((step) => step.name).sort().join(' ↔ ')}`;
  const to = violation.to.startsWith('src/') ? violation.to : violation.unresolvedTo;
  return `${violation.rule.name}: ${violation.from} → ${to}`;
}

async function violationsIn(baseDir: string): Promise<{ violations: string[]; ruleNames: string[] }> {
  const options = await extractDepcruiseOptions(rulesFile);
  const { output } = await cruise(['src'], { ...options, baseDir, outputType: 'json' });
  const result: ICruiseResult = typeof output === 'string' ? JSON.parse(output) : output;
  return {
    violations: result.summary.violations.map(describeViolation).sort(),
    ruleNames: (options.ruleSet?.forbidden ?? []).map((rule) => rule.name ?? '(unnamed)'),
  };
}

describe('the dependency rules', () => {
  let cruised: { violations: string[]; ruleNames: string[] };
  beforeAll(async () => {
    cruised = await violationsIn(fixture);
  });

  it('report every deliberate violation in the fixture, and nothing the layout allows', () => {
    const { violations } = cruised;
    expect(violations).toEqual(
      [
        'browser-imports-no-server-code: src/app/screen.ts → src/server/api.ts',
        'browser-imports-no-server-packages: src/sw/sw.ts → better-sqlite3',
        'browser-uses-no-node-builtins: src/devices/printer.ts → net',
        'domain-imports-only-domain: src/domain/money.ts → src/protocol/wire.ts',
        'local-imports-only-shared-code: src/local/outbox.ts → src/sync/engine.ts',
        'no-circular: src/domain/events.ts ↔ src/domain/sale.ts',
        'no-circular: src/sync/pull.ts ↔ src/sync/push.ts',
        'not-to-unresolvable: src/devices/scanner.ts → ./missing.ts',
        'nothing-imports-the-ui: src/workers/pricing.worker.ts → src/app/screen.ts',
        'protocol-imports-only-domain: src/protocol/wire.ts → src/local/db.ts',
        'server-imports-no-browser-code: src/server/api.ts → src/local/db.ts',
        'server-imports-no-browser-packages: src/server/api.ts → preact',
        'shared-code-uses-no-node-builtins: src/domain/clock.ts → fs',
        'shared-code-uses-only-valibot: src/domain/store.ts → dexie',
        'src-folders-are-the-designed-layers: src/shared/util.ts → src/domain/ok.ts',
        'workers-import-only-shared-code: src/workers/pricing.worker.ts → src/app/screen.ts',
      ].sort(),
    );
  });

  it('each have a violation in the fixture that proves they still match something', () => {
    const { violations, ruleNames } = cruised;
    const violated = new Set(violations.map((violation) => violation.slice(0, violation.indexOf(':'))));
    expect(ruleNames.filter((name) => !violated.has(name))).toEqual([]);
  });
});
