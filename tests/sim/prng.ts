import { fmix32, seededRandom } from '../../src/server/demo/demo-retailer.ts';

/**
 * The simulator's only source of randomness. Every choice a seed makes — the
 * scenario, each step, each fault, each device's random bytes — is drawn from a
 * stream derived from the seed, so a seed replays exactly. Nothing in the sim
 * path may read Math.random, Date.now or a real timer.
 *
 * mulberry32 (Tommy Ettinger) for the stream; streams are named, and a stream's
 * seed is the run seed and the name mixed through MurmurHash3's finaliser, so
 * adding draws to one stream never shifts another.
 */
export class Rng {
  private readonly draw: () => number;

  constructor(seed: number) {
    this.draw = seededRandom(seed);
  }

  /** An independent stream for `name`, from the run seed (not from this stream's position). */
  static stream(seed: number, name: string): Rng {
    return new Rng(streamSeed(seed, name));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.draw();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries.at(-1)![0];
  }

  bytes(count: number): Uint8Array {
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) bytes[i] = Math.floor(this.next() * 256);
    return bytes;
  }

  /** `length` characters of `alphabet`. */
  text(length: number, alphabet: string): string {
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }
}

export function streamSeed(seed: number, name: string): number {
  // FNV-1a of the name, then the seed folded in and avalanched.
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  // The same bits as signed: every seed replays as it did before the finaliser was shared.
  return fmix32(h ^ fmix32(seed ^ Math.floor(seed / 4294967296))) | 0;
}
