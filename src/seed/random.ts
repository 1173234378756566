/**
 * Seeded randomness for the demo organisation. Everything the seed invents comes from here, so
 * one seed number always tells the same story; `Math.random` is never used.
 */

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of a few integers (order matters). */
export function hashInts(...values: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) h = mix32(h ^ mix32(value + 0x7f4a7c15));
  return h;
}

const hex8 = (word: number): string => (word >>> 0).toString(16).padStart(8, '0');

/** Formats 128 bits as a version-4-shaped uuid, so ids pass `z.uuid()`. */
export function uuidFromWords(a: number, b: number, c: number, d: number): string {
  const w = hex8(a) + hex8((b & 0xffff0fff) | 0x00004000) + hex8((c & 0x3fffffff) | 0x80000000) + hex8(d);
  return `${w.slice(0, 8)}-${w.slice(8, 12)}-${w.slice(12, 16)}-${w.slice(16, 20)}-${w.slice(20)}`;
}

/**
 * A uuid that depends only on its inputs, not on how much randomness was drawn before: an
 * event's id is a function of (seed, step, index), so a resumed seed finds the ids it stored.
 */
export function uuidFor(...values: readonly number[]): string {
  return uuidFromWords(hashInts(...values, 1), hashInts(...values, 2), hashInts(...values, 3), hashInts(...values, 4));
}

/** mulberry32: tiny, fast, and good enough to invent an organisation. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = hashInts(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by relative weight: `weighted([['a', 3], ['b', 1]])` gives `a` three times as often. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  uuid(): string {
    const word = () => Math.floor(this.next() * 4_294_967_296);
    return uuidFromWords(word(), word(), word(), word());
  }
}
