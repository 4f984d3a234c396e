/**
 * A till's IndexedDB database as Dexie version 4 made it on the devices in the
 * field (src/local/db.ts): the synced tables the entity registry declares,
 * and the device's own. A registry change to a synced table reaches a device
 * at version 4 only through a higher version (tests/unit/entity-registry.test.ts
 * holds the registry to this); a till updated mid-week opens a database like
 * this one, unsent sales in it (tests/integration/device-sync.test.ts).
 */
export const RELEASED_DEVICE_SCHEMA = {
  version: 4,
  synced: {
    stores: 'id',
    staff: 'id',
    products: 'sku, barcode, *words, category',
    stock: 'sku',
    promotions: 'id',
    conflicts: 'id',
    tasks: 'id',
    allotments: 'id, [deviceId+sku]',
    parkedCarts: 'id',
    storedValues: 'id, customerId',
    customers: 'id, phone, email',
    saleRecords: 'id, receiptNumber, receiptToken, completedAt, customer.id',
  },
  own: {
    meta: 'key',
    journal: 'seq',
    sales: 'id, receiptNumber, completedAt, *redeemedCoupons, eventSeq, receiptToken',
    returns: 'id, saleId',
  },
} as const;
