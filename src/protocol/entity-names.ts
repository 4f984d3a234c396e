import type { EntityName } from './entities.ts';

/**
 * The entities of a store's slice, by name. Apart from their schemas
 * (entities.ts) so the request schemas can name them without pulling every
 * record schema into the app's first load.
 */
export const ENTITY_NAMES = ['allotment', 'conflict', 'customer', 'parked_cart', 'product', 'promotion', 'sale_record', 'staff', 'stock', 'store', 'stored_value', 'task'] as const satisfies readonly EntityName[];
