/**
 * The heatmap's colour scale: every score band has a colour token and an ink token in
 * uptake.css, the colours get lighter as the score rises (low scores stand out, readable
 * without hue), "no data" is set apart from 0, and the number printed on each keeps WCAG AA
 * contrast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/http/packageRoot.ts';
import { formatDate } from '../../src/adoption/calendar.ts';
import { scoreBands, toneOf } from '../../src/overview/viewModels.ts';

const css = readFileSync(join(findPackageRoot(), 'views', 'assets', 'uptake.css'), 'utf8');

function token(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})\\s*;`).exec(css);
  if (!match) throw new Error(`uptake.css defines no --${name} colour`);
  return match[1]!;
}

/** WCAG 2 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const contrast = (a: string, b: string): number => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
};

describe('score colour scale', () => {
  const tones = [...scoreBands.map((b) => b.tone), 'none'];

  it.each(tones)('tone %s has a class, a colour and an ink with at least 4.5:1 contrast', (tone) => {
    expect(css).toContain(`.tone-${tone} {`);
    expect(contrast(token(`tone-${tone}`), token(`tone-ink-${tone}`))).toBeGreaterThanOrEqual(4.5);
  });

  it('gets lighter with every band: the lowest scores are the darkest cells, and the order reads without telling hues apart', () => {
    const lightness = scoreBands.map((b) => luminance(token(`tone-${b.tone}`)));
    for (let i = 1; i < lightness.length; i++) expect(lightness[i]).toBeGreaterThan(lightness[i - 1]!);
  });

  it('sets "no data" apart from a score of 0 (at least 3:1, WCAG non-text contrast)', () => {
    expect(contrast(token('tone-none'), token('tone-0'))).toBeGreaterThanOrEqual(3);
  });

  it('puts every score in the band its legend names', () => {
    expect([0, 19.4, 19.5, 39, 40, 59.4, 59.5, 79, 80, 100].map(toneOf)).toEqual(['0', '0', '1', '1', '2', '2', '3', '3', '4', '4']);
    expect(toneOf(null)).toBe('none');
    expect(scoreBands.map((b) => b.label)).toEqual(['0–19', '20–39', '40–59', '60–79', '80–100']);
  });
});

describe('dates on screen', () => {
  it('prints a calendar date without a time zone shifting it', () => {
    expect(formatDate('2026-01-01')).toBe('1 Jan 2026');
    expect(formatDate('2026-12-31')).toBe('31 Dec 2026');
  });
});
