import * as v from 'valibot';

/**
 * A customer of the store, as a sale names them (payload v3 `customer`).
 * Looked up at the till by phone or email from the synced slice, or created
 * there, offline too, by a `customer.created` event from which the server
 * makes the slice's record. Phone and email are kept normalised so the same
 * customer typed two ways is found either way.
 */
const name = v.pipe(v.string(), v.trim(), v.minLength(1, 'a customer needs a name'), v.maxLength(120));
const phone = v.pipe(v.string(), v.regex(/^\+?\d{6,15}$/, 'a phone number is 6 to 15 digits, optionally after +'));
const email = v.pipe(v.string(), v.maxLength(254), v.email('that is not an email address'));

export const CustomerRecordSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  name,
  phone: v.nullable(phone),
  email: v.nullable(email),
});
export type CustomerRecord = v.InferOutput<typeof CustomerRecordSchema>;

/** Payload version 1 of `customer.created`: the record as the till made it. */
export const CustomerCreatedPayloadSchema = v.pipe(
  v.strictObject({ customerId: v.pipe(v.string(), v.uuid()), name, phone: v.nullable(phone), email: v.nullable(email) }),
  v.check((customer) => customer.phone !== null || customer.email !== null, 'a customer needs a phone number or an email address to be found again'),
);
export type CustomerCreatedPayload = v.InferOutput<typeof CustomerCreatedPayloadSchema>;

/** A phone number as typed ("+1 (512) 555-0100") in the form records keep ("+15125550100"). */
export function normalisePhone(typed: string): string {
  const trimmed = typed.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}

export const normaliseEmail = (typed: string): string => typed.trim().toLowerCase();

/** What the associate typed, read as an email (it has an @) or a phone number. */
export function customerKey(typed: string): { email: string } | { phone: string } {
  return typed.includes('@') ? { email: normaliseEmail(typed) } : { phone: normalisePhone(typed) };
}

/** Whether a customer is the one `typed` names; a phone matches with or without its country code. */
export function customerMatches(customer: CustomerRecord, typed: string): boolean {
  const key = customerKey(typed);
  if ('email' in key) return customer.email === key.email;
  const digits = key.phone.replace('+', '');
  if (digits.length < 6 || customer.phone === null) return false;
  const stored = customer.phone.replace('+', '');
  return stored === digits || stored.endsWith(digits) || digits.endsWith(stored);
}
