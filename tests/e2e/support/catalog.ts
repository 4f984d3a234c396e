import type { Promotion } from '../../../src/domain/pricing/index.ts';
import type { ProductRecord, StockRecord, StoreRecord } from '../../../src/protocol/entities.ts';
import type { SuiteServer } from '../../support/server-fixture.ts';

/** A store's catalogue as the server holds it in its sync rows: exactly what a till of the store syncs. */
export type StoreCatalog = { store: StoreRecord; products: ProductRecord[]; stock: Map<string, StockRecord>; promotions: Promotion[] };

export function storeCatalog(server: SuiteServer, storeId: string): StoreCatalog {
  return server.ledger((db) => {
    const rows = <T>(entity: string) =>
      (db.prepare(`SELECT value FROM sync_rows WHERE store_id = ? AND entity = ? AND deleted = 0 ORDER BY key`).all(storeId, entity) as { value: string }[]).map((row) => JSON.parse(row.value) as T);
    const [store] = rows<StoreRecord>('store');
    if (!store) throw new Error(`the server has no store ${storeId}`);
    return { store, products: rows<ProductRecord>('product'), stock: new Map(rows<StockRecord>('stock').map((level) => [level.sku, level])), promotions: rows<Promotion>('promotion') };
  });
}

/** Every SKU and category a promotion names, in any of its parts. */
function named(promotion: Promotion): { skus: string[]; categories: string[] } {
  switch (promotion.kind) {
    case 'buy_x_get_y':
      return { skus: [...promotion.buy.target.skus, ...promotion.get.target.skus], categories: [...promotion.buy.target.categories, ...promotion.get.target.categories] };
    case 'bundle':
      return { skus: promotion.components.map((component) => component.sku), categories: [] };
    default:
      return promotion.target ?? { skus: [], categories: [] };
  }
}

/**
 * Products a test can price by hand: sold by the unit (not serialized), in
 * stock, of `taxCategory`, and out of reach of every promotion of the store in a
 * basket under `basketsUnder` — none names their SKU or category, but for a
 * coupon's (which needs its code), a staff discount (which needs a staff sale)
 * or a spend threshold above the basket. Read from the promotion records as
 * HQ wrote them, never from the pricing engine the test checks.
 */
export function productsNoPromotionTouches(catalog: StoreCatalog, options: { taxCategory: string; basketsUnder: number; count: number }): ProductRecord[] {
  const inPlay = catalog.promotions.filter(
    (promotion) =>
      promotion.coupon === null &&
      promotion.kind !== 'staff' &&
      !(promotion.kind === 'tiered_spend' && Math.min(...promotion.tiers.map((tier) => tier.threshold)) >= options.basketsUnder),
  );
  const reached = (product: ProductRecord) =>
    inPlay.some((promotion) => {
      // A basket promotion without a target reaches every product.
      if ((promotion.kind === 'tiered_spend' || promotion.kind === 'staff') && promotion.target === null) return true;
      const { skus, categories } = named(promotion);
      return skus.includes(product.sku) || categories.includes(product.category);
    });
  const found = catalog.products.filter(
    (product) => !product.serialized && product.taxCategory === options.taxCategory && (catalog.stock.get(product.sku)?.onHand ?? 0) >= 5 && !reached(product),
  );
  if (found.length < options.count) throw new Error(`only ${found.length} of the ${options.count} products needed are out of every promotion's reach in ${catalog.store.id}`);
  return found.slice(0, options.count);
}
