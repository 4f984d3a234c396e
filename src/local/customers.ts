import * as v from 'valibot';
import { CustomerCreatedPayloadSchema, customerMatches, normaliseEmail, normalisePhone, type CustomerRecord } from '../domain/customer.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import { describeIssues } from '../protocol/describe-issues.ts';
import type { StoresideDb } from './db.ts';
import { appendStaffEvent, type DeviceEnv } from './journal.ts';

/** Customers this till created that the server has not sent back yet: a customer made offline is found at once. */
async function unsentCustomers(db: StoresideDb): Promise<CustomerRecord[]> {
  const acked = (await db.getMeta('ackedSeq')) ?? 0;
  const events = await db.journal.where('seq').above(acked).toArray();
  return events.flatMap((event) =>
    event.type === 'customer.created' ? [{ id: event.payload.customerId, name: event.payload.name, phone: event.payload.phone, email: event.payload.email }] : [],
  );
}

/** The store's customers whose phone or email is what the associate typed (synced ones and this till's unsent ones), at most 10. */
export async function findCustomers(db: StoresideDb, typed: string): Promise<CustomerRecord[]> {
  if (!typed.trim()) return [];
  const found = new Map<string, CustomerRecord>();
  const exact = typed.includes('@') ? await db.customers.where('email').equals(normaliseEmail(typed)).toArray() : await db.customers.where('phone').equals(normalisePhone(typed)).toArray();
  for (const customer of exact) found.set(customer.id, customer);
  // A phone typed without its country code: the index has no suffix search, and a store's customer list is small.
  if (found.size === 0 && !typed.includes('@')) await db.customers.filter((customer) => customerMatches(customer, typed)).each((customer) => void found.set(customer.id, customer));
  for (const customer of await unsentCustomers(db)) if (customerMatches(customer, typed)) found.set(customer.id, customer);
  return [...found.values()].slice(0, 10);
}

/**
 * A new customer, made at the till (offline too) as a `customer.created`
 * event; the server makes the store's record from it. Refused as a value when
 * the details would not pass the event's schema.
 */
export async function createCustomer(
  db: StoresideDb,
  env: DeviceEnv,
  staff: { id: string },
  details: { name: string; phone: string; email: string },
): Promise<CustomerRecord | { error: string }> {
  const payload = {
    customerId: uuidv7(env.now(), env.randomBytes(10)),
    name: details.name.trim(),
    phone: details.phone.trim() ? normalisePhone(details.phone) : null,
    email: details.email.trim() ? normaliseEmail(details.email) : null,
  };
  const checked = v.safeParse(CustomerCreatedPayloadSchema, payload);
  if (!checked.success) return { error: describeIssues(checked.issues) };
  await appendStaffEvent(db, env, staff, { type: 'customer.created', payload: checked.output });
  return { id: payload.customerId, name: payload.name, phone: payload.phone, email: payload.email };
}
