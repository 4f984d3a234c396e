import { normaliseCouponCode, targetsOf, type Promotion, type PromotionTarget } from '../../domain/pricing/promotion.ts';
import type { PromotionDefinition } from '../../protocol/promotions.ts';

/** A problem with a promotion HQ submitted, naming the field at fault. */
export type PromotionProblem = { field: string; message: string };

export type PromotionContext = {
  storeIds: readonly string[];
  /** the category of each of these SKUs the catalogue has */
  categoriesOf(skus: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** every promotion as it stands now */
  current: readonly Promotion[];
};

/**
 * What the schema cannot see: SKUs the catalogue lacks, stores that do not
 * exist, and two exclusive promotions that could meet on one cart with equal
 * priority. The engine would settle such a tie by id — deterministic, but not
 * what anyone decided — so it is refused here, not discovered at the till.
 */
export async function checkPromotion(promotion: PromotionDefinition, context: PromotionContext): Promise<PromotionProblem[]> {
  const problems: PromotionProblem[] = [];
  for (const [index, store] of (promotion.stores ?? []).entries()) {
    if (!context.storeIds.includes(store)) problems.push({ field: `stores[${index}]`, message: `store ${store} does not exist` });
  }

  const skuFields = skuReferences(promotion);
  const known = await context.categoriesOf([...new Set(skuFields.map((ref) => ref.sku))]);
  for (const ref of skuFields) {
    if (!known.has(ref.sku)) problems.push({ field: ref.field, message: `product ${ref.sku} is not in the catalogue` });
  }

  const previous = context.current.find((p) => p.id === promotion.id);
  if (promotion.revision !== undefined && previous && previous.revision !== promotion.revision) {
    problems.push({ field: 'revision', message: `promotion ${promotion.id} changed since revision ${promotion.revision}; it is at ${previous.revision} now — reload it and edit again` });
  }

  // A code names one promotion: the till finds the promotion by its code.
  const codeOwners = new Map<string, string>();
  for (const other of context.current) {
    if (other.id !== promotion.id) for (const code of other.coupon?.codes ?? []) codeOwners.set(normaliseCouponCode(code), other.id);
  }
  for (const [index, code] of (promotion.coupon?.codes ?? []).entries()) {
    const owner = codeOwners.get(normaliseCouponCode(code));
    if (owner) problems.push({ field: `coupon.codes[${index}]`, message: `code ${code} already belongs to promotion ${owner}` });
  }

  if (promotion.stacking === 'exclusive') {
    const rivals = context.current.filter(
      (other) =>
        other.id !== promotion.id &&
        other.stacking === 'exclusive' &&
        other.priority === promotion.priority &&
        windowsOverlap(promotion, other) &&
        storesOverlap(promotion, other),
    );
    const mine = targetsOf(promotion as Promotion);
    const categories = await context.categoriesOf([...new Set([...mine, ...rivals.flatMap(targetsOf)].flatMap((target) => target.skus))]);
    for (const other of rivals) {
      if (!targetsOverlap(mine, targetsOf(other), categories)) continue;
      problems.push({
        field: 'priority',
        message: `exclusive promotion ${other.id} ("${other.name}") has the same priority ${other.priority} and can apply to the same products, stores and dates: which one wins would be ambiguous; give one of them a different priority`,
      });
    }
  }
  return problems;
}

function skuReferences(promotion: PromotionDefinition): { field: string; sku: string }[] {
  const fromTarget = (target: PromotionTarget | null, path: string) => (target?.skus ?? []).map((sku, i) => ({ field: `${path}.skus[${i}]`, sku }));
  switch (promotion.kind) {
    case 'buy_x_get_y':
      return [...fromTarget(promotion.buy.target, 'buy.target'), ...fromTarget(promotion.get.target, 'get.target')];
    case 'bundle':
      return promotion.components.map((component, i) => ({ field: `components[${i}].sku`, sku: component.sku }));
    default:
      return fromTarget(promotion.target, 'target');
  }
}

function windowsOverlap(a: Pick<Promotion, 'validFrom' | 'validTo'>, b: Pick<Promotion, 'validFrom' | 'validTo'>): boolean {
  return (a.validTo === null || b.validFrom < a.validTo) && (b.validTo === null || a.validFrom < b.validTo);
}

function storesOverlap(a: Pick<Promotion, 'stores'>, b: Pick<Promotion, 'stores'>): boolean {
  return a.stores === null || b.stores === null || a.stores.some((store) => b.stores!.includes(store));
}

/** Whether two promotions can touch one product: a shared SKU or category, or a SKU in the other's category. An empty list is the whole basket. */
function targetsOverlap(a: PromotionTarget[], b: PromotionTarget[], categoryOf: ReadonlyMap<string, string>): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const skus = (targets: PromotionTarget[]) => new Set(targets.flatMap((t) => t.skus));
  const categories = (targets: PromotionTarget[]) => new Set(targets.flatMap((t) => t.categories));
  const [skusA, skusB, categoriesA, categoriesB] = [skus(a), skus(b), categories(a), categories(b)];
  const inCategories = (sku: string, set: Set<string>) => set.has(categoryOf.get(sku) ?? '\u0000');
  return (
    [...skusA].some((sku) => skusB.has(sku) || inCategories(sku, categoriesB)) ||
    [...skusB].some((sku) => inCategories(sku, categoriesA)) ||
    [...categoriesA].some((category) => categoriesB.has(category))
  );
}
