import * as v from 'valibot';
import { SaleCompletedPayloadSchema } from '../domain/sale.ts';

/**
 * The customer's digital receipt lives at `/r/{token}` on the server that
 * serves the app: a link the receipt's QR code holds. The token is the sale's
 * `receiptToken`, 128 random bits as 32 lowercase hex digits, checked by the
 * same schema the sale's payload is checked with.
 */
export const RECEIPT_PATH_PREFIX = '/r/';
export const ReceiptTokenSchema = SaleCompletedPayloadSchema.entries.receiptToken;
