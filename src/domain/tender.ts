import type { Minor } from './money.ts';
import type { CashTenderRecord } from './sale.ts';

export type CashTender = CashTenderRecord;

/** Cash handed over for a total: the sale takes `total`, the rest is change. */
export function cashTender(total: Minor, tendered: Minor): CashTender | { error: string } {
  if (tendered < total) return { error: `cash tendered is ${total - tendered} short of the total` };
  return { kind: 'cash', amount: total, tendered, change: tendered - total };
}
