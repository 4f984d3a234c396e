import type { ProductRecord } from '../../protocol/entities.ts';
import { hashPin, hashSecret, newDeviceToken, newEnrollmentCode } from '../auth/secrets.ts';
import { generateDemoPromotions } from './demo-promotions.ts';
import type { RetailerSeed } from '../storage/server-store.ts';
import { generateDemoRetailer } from './demo-retailer.ts';
import { demoStoredValue } from './demo-stored-value.ts';

/** What start-up prints and writes to <DATA_DIR>/demo-credentials.json (DESIGN.md "Enrollment"). */
export type DemoCredentials = {
  /** Authorization: Bearer <hqToken> for the HQ routes (promotions, variances) */
  hqToken: string;
  stores: {
    id: string;
    name: string;
    enrollmentCodes: { tablet: string[]; kiosk: string[] };
    staff: { id: string; name: string; role: 'associate' | 'manager'; pin: string }[];
    /** gift card numbers and their starting balances, minor units */
    giftCards: { id: string; balance: number }[];
    /** customers with store credit, found at the till by phone or email */
    customers: { name: string; phone: string | null; email: string | null }[];
  }[];
};

export const DEMO_CODES_PER_ROLE = { tablet: 10, kiosk: 2 } as const;

/**
 * The demo retailer as seed rows plus the plain credentials to hand to people.
 * The catalogue is deterministic from `seed`; enrollment codes and PIN salts are
 * random, because they are secrets even in a demo.
 */
export function buildDemoSeed(options: { seed: number; productCount: number; pinIterations?: number }): {
  seed: RetailerSeed;
  credentials: DemoCredentials;
} {
  const retailer = generateDemoRetailer({ seed: options.seed, productCount: options.productCount });
  const hqToken = newDeviceToken();
  const seed: RetailerSeed = { stores: [], enrollmentCodes: [], promotions: generateDemoPromotions(retailer, options.seed), hqTokenHash: hashSecret(hqToken) };
  const credentials: DemoCredentials = { hqToken, stores: [] };

  for (const demoStore of retailer.stores) {
    const storeId = demoStore.store.id;
    const products: ProductRecord[] = retailer.products.map((product) => ({
      ...product,
      price: demoStore.prices.get(product.sku) ?? 0,
      priceVersion: 1,
    }));
    const { storedValues, customers } = demoStoredValue(demoStore.store);
    seed.stores.push({
      store: demoStore.store,
      products,
      stock: demoStore.stock,
      staff: demoStore.staff.map(({ pin, ...member }) => ({ ...member, ...hashPin(pin, options.pinIterations) })),
      storedValues,
      customers,
    });
    const codes = { tablet: [] as string[], kiosk: [] as string[] };
    for (const role of ['tablet', 'kiosk'] as const) {
      for (let i = 0; i < DEMO_CODES_PER_ROLE[role]; i++) {
        const code = newEnrollmentCode();
        codes[role].push(code);
        seed.enrollmentCodes.push({ codeHash: hashSecret(code), storeId, role });
      }
    }
    credentials.stores.push({
      id: storeId,
      name: demoStore.store.name,
      enrollmentCodes: codes,
      staff: demoStore.staff,
      giftCards: storedValues.filter((account) => account.kind === 'gift_card').map(({ id, balance }) => ({ id, balance })),
      customers: customers.map(({ name, phone, email }) => ({ name, phone, email })),
    });
  }
  return { seed, credentials };
}
