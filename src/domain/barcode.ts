/**
 * GTIN check digits (GS1 General Specifications §7.9.1): digits are weighted 3,1,3,1…
 * from the right, excluding the check digit; the check digit brings the sum to a
 * multiple of ten. Works for GTIN-8, UPC-A (GTIN-12), EAN-13 and GTIN-14.
 */
export function gtinCheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new RangeError(`GTIN body must be digits, got "${body}"`);
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (body.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(code: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(code)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}

/**
 * The key a barcode is stored and looked up under. A UPC-A is an EAN-13 with a
 * leading zero, and scanners report either form for the same product, so both
 * normalise to 13 digits. Returns null for anything that is not a valid GTIN.
 */
export function normalizeBarcode(code: string): string | null {
  const trimmed = code.trim();
  if (!isValidGtin(trimmed)) return null;
  if (trimmed.length === 12) return `0${trimmed}`;
  if (trimmed.length === 14 && trimmed.startsWith('0')) return trimmed.slice(1);
  return trimmed;
}

export function withCheckDigit(body: string): string {
  return body + String(gtinCheckDigit(body));
}
