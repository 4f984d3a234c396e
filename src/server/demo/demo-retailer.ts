import { withCheckDigit } from '../../domain/barcode.ts';
import type { TaxConfig } from '../../domain/pricing/index.ts';
import type { StockRecord, StoreRecord } from '../../protocol/entities.ts';

/**
 * A generated retailer for `npm start`, the demo and the benchmarks: a shared
 * catalog, three stores in three tax regimes, per-store prices, stock and staff.
 *
 * Pure and deterministic: everything is derived from `seed` through a PRNG in
 * this file. Each product, and each product's price and stock in each store,
 * draws from its own stream keyed by (seed, index), so a catalog of n products
 * is exactly the first n products of any larger catalog with the same seed.
 */

export type DemoProduct = {
  sku: string;
  name: string;
  /** 13 digits with a valid check digit; UPC-A codes are stored with a leading 0 */
  barcode: string;
  category: string;
  taxCategory: string;
  /** each unit sold needs its serial number: set only where true */
  serialized?: true;
};
export type DemoStaff = { id: string; name: string; role: 'associate' | 'manager'; pin: string };
export type DemoStore = {
  store: StoreRecord;
  /** sku -> unit price in the store's currency, minor units, as the shelf shows it */
  prices: Map<string, number>;
  stock: StockRecord[];
  staff: DemoStaff[];
};
export type DemoRetailer = { products: DemoProduct[]; stores: DemoStore[] };

/** SKUs are six zero-padded digits, which bounds the catalog. */
export const MAX_DEMO_PRODUCTS = 999_999;

export function generateDemoRetailer(options: { seed: number; productCount: number }): DemoRetailer {
  const { productCount } = options;
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
  if (!Number.isSafeInteger(productCount) || productCount < 0 || productCount > MAX_DEMO_PRODUCTS) {
    throw new RangeError(`productCount must be an integer from 0 to ${MAX_DEMO_PRODUCTS}, got ${productCount}`);
  }
  const seed = fold53(options.seed);
  const numbering = barcodeNumbering(seed);

  const products: DemoProduct[] = new Array(productCount);
  /** base price in US cents, or for gift cards the face value in minor units of any currency */
  const basePrices: number[] = new Array(productCount);
  const isFaceValue = new Uint8Array(productCount);
  const categoryIndexes: number[] = new Array(productCount);
  const random = new Mulberry32();
  for (let index = 0; index < productCount; index++) {
    random.reseed(streamSeed(seed, STREAM_PRODUCT, index));
    const categoryIndex = pickCategory(random.next());
    const category = CATEGORIES[categoryIndex]!;
    const item = pick(category.items, random);
    const size = pick(item.sizes, random);
    const name = `${pick(category.brands, random)} ${pick(category.adjectives, random)} ${item.noun} ${size}`;
    products[index] = {
      sku: `SKU-${String(index + 1).padStart(6, '0')}`,
      name,
      barcode: barcodeFor(index, random, numbering),
      category: category.category,
      taxCategory: category.taxCategory,
      ...(item.serialized ? { serialized: true as const } : {}),
    };
    categoryIndexes[index] = categoryIndex;
    if (item.price === 'face-value') {
      basePrices[index] = Number.parseInt(size, 10) * 100;
      isFaceValue[index] = 1;
    } else {
      basePrices[index] = logUniform(item.price[0], item.price[1], random);
    }
  }

  const stores = STORES.map((spec, storeIndex): DemoStore => {
    const prices = new Map<string, number>();
    const stock: StockRecord[] = new Array(productCount);
    for (let index = 0; index < productCount; index++) {
      random.reseed(streamSeed(seed, STREAM_STORE_PRODUCT + storeIndex, index));
      const sku = products[index]!.sku;
      const base = basePrices[index]!;
      prices.set(sku, isFaceValue[index] ? base : shelfPrice(base, spec, random));
      stock[index] = {
        sku,
        onHand: onHandCount(random),
        aisle: aisleFor(categoryIndexes[index]!, storeIndex, random),
        bin: pick(BINS, random),
      };
    }
    return {
      store: {
        id: spec.id,
        name: spec.name,
        currency: spec.currency,
        locale: spec.locale,
        timezone: spec.timezone,
        receiptPrefix: spec.receiptPrefix,
        // Dollars, euros and pounds all have a coin for the smallest unit.
        cashCoin: 1,
        returnDays: 30,
        refundFallback: 'cash',
        // A copy, so a caller that edits its retailer cannot change the next one generated.
        taxConfig: structuredClone(spec.taxConfig),
      },
      prices,
      stock,
      staff: staffFor(spec, new Mulberry32(streamSeed(seed, STREAM_STAFF, storeIndex))),
    };
  });

  return { products, stores };
}

// ---------------------------------------------------------------------------
// Randomness

type Random = Mulberry32;

const STREAM_PRODUCT = 1;
const STREAM_STAFF = 2;
const STREAM_BARCODES = 3;
const STREAM_STORE_PRODUCT = 16;

/**
 * mulberry32 (Tommy Ettinger): 32-bit state, uniform floats in [0, 1). One
 * instance is reseeded per stream instead of allocating a generator per
 * product, which keeps 100,000 products free of garbage-collector pauses.
 */
class Mulberry32 {
  private state: number;
  constructor(state = 0) {
    this.state = state | 0;
  }
  reseed(state: number): this {
    this.state = state | 0;
    return this;
  }
  next(): number {
    const a = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}

/** A seeded generator of floats in [0, 1): the same seed gives the same sequence (tests, benchmarks). */
export function seededRandom(seed: number): () => number {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}

/** MurmurHash3's 32-bit finaliser: an avalanche so that neighbouring inputs land far apart. */
export function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A safe-integer seed folded to 32 bits, keeping the high bits' influence. */
function fold53(seed: number): number {
  const high = Math.floor(seed / 4_294_967_296);
  return fmix32((seed >>> 0) ^ fmix32(high + 0x3c6ef372));
}

function streamSeed(seed: number, stream: number, index: number): number {
  return fmix32(seed ^ fmix32(Math.imul(stream, 0x9e3779b9) ^ fmix32(index + 0x632be5ab)));
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random.next() * items.length)]!;
}

function logUniform(min: number, max: number, random: Random): number {
  return Math.round(min * Math.pow(max / min, random.next()));
}

// ---------------------------------------------------------------------------
// Barcodes
//
// Unique by construction rather than by retry: the digits after the prefix are
// an affine map i -> (i·m + c) mod 10^k of the product index, with m odd and not
// a multiple of 5, so coprime to 10^k and the map a bijection on 0..10^k-1.
// EAN-13s start with a GS1 prefix of 400–440 (Germany) or 500–509 (UK); UPC-As
// are stored as '0' + 12 digits; the two families cannot collide, and within
// a family the suffix alone already differs. A large m scatters neighbouring
// products' codes; i·m stays below 2^53 because i < 10^6 and m < 5·10^9.

type BarcodeNumbering = { eanMultiplier: number; eanOffset: number; upcMultiplier: number; upcOffset: number };

const EAN_SUFFIX_SPACE = 1_000_000_000; // 9 digits after a 3-digit prefix
const UPC_SUFFIX_SPACE = 10_000_000_000; // 10 digits after the number-system digit
/** UPC-A number systems for ordinary trade items (2 is variable-weight, 5 coupons). */
const UPC_NUMBER_SYSTEMS = ['0', '1', '6', '7', '8'] as const;

function barcodeNumbering(seed: number): BarcodeNumbering {
  const random = new Mulberry32(streamSeed(seed, STREAM_BARCODES, 0));
  return {
    eanMultiplier: unitOfPowerOfTen(100_000_000, EAN_SUFFIX_SPACE, random),
    eanOffset: Math.floor(random.next() * EAN_SUFFIX_SPACE),
    upcMultiplier: unitOfPowerOfTen(1_000_000_000, UPC_SUFFIX_SPACE / 2, random),
    upcOffset: Math.floor(random.next() * 100_000) * 100_000 + Math.floor(random.next() * 100_000),
  };
}

/** An integer in [min, max) coprime to 10: odd and not ending in 5. */
function unitOfPowerOfTen(min: number, max: number, random: Random): number {
  const candidate = min + 2 * Math.floor((random.next() * (max - min - 4)) / 2) + 1;
  return candidate % 5 === 0 ? candidate + 2 : candidate;
}

function barcodeFor(index: number, random: Random, numbering: BarcodeNumbering): string {
  const family = random.next();
  if (family < 0.35) {
    const suffix = (index * numbering.upcMultiplier + numbering.upcOffset) % UPC_SUFFIX_SPACE;
    // A leading zero does not change a GTIN check digit, so this is the UPC-A's own.
    return withCheckDigit(`0${pick(UPC_NUMBER_SYSTEMS, random)}${String(suffix).padStart(10, '0')}`);
  }
  const prefix = family < 0.85 ? 400 + Math.floor(random.next() * 41) : 500 + Math.floor(random.next() * 10);
  const suffix = (index * numbering.eanMultiplier + numbering.eanOffset) % EAN_SUFFIX_SPACE;
  return withCheckDigit(`${prefix}${String(suffix).padStart(9, '0')}`);
}

// ---------------------------------------------------------------------------
// Prices and stock

/** Endings that are not charm prices, so the tills meet odd cents and thirds. */
const AWKWARD_ENDINGS = [1, 5, 10, 33, 37, 60] as const;

function shelfPrice(baseUsdCents: number, store: StoreSpec, random: Random): number {
  const [low, high] = store.priceFactor;
  const value = baseUsdCents * (low + (high - low) * random.next());
  const major = Math.floor(value / 100);
  if (random.next() < 0.06) return Math.max(1, major * 100 + pick(AWKWARD_ENDINGS, random));
  return major * 100 + pick(store.priceEndings, random);
}

/** 0–200 on hand; about one line in twelve is out of stock, most hold a few dozen. */
function onHandCount(random: Random): number {
  if (random.next() < 0.08) return 0;
  const unit = random.next();
  return 1 + Math.floor(199 * unit * unit);
}

// Shelf locations are drawn from tables built once, so 300,000 stock records
// share a few hundred strings instead of allocating two new ones each.
const AISLE_LETTERS = 'ABCDEFGHJK';
const AISLES_PER_LETTER = 18;
const AISLES: readonly string[] = [...AISLE_LETTERS].flatMap((letter) =>
  Array.from({ length: AISLES_PER_LETTER }, (_, k) => `${letter}${k + 1}`),
);
/** 'B3-04': bay 1–9, slot 01–24. */
const BINS: readonly string[] = Array.from({ length: 9 * 24 }, (_, k) => {
  const slot = String((k % 24) + 1).padStart(2, '0');
  return `B${Math.floor(k / 24) + 1}-${slot}`;
});

/** Each store lays out its departments differently, but a department stays under one letter. */
function aisleFor(categoryIndex: number, storeIndex: number, random: Random): string {
  const letterIndex = (categoryIndex * 3 + storeIndex * 7) % AISLE_LETTERS.length;
  return AISLES[letterIndex * AISLES_PER_LETTER + Math.floor(random.next() * AISLES_PER_LETTER)]!;
}

// ---------------------------------------------------------------------------
// Staff

function staffFor(spec: StoreSpec, random: Random): DemoStaff[] {
  const firstNames = shuffled(spec.firstNames, random);
  const lastNames = shuffled(spec.lastNames, random);
  const pins = new Set<string>();
  const slug = spec.id.replace(/^store-/, '');
  const staff: DemoStaff[] = [];
  for (let k = 0; k < 5; k++) {
    let pin: string;
    do {
      pin = String(Math.floor(random.next() * 10_000)).padStart(4, '0');
    } while (pins.has(pin) || isGuessablePin(pin));
    pins.add(pin);
    staff.push({
      id: `staff-${slug}-${k + 1}`,
      name: `${firstNames[k]!} ${lastNames[k]!}`,
      role: k === 0 ? 'manager' : 'associate',
      pin,
    });
  }
  return staff;
}

/** Repeated digits (0000) and straight runs (1234, 9876) are the first PINs anyone tries. */
function isGuessablePin(pin: string): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(pin.charCodeAt(i) - pin.charCodeAt(i - 1));
  return steps.size === 1 && [...steps].every((step) => Math.abs(step) <= 1);
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

// ---------------------------------------------------------------------------
// Stores
//
// Every store defines the same four tax categories so any product sells
// anywhere. The product-to-category mapping is shared, so it is a compromise:
// 'reduced' is groceries (0 % food in Texas, 7 % in Germany, where the UK would
// in truth zero-rate most food), 'zero' is books and children's clothing.

const TAX_CATEGORY_LABELS = { standard: { label: 'Standard' }, reduced: { label: 'Reduced' }, zero: { label: 'Zero-rated' }, exempt: { label: 'Exempt' } };

type StoreSpec = {
  id: string;
  name: string;
  currency: string;
  locale: string;
  timezone: string;
  receiptPrefix: string;
  taxConfig: TaxConfig;
  /** shelf price ≈ base US price × a factor drawn from this range */
  priceFactor: readonly [number, number];
  priceEndings: readonly number[];
  firstNames: readonly string[];
  lastNames: readonly string[];
};

const STORES: readonly StoreSpec[] = [
  {
    id: 'store-us-austin',
    name: 'Austin — South Congress',
    currency: 'USD',
    locale: 'en-US',
    timezone: 'America/Chicago',
    receiptPrefix: 'AUS',
    taxConfig: {
      version: 1,
      mode: 'exclusive',
      rounding: 'half-up',
      level: 'invoice',
      categories: TAX_CATEGORY_LABELS,
      // Texas 6.25 % state + 1 % City of Austin + 1 % Capital Metro transit = 8.25 %;
      // grocery food ('reduced') is not taxed by any of them.
      jurisdictions: [
        { id: 'us-tx', label: 'Texas', rates: { standard: 62_500 } },
        { id: 'us-tx-austin', label: 'City of Austin', rates: { standard: 10_000 } },
        { id: 'us-tx-capmetro', label: 'Capital Metro', rates: { standard: 10_000 } },
      ],
    },
    priceFactor: [1, 1],
    priceEndings: [99, 99, 99, 49, 29, 79, 89],
    firstNames: ['James', 'Maria', 'Tyler', 'Aaliyah', 'Carlos', 'Emily', 'Marcus', 'Priya', 'Jordan', 'Hannah'],
    lastNames: ['Johnson', 'Garcia', 'Nguyen', 'Patel', 'Williams', 'Martinez', 'Brooks', 'Rivera', 'Thompson', 'Kim'],
  },
  {
    id: 'store-de-berlin',
    name: 'Berlin — Prenzlauer Berg',
    currency: 'EUR',
    locale: 'de-DE',
    timezone: 'Europe/Berlin',
    receiptPrefix: 'BER',
    taxConfig: {
      version: 1,
      mode: 'inclusive',
      rounding: 'half-up',
      level: 'line',
      categories: TAX_CATEGORY_LABELS,
      jurisdictions: [{ id: 'de', label: 'MwSt.', rates: { standard: 190_000, reduced: 70_000 } }],
    },
    priceFactor: [0.92, 1.08],
    priceEndings: [99, 99, 49, 95, 29, 69],
    firstNames: ['Lukas', 'Anna', 'Felix', 'Leonie', 'Jonas', 'Mia', 'Mehmet', 'Sophie', 'Tobias', 'Katharina'],
    lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Yılmaz', 'Hoffmann', 'Wagner', 'Schulz'],
  },
  {
    id: 'store-gb-london',
    name: 'London — Shoreditch',
    currency: 'GBP',
    locale: 'en-GB',
    timezone: 'Europe/London',
    receiptPrefix: 'LON',
    taxConfig: {
      version: 1,
      mode: 'inclusive',
      rounding: 'half-even',
      level: 'invoice',
      categories: TAX_CATEGORY_LABELS,
      jurisdictions: [{ id: 'gb', label: 'VAT', rates: { standard: 200_000, reduced: 50_000 } }],
    },
    priceFactor: [0.78, 0.9],
    priceEndings: [99, 99, 50, 49, 25, 75],
    firstNames: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Aisha', 'Jack', 'Charlotte', 'Mohammed', 'Freya'],
    lastNames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Evans', 'Khan', 'Wilson', 'Davies', 'Okafor', 'Roberts'],
  },
];

// ---------------------------------------------------------------------------
// Catalog word lists

type ItemSpec = {
  noun: string;
  sizes: readonly string[];
  /** base price in US cents, [min, max]; 'face-value' prices at the size in whole units */
  price: readonly [number, number] | 'face-value';
  /** a unit has a serial number the sale records (warranty, returns) */
  serialized?: true;
};
type CategorySpec = {
  category: string;
  taxCategory: 'standard' | 'reduced' | 'zero' | 'exempt';
  /** relative share of the catalog */
  weight: number;
  brands: readonly string[];
  adjectives: readonly string[];
  items: readonly ItemSpec[];
};

const FOOD_BRANDS = ['Hillcrest', 'Meadowbrook', 'Golden Acre', 'Bluebonnet', 'Riverside', 'Alpenhof', 'Harvest Moon', 'Copper Kettle'];
const HOME_BRANDS = ['Brightway', 'CleanCrest', 'Homestead', 'Pure Linen', 'Evergreen', 'Nordhaus'];

const CATEGORIES: readonly CategorySpec[] = [
  {
    category: 'dairy',
    taxCategory: 'reduced',
    weight: 9,
    brands: FOOD_BRANDS,
    adjectives: ['Organic', 'Fresh', 'Low-Fat', 'Farmhouse', 'Lactose-Free', 'Grass-Fed'],
    items: [
      { noun: 'Whole Milk', sizes: ['1 L', '2 L', '500 ml'], price: [129, 399] },
      { noun: 'Greek Yogurt', sizes: ['150 g', '500 g', '1 kg'], price: [89, 549] },
      { noun: 'Salted Butter', sizes: ['250 g', '500 g'], price: [229, 649] },
      { noun: 'Mature Cheddar', sizes: ['200 g', '400 g'], price: [299, 799] },
      { noun: 'Free-Range Eggs', sizes: ['6 pack', '10 pack', '12 pack'], price: [219, 599] },
      { noun: 'Cream Cheese', sizes: ['200 g', '300 g'], price: [149, 379] },
    ],
  },
  {
    category: 'bakery',
    taxCategory: 'reduced',
    weight: 6,
    brands: FOOD_BRANDS,
    adjectives: ['Sourdough', 'Whole Grain', 'Rustic', 'Seeded', 'Stone-Baked', 'Gluten-Free'],
    items: [
      { noun: 'Bread Loaf', sizes: ['500 g', '750 g', '1 kg'], price: [199, 649] },
      { noun: 'Bagels', sizes: ['4 pack', '6 pack'], price: [249, 499] },
      { noun: 'Croissants', sizes: ['4 pack', '6 pack'], price: [299, 599] },
      { noun: 'Pretzel Rolls', sizes: ['4 pack', '8 pack'], price: [199, 449] },
    ],
  },
  {
    category: 'produce',
    taxCategory: 'reduced',
    weight: 9,
    brands: ['Sunfield', 'Green Valley', 'Orchard Lane', 'Farm Stand'],
    adjectives: ['Organic', 'Fresh', 'Local', 'Ripe', 'Seasonal'],
    items: [
      { noun: 'Limes', sizes: ['each'], price: [25, 60] },
      { noun: 'Avocados', sizes: ['each', '4 pack'], price: [79, 499] },
      { noun: 'Gala Apples', sizes: ['1 kg', '2 kg bag'], price: [249, 699] },
      { noun: 'Bananas', sizes: ['1 kg', 'bunch'], price: [59, 249] },
      { noun: 'Baby Spinach', sizes: ['150 g', '300 g'], price: [199, 499] },
      { noun: 'Vine Tomatoes', sizes: ['500 g', '1 kg'], price: [229, 549] },
    ],
  },
  {
    category: 'pantry',
    taxCategory: 'reduced',
    weight: 10,
    brands: FOOD_BRANDS,
    adjectives: ['Organic', 'Classic', 'Italian', 'Whole Wheat', 'Extra Virgin', 'Wild'],
    items: [
      { noun: 'Spaghetti', sizes: ['500 g', '1 kg'], price: [99, 399] },
      { noun: 'Olive Oil', sizes: ['500 ml', '750 ml', '1 L'], price: [499, 1899] },
      { noun: 'Basmati Rice', sizes: ['1 kg', '2 kg', '5 kg'], price: [249, 1299] },
      { noun: 'Peanut Butter', sizes: ['340 g', '500 g'], price: [249, 649] },
      { noun: 'Chopped Tomatoes', sizes: ['400 g', '3 x 400 g'], price: [79, 399] },
      { noun: 'Rolled Oats', sizes: ['500 g', '1 kg'], price: [149, 499] },
      { noun: 'Honey', sizes: ['250 g', '500 g'], price: [349, 1099] },
    ],
  },
  {
    category: 'frozen',
    taxCategory: 'reduced',
    weight: 5,
    brands: FOOD_BRANDS,
    adjectives: ['Stone-Baked', 'Garden', 'Family Size', 'Premium', 'Vegan'],
    items: [
      { noun: 'Margherita Pizza', sizes: ['350 g', '2 pack'], price: [299, 899] },
      { noun: 'Mixed Vegetables', sizes: ['750 g', '1 kg'], price: [179, 449] },
      { noun: 'Vanilla Ice Cream', sizes: ['500 ml', '1 L'], price: [299, 799] },
      { noun: 'Fish Fillets', sizes: ['400 g', '800 g'], price: [499, 1299] },
    ],
  },
  {
    category: 'beverages',
    taxCategory: 'standard',
    weight: 8,
    brands: ['Fizzwell', 'Mountain Spring', 'Citrus Grove', 'Roastery Row', 'Brightleaf'],
    adjectives: ['Sparkling', 'Still', 'Sugar-Free', 'Cold-Brew', 'Original', 'Lightly Sweetened'],
    items: [
      { noun: 'Mineral Water', sizes: ['500 ml', '1.5 L', '6 x 1.5 L'], price: [69, 599] },
      { noun: 'Cola', sizes: ['330 ml', '1.5 L', '12 x 330 ml'], price: [99, 899] },
      { noun: 'Orange Juice', sizes: ['1 L', '1.75 L'], price: [249, 599] },
      { noun: 'Ground Coffee', sizes: ['250 g', '500 g', '1 kg'], price: [499, 1899] },
      { noun: 'Green Tea', sizes: ['20 bags', '40 bags'], price: [249, 699] },
    ],
  },
  {
    category: 'snacks',
    taxCategory: 'standard',
    weight: 6,
    brands: ['Crunchwell', 'Golden Acre', 'Trailhead', 'Cocoa Lane'],
    adjectives: ['Sea Salt', 'Smoky BBQ', 'Dark Chocolate', 'Honey Roasted', 'Sour Cream & Onion'],
    items: [
      { noun: 'Potato Chips', sizes: ['150 g', '200 g'], price: [149, 449] },
      { noun: 'Almonds', sizes: ['200 g', '400 g'], price: [349, 899] },
      { noun: 'Chocolate Bar', sizes: ['45 g', '100 g'], price: [89, 399] },
      { noun: 'Granola Bars', sizes: ['6 pack', '12 pack'], price: [299, 699] },
    ],
  },
  {
    category: 'household',
    taxCategory: 'standard',
    weight: 8,
    brands: HOME_BRANDS,
    adjectives: ['Ultra', 'Eco', 'Fresh Scent', 'Unscented', 'Heavy-Duty', 'Concentrated'],
    items: [
      { noun: 'Dish Soap', sizes: ['500 ml', '1 L'], price: [199, 549] },
      { noun: 'Laundry Detergent', sizes: ['1.5 L', '3 L', '40 loads'], price: [699, 2499] },
      { noun: 'Paper Towels', sizes: ['2 rolls', '6 rolls'], price: [299, 1299] },
      { noun: 'Trash Bags', sizes: ['30 L x 20', '60 L x 15'], price: [349, 1099] },
      { noun: 'All-Purpose Cleaner', sizes: ['750 ml', '1 L'], price: [249, 699] },
    ],
  },
  {
    category: 'personal-care',
    taxCategory: 'standard',
    weight: 6,
    brands: ['Dermalux', 'Pure Linen', 'Oakmoss', 'Brightway'],
    adjectives: ['Sensitive', 'Herbal', 'Whitening', 'Moisturising', 'Travel'],
    items: [
      { noun: 'Toothpaste', sizes: ['75 ml', '125 ml'], price: [199, 649] },
      { noun: 'Shampoo', sizes: ['250 ml', '500 ml'], price: [349, 1299] },
      { noun: 'Hand Soap', sizes: ['250 ml', '500 ml refill'], price: [199, 599] },
      { noun: 'Sunscreen SPF 50', sizes: ['100 ml', '200 ml'], price: [799, 1999] },
    ],
  },
  {
    category: 'pet',
    taxCategory: 'standard',
    weight: 3,
    brands: ['Happy Paws', 'Whisker & Co', 'Trailhead'],
    adjectives: ['Grain-Free', 'Senior', 'Puppy', 'Indoor', 'Salmon'],
    items: [
      { noun: 'Dry Dog Food', sizes: ['2 kg', '7.5 kg'], price: [999, 4999] },
      { noun: 'Cat Litter', sizes: ['5 L', '10 L'], price: [499, 1599] },
      { noun: 'Cat Food Pouches', sizes: ['12 x 85 g'], price: [499, 999] },
    ],
  },
  {
    category: 'apparel',
    taxCategory: 'standard',
    weight: 7,
    brands: ['Northfield', 'Coastline', 'Urban Thread', 'Ridgeback'],
    adjectives: ['Relaxed', 'Slim-Fit', 'Organic Cotton', 'Recycled', 'Classic', 'Merino'],
    items: [
      { noun: 'T-Shirt', sizes: ['S', 'M', 'L', 'XL'], price: [999, 2999] },
      { noun: 'Hoodie', sizes: ['S', 'M', 'L', 'XL'], price: [2999, 6999] },
      { noun: 'Socks 3 Pack', sizes: ['37–40', '41–45'], price: [799, 1799] },
      { noun: 'Chinos', sizes: ['30/32', '32/32', '34/32', '36/34'], price: [3499, 7999] },
      { noun: 'Rain Jacket', sizes: ['S', 'M', 'L', 'XL'], price: [4999, 12999] },
    ],
  },
  {
    category: 'kids-clothing',
    taxCategory: 'zero',
    weight: 4,
    brands: ['Little Northfield', 'Puddle Jumpers', 'Acorn Kids'],
    adjectives: ['Striped', 'Dinosaur', 'Rainbow', 'Organic Cotton', 'Fleece'],
    items: [
      { noun: 'Romper', sizes: ['0–3 m', '3–6 m', '6–12 m'], price: [999, 2499] },
      { noun: 'Pyjamas', sizes: ['2–3 y', '4–5 y', '6–7 y'], price: [1299, 2999] },
      { noun: 'Wellington Boots', sizes: ['EU 24', 'EU 27', 'EU 30'], price: [1499, 3499] },
    ],
  },
  {
    category: 'books',
    taxCategory: 'zero',
    weight: 4,
    brands: ['Penrose Press', 'Lantern Books', 'Atlas House'],
    adjectives: ['Illustrated', 'Pocket', 'Revised', 'Collector’s', 'Beginner’s'],
    items: [
      { noun: 'Cookbook', sizes: ['Hardcover', 'Paperback'], price: [1499, 3999] },
      { noun: 'City Guide', sizes: ['Paperback'], price: [999, 2499] },
      { noun: 'Picture Book', sizes: ['Hardcover', 'Board Book'], price: [699, 1999] },
      { noun: 'Crossword Collection', sizes: ['Paperback'], price: [599, 1299] },
    ],
  },
  {
    category: 'electronics',
    taxCategory: 'standard',
    weight: 6,
    brands: ['Voltaic', 'Lumen', 'Soundcraft', 'Kestrel'],
    adjectives: ['Wireless', 'Fast-Charge', 'Noise-Cancelling', 'Compact', 'Pro'],
    items: [
      { noun: 'Earbuds', sizes: ['Black', 'White'], price: [1999, 19999], serialized: true },
      { noun: 'USB-C Cable', sizes: ['1 m', '2 m'], price: [799, 2499] },
      { noun: 'Power Bank', sizes: ['10000 mAh', '20000 mAh'], price: [1999, 5999], serialized: true },
      { noun: 'AA Batteries', sizes: ['4 pack', '12 pack'], price: [499, 1799] },
      { noun: 'LED Bulb', sizes: ['E27 806 lm', 'E14 470 lm'], price: [299, 1299] },
    ],
  },
  {
    category: 'gift-cards',
    taxCategory: 'exempt',
    weight: 1,
    brands: ['Storeside'],
    adjectives: ['Classic', 'Birthday', 'Thank You', 'Holiday'],
    items: [{ noun: 'Gift Card', sizes: ['10', '25', '50', '100'], price: 'face-value' }],
  },
];

const CATEGORY_CUMULATIVE_WEIGHTS: readonly number[] = (() => {
  const total = CATEGORIES.reduce((sum, category) => sum + category.weight, 0);
  let running = 0;
  return CATEGORIES.map((category) => (running += category.weight / total));
})();

function pickCategory(unit: number): number {
  const index = CATEGORY_CUMULATIVE_WEIGHTS.findIndex((limit) => unit < limit);
  return index === -1 ? CATEGORIES.length - 1 : index;
}
