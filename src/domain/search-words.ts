/**
 * The words search works on: lower case, split at anything but letters and
 * digits, one-letter words dropped ("350 g", "1 L" would fill the index). Used
 * both for indexing names and for what the associate types, so they agree.
 */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1);
}

/** Words of a product's name and SKU, for "type part of a name or SKU" search. */
export function searchWords(product: { name: string; sku: string }): string[] {
  return [...new Set([...wordsOf(product.name), ...wordsOf(product.sku)])];
}
