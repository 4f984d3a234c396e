import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StoresideDb } from '../../src/local/db.ts';
import { createCustomer, findCustomers } from '../../src/local/customers.ts';
import { signOutRefusal } from '../../src/local/sign-out.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';

let clock = Date.UTC(2026, 10, 22);
const env: DeviceEnv = { now: () => (clock += 1000), randomBytes: (count) => crypto.getRandomValues(new Uint8Array(count)) };

async function till(name: string) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'device-abcd', storeId: 'store-1', role: 'tablet', token: 'x' });
  await db.customers.put({ id: 'cust-1', name: 'Ana Lopez', phone: '+15125550101', email: 'ana@example.com' });
  return db;
}

describe('customers at the till', () => {
  it('finds a synced customer by phone or email, and one made on this till offline before the server has it', async () => {
    const db = await till('customers-find');
    expect((await findCustomers(db, '(512) 555-0101')).map((customer) => customer.name)).toEqual(['Ana Lopez']);
    expect((await findCustomers(db, 'ANA@example.com')).map((customer) => customer.name)).toEqual(['Ana Lopez']);
    const made = await createCustomer(db, env, { id: 'staff-1' }, { name: ' Sam Weber ', phone: '', email: 'Sam@Example.com' });
    expect(made).toMatchObject({ name: 'Sam Weber', phone: null, email: 'sam@example.com' });
    expect((await findCustomers(db, 'sam@example.com')).map((customer) => customer.name)).toEqual(['Sam Weber']);
    const [event] = await db.journal.toArray();
    expect(event).toMatchObject({ type: 'customer.created', v: 1, staffId: 'staff-1', payload: { name: 'Sam Weber', phone: null, email: 'sam@example.com' } });
  });

  it('refuses a customer without a way to find them again, or with an email that is not one, and writes nothing', async () => {
    const db = await till('customers-refused');
    expect(await createCustomer(db, env, { id: 'staff-1' }, { name: 'Nobody', phone: '', email: '' })).toEqual({ error: expect.stringMatching(/phone number or an email/) });
    expect(await createCustomer(db, env, { id: 'staff-1' }, { name: 'Typo', phone: '', email: 'sam@' })).toEqual({ error: expect.stringMatching(/email/) });
    expect(await db.journal.count()).toBe(0);
  });
});

describe('signing out', () => {
  it('is refused while the till holds events the server has not acknowledged, and allowed once they are', async () => {
    const db = await till('sign-out');
    expect(await signOutRefusal(db)).toBeNull();
    await createCustomer(db, env, { id: 'staff-1' }, { name: 'Sam', phone: '5550100', email: '' });
    expect(await signOutRefusal(db)).toMatch(/^1 of this till’s records have not reached the server yet/);
    await db.setMeta('ackedSeq', 1);
    expect(await signOutRefusal(db)).toBeNull();
  });
});
