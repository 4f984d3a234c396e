import { describe, expect, it } from 'vitest';
import { readsRow } from '../../src/protocol/version.ts';

describe('what a device of the previous protocol is sent', () => {
  const conflict = (kind: string) => JSON.stringify({ id: 'c-1', kind, taskId: 't-1' });

  it('leaves out the entities and the conflict and task kinds new in protocol 4, which its schemas refuse', () => {
    for (const entity of ['sale_record', 'stored_value', 'customer']) {
      expect(readsRow(3, entity, '{}'), entity).toBe(false);
      expect(readsRow(3, entity, null), `${entity} delete`).toBe(false);
    }
    expect(readsRow(3, 'conflict', conflict('return_duplicate'))).toBe(false);
    expect(readsRow(3, 'task', conflict('return_duplicate'))).toBe(false);
  });

  it('sends it everything it reads, and the current protocol everything', () => {
    expect(readsRow(3, 'conflict', conflict('oversell'))).toBe(true);
    expect(readsRow(3, 'task', conflict('coupon_reused'))).toBe(true);
    expect(readsRow(3, 'conflict', null)).toBe(true);
    for (const entity of ['product', 'stock', 'parked_cart', 'allotment']) expect(readsRow(3, entity, '{}'), entity).toBe(true);
    for (const entity of ['sale_record', 'stored_value', 'customer']) expect(readsRow(4, entity, '{}'), entity).toBe(true);
    expect(readsRow(4, 'conflict', conflict('return_duplicate'))).toBe(true);
  });
});
