/**
 * What a scanned or typed receipt reference names. The receipt's QR code holds
 * the digital receipt's address, `…/r/{token}` (the token is 32 hex digits);
 * its barcode, or an associate typing, gives the receipt number. A bare token
 * is read as one too.
 */
export type ReceiptReference = { kind: 'token'; token: string } | { kind: 'number'; receiptNumber: string };

const TOKEN_AT_END = /(?:^|\/r\/)([0-9a-fA-F]{32})\/?(?:[?#].*)?$/;

export function readReceiptReference(text: string): ReceiptReference | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const token = TOKEN_AT_END.exec(trimmed);
  if (token) return { kind: 'token', token: token[1]!.toLowerCase() };
  // A receipt number has no spaces or slashes; anything else is not a receipt's reference.
  if (/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(trimmed)) return { kind: 'number', receiptNumber: trimmed };
  return null;
}
