import { cardNumbersIn } from '../../src/domain/card-number.ts';

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Every card-number-like run (src/domain/card-number.ts) in a value and all it
 * holds (strings, numbers, keys), with the path where it was found: what the
 * payment-rule tests scan the till's database and the synced events with.
 */
export function cardNumbersInValue(value: unknown, path = '$'): { path: string; found: string }[] {
  // An id the device generated is not text anyone typed: a UUIDv7's digit groups
  // ("…23634-5639-7363-…") pass the scheme and Luhn checks one id in a few thousand,
  // alone or where one is embedded (an HLC ends with its device's id).
  if (typeof value === 'string') return cardNumbersIn(value.replace(UUIDS, '<id>')).map((found) => ({ path, found }));
  if (typeof value === 'number' || typeof value === 'bigint') return cardNumbersIn(String(value)).map((found) => ({ path, found }));
  if (Array.isArray(value)) return value.flatMap((item, index) => cardNumbersInValue(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...cardNumbersIn(key).map((found) => ({ path: `${path} key`, found })), ...cardNumbersInValue(item, `${path}.${key}`)]);
  }
  return [];
}
