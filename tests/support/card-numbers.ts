import { cardNumbersIn } from '../../src/domain/card-number.ts';

/**
 * Every card-number-like run (src/domain/card-number.ts) in a value and all it
 * holds (strings, numbers, keys), with the path where it was found: what the
 * payment-rule tests scan the till's database and the synced events with.
 */
export function cardNumbersInValue(value: unknown, path = '$'): { path: string; found: string }[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return cardNumbersIn(String(value)).map((found) => ({ path, found }));
  if (Array.isArray(value)) return value.flatMap((item, index) => cardNumbersInValue(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...cardNumbersIn(key).map((found) => ({ path: `${path} key`, found })), ...cardNumbersInValue(item, `${path}.${key}`)]);
  }
  return [];
}
