import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import type { StoresideDb } from '../../local/db.ts';
import type { StockRecord } from '../../protocol/entities.ts';

/**
 * How many of a product the store holds, and where. Live: it follows the
 * device's stock table, so a sale on another till shows here as soon as its
 * change is pulled (the change stream pokes within a second).
 */
export function StockLevel({ db, sku }: { db: StoresideDb; sku: string }) {
  const [level, setLevel] = useState<StockRecord | null | undefined>(undefined);
  useEffect(() => {
    const subscription = liveQuery(() => db.stock.get(sku)).subscribe({
      next: (found) => setLevel(found ?? null),
      error: () => setLevel(null),
    });
    return () => subscription.unsubscribe();
  }, [db, sku]);
  if (level === undefined) return <span class="stock muted"> </span>;
  if (level === null) return <span class="stock muted">not stocked</span>;
  return (
    <span class={level.onHand > 0 ? 'stock muted' : 'stock muted out'} data-testid="stock-level" data-on-hand={level.onHand}>
      {level.onHand > 0 ? `${level.onHand} in stock` : 'out of stock'} · {level.aisle}-{level.bin}
    </span>
  );
}
