import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CashTillSessionEditSchema, CashTillSessionSchema, cashTillRule, DEFAULT_CASH_TILL_SESSION, movesCash, tillSessionRefusal } from '../../src/domain/cash-till-rule.ts';
import { StoreRecordSchema } from '../../src/protocol/entities.ts';

const cash = [{ kind: 'cash', amount: 1_250 }];
const card = [{ kind: 'card', amount: 1_250 }];

describe('whether cash needs an open till', () => {
  it('is required on tablets and optional on kiosks where the store set nothing', () => {
    expect(DEFAULT_CASH_TILL_SESSION).toEqual({ tablet: 'required', kiosk: 'optional' });
    expect(cashTillRule(undefined, 'tablet')).toBe('required');
    expect(cashTillRule(undefined, 'kiosk')).toBe('optional');
  });

  it('follows the store’s setting per kind of device, a role it left out keeping its default', () => {
    expect(cashTillRule({ tablet: 'optional' }, 'tablet')).toBe('optional');
    expect(cashTillRule({ tablet: 'optional' }, 'kiosk')).toBe('optional');
    expect(cashTillRule({ kiosk: 'required' }, 'kiosk')).toBe('required');
    expect(cashTillRule({ kiosk: 'required' }, 'tablet')).toBe('required');
  });

  it('refuses only cash, only where required, only with no session open, and says what to do', () => {
    expect(tillSessionRefusal({ rule: 'required', sessionOpen: false, tenders: cash, action: 'sale' })).toEqual({ code: 'cash_needs_open_till', action: 'sale' });
    expect(tillSessionRefusal({ rule: 'required', sessionOpen: false, tenders: [...card, { kind: 'cash', amount: 5 }], action: 'refund' })).toEqual({ code: 'cash_needs_open_till', action: 'refund' });
    expect(tillSessionRefusal({ rule: 'required', sessionOpen: true, tenders: cash, action: 'sale' })).toBeNull();
    expect(tillSessionRefusal({ rule: 'optional', sessionOpen: false, tenders: cash, action: 'sale' })).toBeNull();
    expect(tillSessionRefusal({ rule: 'required', sessionOpen: false, tenders: card, action: 'void' })).toBeNull();
    expect(tillSessionRefusal({ rule: 'required', sessionOpen: false, tenders: [], action: 'exchange' })).toBeNull();
  });

  it('counts any cash tender as cash moving through a drawer, in or out, and no other', () => {
    expect(movesCash(cash)).toBe(true);
    expect(movesCash([{ kind: 'gift_card', amount: 100 }, { kind: 'other_till', amount: 100 }, { kind: 'exchange', amount: 100 }])).toBe(false);
    expect(movesCash([{ kind: 'cash', amount: 0 }])).toBe(false);
  });
});

describe('the setting on the wire', () => {
  it('is optional on the store record, which a device still reads with a role it does not know yet', () => {
    const store = { id: 's', name: 'S', currency: 'USD', locale: 'en-US', timezone: 'America/Chicago', receiptPrefix: 'S', taxConfig: { version: 1, mode: 'exclusive', rounding: 'half-up', level: 'line', categories: {}, jurisdictions: [] } };
    expect(v.parse(StoreRecordSchema, store).cashTillSession).toBeUndefined();
    expect(v.parse(StoreRecordSchema, { ...store, cashTillSession: { tablet: 'optional' } }).cashTillSession).toEqual({ tablet: 'optional' });
    expect(v.parse(CashTillSessionSchema, { tablet: 'required', phone: 'optional' })).toEqual({ tablet: 'required' });
  });

  it('is refused from HQ naming the problem: an unknown role or rule, or naming no role', () => {
    const problem = (input: unknown) => v.safeParse(CashTillSessionEditSchema, input).issues?.map((issue) => `${v.getDotPath(issue) ?? ''}: ${issue.message}`);
    expect(problem({ tablet: 'sometimes' })).toEqual(['tablet: must be required or optional']);
    expect(problem({ tablet: 'required', phone: 'optional' })?.[0]).toMatch(/^phone: /);
    expect(problem({})).toEqual([': name a kind of device: tablet or kiosk']);
    expect(problem({ kiosk: 'required' })).toBeUndefined();
  });
});
