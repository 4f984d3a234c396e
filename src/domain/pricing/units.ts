/**
 * Units of a cart as promotions claim them: each line holds `free[i]` units no
 * item promotion has taken yet. Streams hand out units line by line in a fixed
 * order, so every device claims the same units.
 */

export type Part = { line: number; count: number };

/** Hands out free units of `order` from the front; lines emptied by anyone are skipped. */
export class UnitStream {
  private cursor = 0;
  constructor(
    private readonly order: readonly number[],
    private readonly free: number[],
  ) {}

  /** The line next in turn and its free units, or null at the end. */
  peek(): Part | null {
    while (this.cursor < this.order.length && this.free[this.order[this.cursor]!] === 0) this.cursor++;
    if (this.cursor === this.order.length) return null;
    const line = this.order[this.cursor]!;
    return { line, count: this.free[line]! };
  }

  /** Takes `count` units, or nothing when fewer are left. */
  take(count: number): Part[] | null {
    this.peek(); // moves past lines emptied meanwhile, so a take costs the lines it uses, not the ones before
    const parts: Part[] = [];
    let wanted = count;
    for (let k = this.cursor; k < this.order.length && wanted > 0; k++) {
      const line = this.order[k]!;
      const taken = Math.min(wanted, this.free[line]!);
      if (taken > 0) {
        parts.push({ line, count: taken });
        wanted -= taken;
      }
    }
    if (wanted > 0) return null;
    for (const part of parts) this.free[part.line]! -= part.count;
    return parts;
  }
}

/**
 * Walks the free units of `order` in chunks of `size`, calling `onChunk` with
 * the chunk's parts and how many identical chunks it stands for: a line with
 * many units gives one call for all its whole chunks. `onChunk` claims the
 * chunk by returning true; returning false ends the walk.
 */
export function walkChunks(order: readonly number[], free: number[], size: number, onChunk: (parts: Part[], times: number) => boolean) {
  let pending: Part[] = [];
  let pendingUnits = 0;
  for (const line of order) {
    let left = free[line]!;
    if (left === 0) continue;
    if (pendingUnits === 0 && left >= size) {
      const times = Math.floor(left / size);
      if (!onChunk([{ line, count: size }], times)) return;
      free[line]! -= times * size;
      left -= times * size;
    }
    while (left > 0) {
      const taken = Math.min(left, size - pendingUnits);
      pending.push({ line, count: taken });
      pendingUnits += taken;
      left -= taken;
      if (pendingUnits === size) {
        if (!onChunk(pending, 1)) return;
        for (const part of pending) free[part.line]! -= part.count;
        pending = [];
        pendingUnits = 0;
        if (left >= size) {
          const times = Math.floor(left / size);
          if (!onChunk([{ line, count: size }], times)) return;
          free[line]! -= times * size;
          left -= times * size;
        }
      }
    }
  }
}
