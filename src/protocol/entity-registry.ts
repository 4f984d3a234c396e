import { searchWords } from '../domain/search-words.ts';
import type { EntityRecords, ProductRecord } from './entities.ts';

/**
 * Every entity of a store's slice (what syncs down to its devices), declared
 * once. What each consumer needs is derived from here: the request schemas'
 * entity names, which protocol versions may be sent an entity (version.ts
 * `readsRow`), the device's Dexie tables (local/db.ts), the pull and the
 * bootstrap writing into them (sync/apply-changes.ts, sync/bootstrap.ts), and
 * the simulation's comparison of a till's slice with the server's.
 *
 * The record schemas are keyed the same way in entities.ts, apart from this
 * module so that naming entities (the request schemas, the server's version
 * check) does not pull in every record schema; the `satisfies` below fails to
 * compile unless both have the same keys.
 *
 *   since    the protocol version whose slice first carried it: a device
 *            speaking an older one is sent none of it
 *   key      the record's field that is its key, both the slice's `key` and
 *            the primary key of its table on the device
 *   table    the Dexie table it lives in on the device
 *   indexes  that table's other indexes, in Dexie's syntax
 *   row      what the device adds to each record it stores (`toRow`) and how
 *            to take it off again (`fromRow`), where it adds anything
 *
 * A change to `table`, `key` or `indexes` changes the device's database: it
 * needs a new Dexie version (see local/db.ts).
 */
type SyncedEntity<R> = {
  since: number;
  key: StringFieldOf<R>;
  table: string;
  indexes: readonly string[];
  row?: DeviceRowCodec<R>;
};

/** Method syntax on purpose: a product's `fromRow` takes the wider row it made. */
type DeviceRowCodec<R> = {
  toRow(record: R): R;
  fromRow(row: R): R;
};

type StringFieldOf<R> = { [F in keyof R]-?: R[F] extends string ? F : never }[keyof R] & string;

/** A product as the device stores it: the synced record plus its search words. */
export type ProductRow = ProductRecord & { words: string[] };

export const SYNCED_ENTITIES = {
  store: { since: 1, key: 'id', table: 'stores', indexes: [] },
  staff: { since: 1, key: 'id', table: 'staff', indexes: [] },
  /** found by barcode, by the words of its name and SKU, by category (signs) */
  product: {
    since: 1,
    key: 'sku',
    table: 'products',
    indexes: ['barcode', '*words', 'category'],
    row: {
      toRow: (product: ProductRecord): ProductRow => ({ ...product, words: searchWords(product) }),
      fromRow: ({ words: _words, ...product }: ProductRow): ProductRecord => product,
    },
  },
  /** levels as the server counts them, less this device's unsent sales (sync/apply-changes.ts) */
  stock: { since: 1, key: 'sku', table: 'stock', indexes: [] },
  promotion: { since: 2, key: 'id', table: 'promotions', indexes: [] },
  conflict: { since: 2, key: 'id', table: 'conflicts', indexes: [] },
  /** the store's tasks as the server last settled them; this device's unsent steps are folded in on display */
  task: { since: 3, key: 'id', table: 'tasks', indexes: [] },
  /** escrow of scarce products: what each device of the store may sell offline (any device's; checkout reads its own) */
  allotment: { since: 3, key: 'id', table: 'allotments', indexes: ['[deviceId+sku]'] },
  /** the store's parked carts as the server last had them; this device's unsent parks and resumes are folded in on display */
  parked_cart: { since: 3, key: 'id', table: 'parkedCarts', indexes: [] },
  /** gift cards and store credit, balances as the server last had them; found by number or by the customer whose credit it is */
  stored_value: { since: 4, key: 'id', table: 'storedValues', indexes: ['customerId'] },
  /** the store's customers as the server last had them, found by phone or email; this device's unsent ones are folded in on lookup */
  customer: { since: 4, key: 'id', table: 'customers', indexes: ['phone', 'email'] },
  /** the store's sales history as the server applied it (any till's sales, with their returns and voids): for returns, offline */
  sale_record: { since: 4, key: 'id', table: 'saleRecords', indexes: ['receiptNumber', 'receiptToken', 'completedAt', 'customer.id'] },
} as const satisfies { [K in keyof EntityRecords]: SyncedEntity<EntityRecords[K]> };

export type EntityName = keyof typeof SYNCED_ENTITIES;

export const ENTITY_NAMES = Object.keys(SYNCED_ENTITIES) as EntityName[];

/** How a device stores a record of `entity`. */
export type DeviceRow<K extends EntityName> = (typeof SYNCED_ENTITIES)[K] extends { row: { toRow: (record: never) => infer Row } } ? Row : EntityRecords[K];

/** The Dexie table name of each synced entity. */
export type SyncedTableName = (typeof SYNCED_ENTITIES)[EntityName]['table'];

/** The registry as its entries' common shape, for code generic over the entity. */
const REGISTRY: { [K in EntityName]: SyncedEntity<EntityRecords[K]> } = SYNCED_ENTITIES;
const entry = <K extends EntityName>(entity: K): SyncedEntity<EntityRecords[K]> => REGISTRY[entity];

/** The slice's key of a record. */
export function keyOf<K extends EntityName>(entity: K, record: EntityRecords[K]): string {
  return record[entry(entity).key] as string;
}

export function toDeviceRow<K extends EntityName>(entity: K, record: EntityRecords[K]): DeviceRow<K> {
  return (entry(entity).row?.toRow(record) ?? record) as DeviceRow<K>;
}

/** The synced record a device row holds, without what the device added to it. */
export function fromDeviceRow<K extends EntityName>(entity: K, row: DeviceRow<K>): EntityRecords[K] {
  const record = row as EntityRecords[K];
  return entry(entity).row?.fromRow(record) ?? record;
}

/**
 * Whether a device speaking `protocol` knows `entity`: false for an entity its
 * protocol's slice did not carry yet; true for a name the registry does not
 * know, which is not this check's to refuse (the request schemas do).
 */
export function carriesEntity(protocol: number, entity: string): boolean {
  return !Object.hasOwn(SYNCED_ENTITIES, entity) || SYNCED_ENTITIES[entity as EntityName].since <= protocol;
}

/** Each synced table's schema in Dexie's syntax: its key first, then its indexes. */
export const SYNCED_TABLE_SCHEMA = Object.fromEntries(
  ENTITY_NAMES.map((entity) => {
    const { table, key, indexes } = SYNCED_ENTITIES[entity];
    return [table, [key, ...indexes].join(', ')];
  }),
) as Record<SyncedTableName, string>;
