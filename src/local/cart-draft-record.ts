import type { CartLine } from '../domain/cart-line.ts';
import type { Minor } from '../domain/money.ts';
import type { SaleOverride } from '../domain/sale.ts';
import type { TenderRecord } from '../domain/tender.ts';

/**
 * The sale being rung up, as it stands after the associate's last change:
 * kept on the device so a reload, a crash or a browser restart — online or
 * not — gives the same associate the same cart back, payments taken included.
 * One per staff member on this device. It is never a sale: nothing is
 * journaled until Complete, whose transaction deletes it (commit-sale.ts).
 */
export type CartDraft = {
  staffId: string;
  savedAt: number;
  lines: CartLine[];
  /** serial number and note per line, by SKU */
  lineDetails: [string, { serial?: string; note?: string }][];
  serializedSkus: string[];
  coupons: string[];
  staffPurchase: boolean;
  taxExemptCertificate: string | null;
  managerDiscounts: { sku: string; percent?: number; amount?: Minor; reason: string; approvedBy: { id: string; name: string } }[];
  customer: { id: string; name: string } | null;
  /** payments taken before Complete; a card charged on the terminal is also an open charge (open-charges.ts) */
  tenders: { record: Exclude<TenderRecord, { kind: 'cash' | 'exchange' }>; viaTerminal: boolean; unconfirmed?: string; confirmed?: boolean }[];
  overrides: SaleOverride[];
};
