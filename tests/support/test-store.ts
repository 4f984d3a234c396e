import type { StoreRecord } from '../../src/protocol/entities.ts';

/**
 * A store for unit tests of the till: dollars, Austin's clock, one sales tax
 * of 8.25 % added at the till, rounded per line. Tests that need another
 * setting say so in `changes`, so each test shows what it depends on.
 */
export function testStore(changes: Partial<StoreRecord> = {}): StoreRecord {
  return {
    id: 'store-1',
    name: 'Test store',
    currency: 'USD',
    locale: 'en-US',
    timezone: 'America/Chicago',
    receiptPrefix: 'TST',
    cashCoin: 1,
    returnDays: 30,
    refundFallback: 'cash',
    taxConfig: {
      version: 1,
      mode: 'exclusive',
      rounding: 'half-up',
      level: 'line',
      categories: { standard: { label: 'Standard' } },
      jurisdictions: [{ id: 'tx', label: 'Sales tax', rates: { standard: 82_500 } }],
    },
    ...changes,
  };
}
