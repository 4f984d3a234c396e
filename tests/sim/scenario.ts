import type { StockRecord } from '../../src/protocol/entities.ts';
import { hashSecret } from '../../src/server/auth/secrets.ts';
import { generateDemoPromotions } from '../../src/server/demo/demo-promotions.ts';
import { demoStoredValue } from '../../src/server/demo/demo-stored-value.ts';
import { generateDemoRetailer } from '../../src/server/demo/demo-retailer.ts';
import type { RetailerSeed } from '../../src/server/storage/server-store.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import { Rng } from './prng.ts';

/**
 * What one seed simulates, drawn up front from the seed's `scenario` stream:
 * a tiny retailer (1–3 stores of the demo's tax regimes, a dozen products with
 * some of them scarce so tills oversell), 3–10 enrolled tills, how many sales
 * to make, and how hostile the network and the server are this time. Calm
 * seeds and stormy seeds both occur: some bugs need many faults, some need
 * long quiet stretches between them.
 */
export type FaultRates = {
  /** the request never reaches the server */
  dropRequest: number;
  /** the server commits and answers; the answer is lost (a till crash between server commit and ack looks the same) */
  dropResponse: number;
  /** the request reaches the server twice (a retrying proxy) */
  duplicate: number;
  /** the request is held in the network and delivered later, out of order; the till has timed out */
  hold: number;
  /** the server process dies while it handles a push: at the k-th statement of the transaction, or just before COMMIT */
  serverCrash: number;
  /** while a request is in flight, something else happens first (a sale on a till, an HQ change, held traffic arriving) */
  interleave: number;
};

export type ActionWeights = {
  sell: number;
  sync: number;
  crashDevice: number;
  partition: number;
  advanceTime: number;
  clockJump: number;
  priceChange: number;
  promotionChange: number;
  releaseHeld: number;
};

export type SimDeviceSpec = { label: string; storeId: string; code: string; skewMs: number };

export type Scenario = {
  seed: number;
  startAt: number;
  retailer: RetailerSeed;
  hqToken: string;
  storeIds: string[];
  /** SKUs with a handful of units on hand: where tills oversell */
  scarceSkus: string[];
  devices: SimDeviceSpec[];
  /** sales to commit across all tills before the network heals */
  targetEvents: number;
  maxSteps: number;
  snapshotPageSize: number;
  faults: FaultRates;
  weights: ActionWeights;
};

const HOUR = 3_600_000;

/**
 * How many sales a seed makes. A sale and its share of syncing cost about 13 ms
 * of real device code (Dexie over fake-indexeddb) and a seed about 0.2 s to set
 * up and heal, so 1,000 seeds of 100–300 sales would take half an hour: most
 * seeds are quick, and one in DEEP_EVERY is deep, with the hundreds of sales
 * that build long backlogs and many oversells. Which kind a seed is follows
 * from its number, so a seed means the same run in CI and on the command line.
 */
export const QUICK_SALES = [8, 30] as const;
export const DEEP_SALES = [100, 300] as const;
export const DEEP_EVERY = 25;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function generateScenario(seed: number, options: { targetEvents?: number } = {}): Scenario {
  const rng = Rng.stream(seed, 'scenario');
  const storeCount = rng.int(1, 3);
  const deviceCount = Math.max(storeCount, rng.int(3, 10));
  const productCount = rng.int(8, 14);

  const demo = generateDemoRetailer({ seed: rng.int(1, 1_000_000), productCount });
  const demoStores = demo.stores.slice(0, storeCount);
  const skus = demo.products.map((product) => product.sku);
  const scarceSkus = skus.filter(() => rng.chance(0.35));
  if (scarceSkus.length === 0) scarceSkus.push(rng.pick(skus));

  const hqToken = rng.text(32, TOKEN_ALPHABET);
  const retailer: RetailerSeed = {
    stores: demoStores.map(({ store, prices, stock, staff }) => ({
      store,
      products: demo.products.map((product) => ({ ...product, price: prices.get(product.sku) ?? 0, priceVersion: 1 })),
      // A few units of the scarce SKUs, plenty of the rest: the sim never restocks.
      stock: stock.map((level): StockRecord => ({ ...level, onHand: scarceSkus.includes(level.sku) ? rng.int(0, 4) : rng.int(40, 120) })),
      // PBKDF2 is not what this simulates: a stand-in hash of the right shape.
      staff: staff.map(({ pin, ...member }) => ({ ...member, pinHash: sha256Hex(`${member.id}:${pin}`), pinSalt: '00', pinIterations: 1 })),
      // The demo's gift cards, store credit and customers: slices carry them, so tills must converge on them too.
      ...demoStoredValue(store),
    })),
    // A dozen of the demo's promotions per store, every kind among them over the seeds: enough to price
    // with, few enough that loading them is not what each seed spends its time on.
    promotions: generateDemoPromotions({ products: demo.products, stores: demoStores }, seed).filter(() => rng.chance(0.15)),
    hqTokenHash: hashSecret(hqToken),
    enrollmentCodes: [],
  };
  const storeIds = demoStores.map((s) => s.store.id);

  const devices: SimDeviceSpec[] = [];
  for (let i = 0; i < deviceCount; i++) {
    // Every store gets a till; the rest go anywhere.
    const storeId = i < storeCount ? storeIds[i]! : rng.pick(storeIds);
    const code = `${rng.text(4, CODE_ALPHABET)}-${rng.text(4, CODE_ALPHABET)}`;
    retailer.enrollmentCodes.push({ codeHash: hashSecret(code), storeId, role: 'tablet' });
    // Most tills are a little off; some a whole day either way.
    const skewMs = rng.chance(0.3) ? rng.int(-24 * HOUR, 24 * HOUR) : rng.int(-120_000, 120_000);
    devices.push({ label: `t${i + 1}@${storeId.replace(/^store-/, '')}`, storeId, code, skewMs });
  }

  const stormy = rng.chance(0.5);
  // HQ edits promotions all day while tills load their catalogues a few rows a page: a till
  // must not end its bootstrap with promotions that never existed together.
  const busyHq = rng.chance(0.2);
  const rate = (max: number) => (rng.chance(0.15) ? 0 : rng.next() * max * (stormy ? 1 : 0.3));
  const faults: FaultRates = {
    dropRequest: rate(0.15),
    dropResponse: rate(0.15),
    duplicate: rate(0.1),
    hold: rate(0.1),
    serverCrash: rate(0.12),
    interleave: rate(0.3),
  };
  const [fewest, most] = seed % DEEP_EVERY === 0 ? DEEP_SALES : QUICK_SALES;
  const targetEvents = options.targetEvents ?? rng.int(fewest, most);
  return {
    seed,
    startAt: Date.UTC(2026, 2, 1) + rng.int(0, 200) * 24 * HOUR,
    retailer,
    hqToken,
    storeIds,
    scarceSkus,
    devices,
    targetEvents,
    maxSteps: targetEvents * 6,
    snapshotPageSize: busyHq ? 7 : rng.pick([25, 60, 10_000]),
    faults,
    weights: {
      sell: 10,
      sync: rng.int(3, 10),
      crashDevice: 0.4,
      partition: 0.4,
      advanceTime: 0.6,
      clockJump: 0.3,
      priceChange: 0.5,
      promotionChange: busyHq ? 6 : 0.2,
      releaseHeld: 0.6,
    },
  };
}
