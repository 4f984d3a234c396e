import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import type { ShelfSign } from '../../domain/pricing/index.ts';
import type { StoresideDb } from '../../local/db.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { Money } from '../components/money.tsx';
import { pricingClient } from '../pricing-client.ts';
import { exceptionText } from '../words/failure-text.ts';
import { storeWords } from '../words/store-words.ts';

/** A grid shows at most this many signs; a category larger than that is cut, and says so. */
const GRID_LIMIT = 48;
/** Signs are priced again this often, so a promotion starting or ending on the hour shows without a sync. */
const REFRESH_MS = 60_000;

export type SignageQuery = { sku: string } | { category: string } | null;

export function signageQuery(search: string): SignageQuery {
  const params = new URLSearchParams(search);
  const sku = params.get('sku');
  if (sku) return { sku };
  const category = params.get('category');
  return category ? { category } : null;
}

type Board = { signs: ShelfSign[]; truncatedFrom: number | null; pricedAt: number; categories: string[] };

/**
 * Shelf signs from this device's own data and the till's own engine: they work
 * offline, and change when a price or promotion syncs (the queries are live),
 * so the sign and the till never disagree.
 */
export function SignageScreen({ db, store, query }: { db: StoresideDb; store: StoreRecord; query: SignageQuery }) {
  const pricing = pricingClient();
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    let latest = 0;
    const subscription = liveQuery(async () => {
      const promotions = await db.promotions.toArray();
      if (query === null) return { promotions, products: [], total: 0, categories: (await db.products.orderBy('category').uniqueKeys()) as string[] };
      if ('sku' in query) {
        const product = await db.products.get(query.sku);
        return { promotions, products: product ? [product] : [], total: product ? 1 : 0, categories: [] };
      }
      const inCategory = db.products.where('category').equals(query.category);
      return { promotions, products: await inCategory.limit(GRID_LIMIT).toArray(), total: await inCategory.count(), categories: [] };
    }).subscribe({
      next: async ({ promotions, products, total, categories }) => {
        const request = ++latest;
        try {
          const at = Date.now();
          await pricing.setPromotions(promotions, store.id);
          const signs = await pricing.shelfSigns(
            products.map(({ sku, name, price, taxCategory, category, priceVersion }) => ({ sku, name, price, taxCategory, category, priceVersion })),
            store.taxConfig,
            at,
          );
          if (request !== latest) return; // a newer change is being priced
          signs.sort((a, b) => a.name.localeCompare(b.name, store.locale));
          setBoard({ signs, truncatedFrom: total > products.length ? total : null, pricedAt: at, categories });
          setError(null);
        } catch (failure) {
          setError(exceptionText(failure, 'These signs cannot be priced'));
        }
      },
      error: (failure) => setError(exceptionText(failure, 'The catalogue on this device cannot be read')),
    });
    return () => subscription.unsubscribe();
    // Keyed by the query's text: the parent builds a new, equal object on each render.
  }, [db, pricing, store, JSON.stringify(query), tick]);

  if (error) return <p class="signage-message error" role="alert">{error}</p>;
  if (!board) return <p class="signage-message">Loading prices…</p>;
  if (query === null) return <CategoryIndex categories={board.categories} />;
  if (board.signs.length === 0) {
    return <p class="signage-message">{'sku' in query ? `No product ${query.sku} at this store.` : `No products in ${query.category}.`}</p>;
  }
  // The store's clock, as the receipt's: a sign says when it was priced in the store's time, whatever the device's zone.
  const updated = storeWords(store).time(board.pricedAt);
  return (
    <div class={'sku' in query ? 'signage single' : 'signage grid'}>
      {board.signs.map((sign) => (
        <Sign key={sign.sku} sign={sign} store={store} />
      ))}
      <p class="signage-footer muted">
        {board.truncatedFrom !== null && `Showing ${board.signs.length} of ${board.truncatedFrom} products. `}
        {store.taxConfig.mode === 'inclusive' ? 'Prices include VAT. ' : 'Sales tax is added at the till. '}
        Prices as of {updated}.
      </p>
    </div>
  );
}

function Sign({ sign, store }: { sign: ShelfSign; store: StoreRecord }) {
  const reduced = sign.pricePerOne < sign.price;
  return (
    <article class={reduced ? 'sign reduced' : 'sign'} aria-label={`Price of ${sign.name}`} data-sku={sign.sku}>
      <h2 class="sign-name">{sign.name}</h2>
      <p class="sign-price" data-testid="sign-price">
        <Money amount={sign.pricePerOne} store={store} />
      </p>
      {reduced && (
        <p class="sign-was">
          was <s><Money amount={sign.price} store={store} /></s>
        </p>
      )}
      {sign.offers.length > 0 && (
        <ul class="sign-offers">
          {sign.offers.map((offer) => (
            <li key={offer.promotionId}>{offer.name}</li>
          ))}
        </ul>
      )}
      <p class="sign-sku muted">{sign.sku}</p>
    </article>
  );
}

function CategoryIndex({ categories }: { categories: string[] }) {
  return (
    <nav class="card signage-index" aria-label="Shelf sign categories">
      <h1>Shelf signs</h1>
      <p class="muted">Pick a category to show its signs, or open /signage?sku=… for one product.</p>
      <ul>
        {categories.map((category) => (
          <li key={category}>
            <a href={`/signage?category=${encodeURIComponent(category)}`}>{category}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
