import type { SaleCompletedPayload } from '../domain/sale.ts';

/** A completed sale as kept on the device: the payload, plus who and which event. */
export type LocalSale = SaleCompletedPayload & {
  id: string;
  staffId: string;
  staffName: string;
  eventSeq: number;
};
