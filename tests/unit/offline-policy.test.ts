import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_POLICY, offlineAge, offlineLimitsReached, type OfflinePolicy, type PolicyTender } from '../../src/domain/offline-policy.ts';
import { debit, spendableBalance } from '../../src/domain/stored-value.ts';
import { customerMatches, normaliseEmail, normalisePhone } from '../../src/domain/customer.ts';

const HOUR = 3_600_000;
const format = (amount: number) => `${(amount / 100).toFixed(2)}`;
const policy: OfflinePolicy = { maxOfflineHours: 24, cardPerSale: 10_000, cardPerDevice: 30_000, tendersOffline: ['cash', 'card', 'gift_card'], storedValuePerCard: 2_000 };
const reached = (tenders: PolicyTender[], extra: Partial<Parameters<typeof offlineLimitsReached>[0]> = {}) =>
  offlineLimitsReached({ online: false, policy, tenders, cardTakenOffline: 0, storedValueUnsent: new Map(), offlinePastLimit: null, format, ...extra });

describe('offline age', () => {
  it('is past the limit only after more than the policy’s hours since the last sync', () => {
    const now = 100 * HOUR;
    expect(offlineAge(now - 24 * HOUR, now, now, policy)).toEqual({ hours: 24, pastLimit: false });
    expect(offlineAge(now - 24 * HOUR - 1, now, now, policy)).toEqual({ hours: 24, pastLimit: true });
    expect(offlineAge(null, now - 30 * HOUR, now, policy)).toEqual({ hours: 30, pastLimit: true });
  });

  it('never goes past the limit sooner for a later sync (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (now, a, b) => {
        const [early, late] = a < b ? [now - b, now - a] : [now - a, now - b];
        return !offlineAge(late, now, now, policy).pastLimit || offlineAge(early, now, now, policy).pastLimit;
      }),
    );
  });
});

describe('offline limits', () => {
  it('reaches none online, whatever the sale', () => {
    expect(reached([{ kind: 'card', amount: 1e9 }, { kind: 'other_till', amount: 5 }], { online: true, offlinePastLimit: { hours: 99 } })).toEqual([]);
  });

  it('names each limit a sale reaches: a tender not taken offline, the card floor per sale and per device, a card’s stored-value limit, the hours', () => {
    const limits = reached(
      [
        { kind: 'card', amount: 12_000 },
        { kind: 'gift_card', amount: 1_500, accountId: 'GC-1' },
        { kind: 'other_till', amount: 100 },
      ],
      { cardTakenOffline: 20_000, storedValueUnsent: new Map([['GC-1', 600]]), offlinePastLimit: { hours: 30 } },
    );
    expect(limits).toEqual([
      { key: 'offline_hours', limit: 'offline 30 h, longer than the 24 h allowed' },
      { key: 'tender:other_till', limit: 'other till is not taken offline at this store' },
      { key: 'card_sale', limit: 'card offline 120.00 of 100.00 per sale' },
      { key: 'card_device', limit: 'card offline on this till 320.00 of 300.00' },
      { key: 'stored_value:GC-1', limit: 'GC-1 offline 21.00 of 20.00' },
    ]);
  });

  it('takes an account’s own offline limit over the policy’s', () => {
    expect(reached([{ kind: 'store_credit', amount: 2_500, accountId: 'SC-1', offlineLimit: 3_000 }])).toEqual([{ key: 'tender:store_credit', limit: 'store credit is not taken offline at this store' }]);
  });

  it('a card total within both floor limits never reaches a card limit, and one above either always does (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { maxLength: 5 }), fc.integer({ min: 0, max: 40_000 }), (cards, takenBefore) => {
        const total = cards.reduce((sum, amount) => sum + amount, 0);
        const keys = reached(
          cards.map((amount) => ({ kind: 'card', amount })),
          { cardTakenOffline: takenBefore },
        ).map((limit) => limit.key);
        const over = total > policy.cardPerSale || (total > 0 && takenBefore + total > policy.cardPerDevice);
        return keys.some((key) => key.startsWith('card_')) === over;
      }),
    );
  });

  it('the default policy takes every tender offline but an exchange', () => {
    expect(DEFAULT_OFFLINE_POLICY.tendersOffline).toEqual(['cash', 'card', 'gift_card', 'store_credit', 'other_till']);
  });
});

describe('stored value', () => {
  it('a till spends at most the synced balance less its own unsent spends, never below zero (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), (balance, unsent) => {
      const spendable = spendableBalance(balance, unsent);
      return spendable >= 0 && spendable <= Math.max(0, balance) && (balance - unsent <= 0 || spendable === balance - unsent);
    }));
  });

  it('what the till’s unsent returns and voids paid back onto an account is spendable at once, never below zero (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), (balance, spent, credited) => {
      const spendable = spendableBalance(balance, spent, credited);
      return spendable === Math.max(0, balance + credited - spent) && spendable >= spendableBalance(balance, spent);
    }));
  });

  it('a debit records by how much it overdrew the account, counting only what it held', () => {
    expect(debit(500, 300)).toEqual({ balance: 200, overdrawnBy: 0 });
    expect(debit(500, 800)).toEqual({ balance: -300, overdrawnBy: 300 });
    expect(debit(-100, 200)).toEqual({ balance: -300, overdrawnBy: 200 });
  });
});

describe('customers', () => {
  const ana = { id: 'c1', name: 'Ana', phone: '+15125550101', email: 'ana@example.com' };
  it('finds a customer by email in any case, and by phone typed with or without punctuation and country code', () => {
    expect(normalisePhone(' +1 (512) 555-0101 ')).toBe('+15125550101');
    expect(normaliseEmail(' Ana@Example.COM ')).toBe('ana@example.com');
    expect(customerMatches(ana, 'ANA@example.com')).toBe(true);
    expect(customerMatches(ana, '512-555-0101')).toBe(true);
    expect(customerMatches(ana, '+1 512 555 0101')).toBe(true);
    expect(customerMatches(ana, '555-0199')).toBe(false);
    expect(customerMatches(ana, '0101')).toBe(false);
  });
});
