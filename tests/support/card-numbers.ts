import { cardNumbersIn } from '../../src/domain/card-number.ts';

/**
 * Hex the system makes and nobody types: a UUID, and any longer hex token (a
 * PIN's hash or salt, a receipt's token, an event's digest). Their digits can
 * run into something that passes for a card number: a UUIDv7 event id
 * "…23685-9268-7015-…" reads as a 13-digit Mastercard one time in many
 * thousands, and a staff member's PBKDF2 hash held "…65578831598021…". A scan
 * that kept them would fail a till at random.
 */
const MACHINE_HEX = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32,}\b/gi;

/**
 * Every card-number-like run (src/domain/card-number.ts) in a value and all it
 * holds (strings, numbers, keys), with the path where it was found: what the
 * payment-rule tests scan the till's database and the synced events with.
 * Machine-made hex is left out of the text scanned, within JSON as well.
 */
export function cardNumbersInValue(value: unknown, path = '$'): { path: string; found: string }[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return cardNumbersIn(String(value).replace(MACHINE_HEX, ' ')).map((found) => ({ path, found }));
  if (Array.isArray(value)) return value.flatMap((item, index) => cardNumbersInValue(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...cardNumbersIn(key.replace(MACHINE_HEX, ' ')).map((found) => ({ path: `${path} key`, found })), ...cardNumbersInValue(item, `${path}.${key}`)]);
  }
  return [];
}
