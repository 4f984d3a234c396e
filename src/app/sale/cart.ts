import { batch, signal } from '@preact/signals';
import { isValidGtin } from '../../domain/barcode.ts';
import { cartLineFor, MAX_LINE_QUANTITY, type CartLine } from '../../domain/cart-line.ts';
import type { ProductRow, StoresideDb } from '../../local/db.ts';
import { productByBarcode, searchProducts } from '../../local/catalog.ts';
import { unitsLeft } from '../../local/allotments.ts';
import { productIndex } from '../../local/product-index.ts';
import type { AllotmentRecord, ProductRecord, StockRecord } from '../../protocol/entities.ts';
import type { Notice } from './notice.ts';
import type { PricedCart } from './priced-cart.ts';

const BARCODE_LIKE = /^\d{8,14}$/;

/** Whether the text is a whole barcode with a valid check digit (a scanner's, or typed). */
export const isScannedBarcode = (text: string) => BARCODE_LIKE.test(text) && isValidGtin(text);

export type LineDetail = { serial?: string; note?: string };

/** The lines of a sale as a parked cart or a kept draft carries them. */
export type CartState = { lines: readonly CartLine[]; lineDetails: readonly (readonly [string, LineDetail])[]; serializedSkus: readonly string[] };

/**
 * The lines of the sale being rung up: products found by barcode, name or SKU,
 * quantities, and what each line needs besides (a serial number, a note). The
 * cart refuses what this till may not sell (a scarce product past its
 * allotment) and warns of what the store's count says it does not have.
 * Pricing is the priced cart's (priced-cart.ts).
 */
export function createCart(deps: {
  db: StoresideDb;
  priced: PricedCart;
  say: (notice: Notice | null) => void;
  /** a line left the cart: what was approved for it goes too */
  lineRemoved: (sku: string) => void;
}) {
  const { db, priced, say } = deps;
  const searchResults = signal<ProductRow[]>([]);
  /** serial number and note per line, by SKU (a cart has one line per SKU) */
  const lineDetails = signal<ReadonlyMap<string, LineDetail>>(new Map());
  /** SKUs in the cart whose units need a serial number */
  const serializedSkus = new Set<string>();
  /** This till's allotments of scarce products, kept current by the app as they sync. */
  let allotments = new Map<string, AllotmentRecord>();

  /** The catalog by barcode in memory, built as the till opens; until it is, and for a product just changed, the database answers. */
  const index = productIndex(db);
  async function lookUpBarcode(code: string): Promise<{ product: ProductRecord | null; from: 'memory' | 'database' }> {
    const known = index.lookUp(code);
    return known === undefined ? { product: await productByBarcode(db, code), from: 'database' } : { product: known, from: 'memory' };
  }

  /** Why `quantity` of a line's product cannot be sold on this till now (it is scarce and over its allotment); null when it can. */
  async function overAllotment(line: CartLine): Promise<string | null> {
    const allotment = allotments.get(line.sku);
    if (!allotment) return null;
    const left = await unitsLeft(db, allotment);
    if (line.quantity <= left) return null;
    return left === 0
      ? `${line.name} is scarce, and this till has sold all it was allotted. Sell it on a till that is online, or once this one has reached the server.`
      : `Only ${left} × ${line.name} can be sold on this till until it reaches the server: it is scarce, and the store’s last units are shared between tills.`;
  }

  /** Replaces one line (by SKU) with `next`, or adds it at the end. */
  const withLine = (next: CartLine) => {
    const lines = priced.current;
    return lines.some((line) => line.sku === next.sku) ? lines.map((line) => (line.sku === next.sku ? next : line)) : [...lines, next];
  };

  /**
   * Says at once when the till's count of the product is below what the cart
   * now holds: the goods sell all the same (the count may be wrong, and the
   * customer has them in hand), but the associate knows before the customer
   * leaves, not from a task afterwards.
   */
  async function warnIfShort(line: CartLine, level: Promise<StockRecord | undefined>) {
    const stock = await level;
    if (stock && line.quantity <= stock.onHand) return;
    const onHand = Math.max(0, stock?.onHand ?? 0);
    say({ tone: 'warning', text: `${onHand === 0 ? '0' : `Only ${onHand}`} in stock at this store: ${line.name}. It sells all the same; check the shelf count later.` });
  }

  async function addProduct(product: ProductRecord) {
    const existing = priced.current.find((line) => line.sku === product.sku);
    if (product.serialized && existing) {
      say({ tone: 'error', text: `${product.name} has a serial number per unit: sell one per sale, with its serial number.` });
      return;
    }
    // Read beside the scan, not before it: the count only decides a warning.
    const level = db.stock.get(product.sku);
    if (product.serialized) serializedSkus.add(product.sku);
    const line = existing ? { ...existing, quantity: Math.min(MAX_LINE_QUANTITY, existing.quantity + 1) } : cartLineFor(product, 1);
    const refusal = await overAllotment(line);
    batch(() => {
      searchResults.value = [];
      say(refusal ? { tone: 'error', text: refusal } : null);
    });
    if (refusal) return;
    const pricing = priced.set(withLine(line));
    await warnIfShort(line, level);
    return pricing;
  }

  /** Sets a line's quantity; refused past this till's allotment of a scarce product. */
  async function setQuantity(sku: string, quantity: number) {
    const line = priced.current.find((candidate) => candidate.sku === sku);
    if (!line || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY || quantity === line.quantity) return;
    if (serializedSkus.has(sku) && quantity > 1) {
      say({ tone: 'error', text: `${line.name} has a serial number per unit: sell one per sale, with its serial number.` });
      return;
    }
    const refusal = quantity > line.quantity ? await overAllotment({ ...line, quantity }) : null;
    if (refusal) {
      say({ tone: 'error', text: refusal });
      return;
    }
    const pricing = priced.set(withLine({ ...line, quantity }));
    if (quantity > line.quantity) await warnIfShort({ ...line, quantity }, db.stock.get(sku));
    return pricing;
  }

  return {
    lines: priced.lines,
    searchResults,
    lineDetails,

    /** What the scan field received: a barcode (from a scanner or typed) or words to search for. */
    async scanOrSearch(input: string) {
      const text = input.trim();
      if (!text) return;
      if (BARCODE_LIKE.test(text)) {
        const lookupStart = performance.now();
        const { product, from } = isValidGtin(text) ? await lookUpBarcode(text) : { product: null, from: 'memory' };
        performance.measure('storeside:barcode-lookup', { start: lookupStart, end: performance.now(), detail: { from } });
        if (product) return addProduct(product);
        say({ tone: 'error', text: isValidGtin(text) ? `No product has barcode ${text}.` : `${text} is not a valid barcode (check digit). Scan again.` });
        return;
      }
      const found = await searchProducts(db, text);
      if (found.length === 1) return addProduct(found[0]!);
      searchResults.value = found;
      say(found.length === 0 ? { tone: 'error', text: `Nothing matches “${text}”.` } : null);
    },

    addProduct,

    /** One more or one fewer: relative to the cart as it is then, so two quick taps make two. */
    changeQuantity(sku: string, by: number) {
      const line = priced.current.find((candidate) => candidate.sku === sku);
      return line ? setQuantity(sku, line.quantity + by) : undefined;
    },

    setQuantity,

    removeLine(sku: string) {
      deps.lineRemoved(sku);
      if (lineDetails.value.has(sku)) lineDetails.value = new Map([...lineDetails.value].filter(([detailSku]) => detailSku !== sku));
      serializedSkus.delete(sku);
      return priced.set(priced.current.filter((line) => line.sku !== sku));
    },

    /** This till's allotments of scarce products changed (a sync, another tab). */
    allotmentsChanged(next: Map<string, AllotmentRecord>) {
      allotments = next;
    },

    /** Whether a line's product needs its serial number on the sale. */
    needsSerial: (sku: string) => serializedSkus.has(sku),

    /** The serial number or note of one line; blank removes it. */
    setLineDetail(sku: string, detail: LineDetail) {
      const next = new Map(lineDetails.value);
      const merged = { ...next.get(sku), ...detail };
      const cleaned = Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, value?.trim()]).filter(([, value]) => value)) as LineDetail;
      if (Object.keys(cleaned).length === 0) next.delete(sku);
      else next.set(sku, cleaned);
      lineDetails.value = next;
    },

    /** Why the lines cannot be sold as they are, or null: a serialized unit without its serial number, a scarce product past the allotment. */
    async problem(): Promise<string | null> {
      const lines = priced.current;
      const missing = lines.filter((line) => serializedSkus.has(line.sku) && !lineDetails.value.get(line.sku)?.serial);
      if (missing.length > 0) return `Scan or type the serial number of ${missing.map((line) => line.name).join(', ')}.`;
      // Another tab of this till may have sold the same scarce product since it was scanned.
      for (const line of lines) {
        const refusal = await overAllotment(line);
        if (refusal) return `${refusal} Lower the quantity to complete the sale.`;
      }
      return null;
    },

    /** Serial numbers and notes by line index, as the sale records them. */
    detailsByLine(lines: readonly CartLine[]): ReadonlyMap<number, LineDetail> {
      return new Map(lines.flatMap((line, index) => (lineDetails.value.has(line.sku) ? [[index, lineDetails.value.get(line.sku)!] as const] : [])));
    },

    state(): CartState {
      return { lines: priced.current, lineDetails: [...lineDetails.value], serializedSkus: [...serializedSkus] };
    },

    /** Takes the lines of a resumed or restored sale; priced again at the prices and promotions of now. */
    restore(state: CartState) {
      lineDetails.value = new Map(state.lineDetails);
      serializedSkus.clear();
      for (const sku of state.serializedSkus) serializedSkus.add(sku);
      return priced.set([...state.lines]);
    },

    /** Everything but the lines, back to a new sale's. */
    clearDetails() {
      searchResults.value = [];
      lineDetails.value = new Map();
      serializedSkus.clear();
    },
  };
}

export type Cart = ReturnType<typeof createCart>;
