import type { Minor } from '../money.ts';
import { scaleRounded } from '../money.ts';
import { allocateProportionally } from './allocate.ts';
import { basisPoints, type Promotion, type PromotionTarget } from './promotion.ts';
import { UnitStream, walkChunks, type Part } from './units.ts';

/** A cart line as promotions see it; `index` is its place in the canonical order. */
export type PoolLine = { index: number; sku: string; category: string; unitPrice: Minor; quantity: number };

/** What one promotion takes from the cart: discount per line and the units it claims. */
export type Claim = { amounts: Map<number, Minor>; units: Map<number, number>; saving: Minor };

const BASIS = 10_000;

const targetSets = new WeakMap<PromotionTarget, { skus: Set<string>; categories: Set<string> }>();
export function matches(target: PromotionTarget, line: PoolLine): boolean {
  let sets = targetSets.get(target);
  if (!sets) targetSets.set(target, (sets = { skus: new Set(target.skus), categories: new Set(target.categories) }));
  return sets.skus.has(line.sku) || sets.categories.has(line.category);
}

function emptyClaim(): Claim {
  return { amounts: new Map(), units: new Map(), saving: 0 };
}

function addToClaim(claim: Claim, line: number, amount: Minor, units: number) {
  if (amount > 0) claim.amounts.set(line, (claim.amounts.get(line) ?? 0) + amount);
  claim.units.set(line, (claim.units.get(line) ?? 0) + units);
  claim.saving += amount;
}

/**
 * Spreads one chunk's discount over its parts by value, then counts it `times`.
 * `claimUnits` false leaves the parts' units to the caller: buy_x_get_y counts
 * every unit of the set (bought and rewarded) itself, and counting the reward
 * here too claimed it twice, so a unit the deal never used was taken from the
 * next promotion (and `free` went negative).
 */
function addChunk(claim: Claim, lines: readonly PoolLine[], parts: Part[], discount: Minor, times: number, claimUnits = true) {
  const shares = allocateProportionally(discount, parts.map((part) => lines[part.line]!.unitPrice * part.count));
  parts.forEach((part, k) => addToClaim(claim, part.line, shares[k]! * times, claimUnits ? part.count * times : 0));
}

/** Lines by unit price, dearest first; ties in canonical order. */
function dearestFirst(lines: readonly PoolLine[], eligible: readonly number[]): number[] {
  return [...eligible].sort((a, b) => lines[b]!.unitPrice - lines[a]!.unitPrice || a - b);
}

function priceOf(lines: readonly PoolLine[], parts: readonly Part[]): Minor {
  let total = 0;
  for (const part of parts) total += lines[part.line]!.unitPrice * part.count;
  return total;
}

/**
 * The discount an item promotion gives on the units still free, and the units it
 * claims for it. `free` is read, never written: the caller commits a claim.
 * Returns null when the promotion gives nothing.
 */
export function claimItems(promotion: Promotion, lines: readonly PoolLine[], eligible: readonly number[], freeUnits: readonly number[]): Claim | null {
  // Kinds that hand out units in runs take them from a copy; the others only read.
  const free = promotion.kind === 'mix_match' || promotion.kind === 'buy_x_get_y' || promotion.kind === 'bundle' ? [...freeUnits] : (freeUnits as number[]);
  const claim = emptyClaim();
  switch (promotion.kind) {
    case 'percent_off': {
      const bp = basisPoints(promotion.percent);
      for (const i of eligible) {
        const line = lines[i]!;
        if (free[i] === 0 || !matches(promotion.target, line)) continue;
        addToClaim(claim, i, scaleRounded(line.unitPrice * free[i]!, bp, BASIS, 'half-up'), free[i]!);
      }
      break;
    }
    case 'amount_off':
    case 'fixed_price': {
      for (const i of eligible) {
        const line = lines[i]!;
        if (free[i] === 0 || !matches(promotion.target, line)) continue;
        const perUnit = promotion.kind === 'amount_off' ? Math.min(promotion.amount, line.unitPrice) : line.unitPrice - promotion.price;
        if (perUnit > 0) addToClaim(claim, i, perUnit * free[i]!, free[i]!);
      }
      break;
    }
    case 'mix_match': {
      const group = dearestFirst(lines, eligible.filter((i) => matches(promotion.target, lines[i]!)));
      walkChunks(group, free, promotion.quantity, (parts, times) => {
        const discount = priceOf(lines, parts) - promotion.price;
        if (discount <= 0) return false; // dearest first: every later chunk is cheaper still
        addChunk(claim, lines, parts, discount, times);
        return true;
      });
      break;
    }
    case 'buy_x_get_y': {
      const { buy, get } = promotion;
      const bp = basisPoints(get.percent);
      if (buy.target === get.target || sameTarget(buy.target, get.target)) {
        // One group: in every run of buy + get units, dearest first, the cheapest `get` are the reward.
        const group = dearestFirst(lines, eligible.filter((i) => matches(buy.target, lines[i]!)));
        walkChunks(group, free, buy.quantity + get.quantity, (parts, times) => {
          const reward = lastUnits(parts, get.quantity);
          const discount = scaleRounded(priceOf(lines, reward), bp, BASIS, 'half-up');
          if (discount > 0) addChunk(claim, lines, reward, discount, times, false);
          for (const part of parts) addToClaim(claim, part.line, 0, part.count * times);
          return true;
        });
      } else {
        // Two groups: the dearest reward units, each set bought with the cheapest qualifying units.
        const rewards = new UnitStream(dearestFirst(lines, eligible.filter((i) => matches(get.target, lines[i]!))), free);
        const buys = new UnitStream(dearestFirst(lines, eligible.filter((i) => matches(buy.target, lines[i]!))).reverse(), free);
        for (;;) {
          // Sets made wholly from one reward line and one buy line are alike: count them at once,
          // so a wholesale quantity costs one step, not one per set.
          const rewardHead = rewards.peek();
          const buyHead = buys.peek();
          if (!rewardHead || !buyHead) break;
          const times =
            rewardHead.line === buyHead.line
              ? Math.floor(rewardHead.count / (get.quantity + buy.quantity))
              : Math.min(Math.floor(rewardHead.count / get.quantity), Math.floor(buyHead.count / buy.quantity));
          const sets = Math.max(times, 1);
          const reward = rewards.take(get.quantity * sets);
          if (!reward) break;
          const bought = buys.take(buy.quantity * sets);
          if (!bought) break; // the taken reward units are in the local copy only
          const oneSet = sets === 1 ? reward : [{ line: reward[0]!.line, count: get.quantity }];
          const discount = scaleRounded(priceOf(lines, oneSet), bp, BASIS, 'half-up');
          if (discount > 0) addChunk(claim, lines, oneSet, discount, sets, false);
          for (const part of [...reward, ...bought]) addToClaim(claim, part.line, 0, part.count);
        }
      }
      break;
    }
    case 'bundle': {
      const streams = promotion.components.map((component) => ({
        quantity: component.quantity,
        stream: new UnitStream(dearestFirst(lines, eligible.filter((i) => lines[i]!.sku === component.sku)), free),
      }));
      for (;;) {
        // Bundles made wholly from one line per component are alike: count them at once.
        const heads = streams.map(({ stream }) => stream.peek());
        if (heads.some((head) => head === null)) break;
        const times = Math.min(...heads.map((head, k) => Math.floor(head!.count / streams[k]!.quantity)));
        const parts: Part[] = [];
        for (const { stream, quantity } of streams) {
          const taken = stream.take(quantity * Math.max(times, 1));
          if (!taken) return finish(claim);
          for (const part of taken) parts.push(times >= 1 ? { line: part.line, count: part.count / times } : part);
        }
        const discount = priceOf(lines, parts) - promotion.price;
        if (discount <= 0) break;
        addChunk(claim, lines, parts, discount, Math.max(times, 1));
      }
      break;
    }
    default:
      return null;
  }
  return finish(claim);
}

function finish(claim: Claim): Claim | null {
  return claim.saving > 0 ? claim : null;
}

function sameTarget(a: PromotionTarget, b: PromotionTarget): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && [...x].sort().join('\u0000') === [...y].sort().join('\u0000');
  return same(a.skus, b.skus) && same(a.categories, b.categories);
}

/** The last `count` units of a run of parts. */
function lastUnits(parts: readonly Part[], count: number): Part[] {
  const result: Part[] = [];
  let wanted = count;
  for (let k = parts.length - 1; k >= 0 && wanted > 0; k--) {
    const taken = Math.min(wanted, parts[k]!.count);
    result.unshift({ line: parts[k]!.line, count: taken });
    wanted -= taken;
  }
  return result;
}
