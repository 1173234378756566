/** A stored value the vocabulary does not know is shown as it is rather than hidden. */
export const labelOf = (labels: Readonly<Record<string, string>>, value: string): string => labels[value] ?? value;

export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/** A signed number as people write it: `+2`, `0`, `−1`. */
export const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

export const percent = (fraction: number): string => `${Math.round(fraction * 100)}%`;
