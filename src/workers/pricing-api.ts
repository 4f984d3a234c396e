import { priceCart } from '../domain/cart.ts';

/** What the pricing worker offers; the page calls the same functions inline when workers are unavailable. */
export const pricingApi = { priceCart };
export type PricingApi = typeof pricingApi;
