/**
 * The worst-input shapes of bench/extract-worst.ts are what they say (each the asked size, all
 * distinct), and the extractor reads every one without throwing, within its bounds (at most
 * MAX_CANDIDATES, every candidate inside the text). How fast is the bench's business, not a test's.
 */
import { describe, expect, it } from 'vitest';
import { worstShapes } from '../../bench/extract-worst.js';
import { articleFromText, extractCandidates, MAX_CANDIDATES } from '../../src/extract/index.js';

describe('extraction’s worst-input shapes', () => {
  it('are each the asked size and all different', () => {
    const shapes = worstShapes(20_000);
    expect(shapes.length).toBeGreaterThanOrEqual(18);
    for (const s of shapes) expect(s.text.length, s.name).toBe(20_000);
    expect(new Set(shapes.map((s) => s.text)).size).toBe(shapes.length);
    expect(new Set(shapes.map((s) => s.name)).size).toBe(shapes.length);
  });

  it('are read without throwing, within the extractor’s bounds', () => {
    for (const s of worstShapes(20_000)) {
      const found = extractCandidates(articleFromText(s.text, { publishedOn: '2026-01-15' }));
      expect(found.length, s.name).toBeLessThanOrEqual(MAX_CANDIDATES);
      for (const c of found) {
        expect(c.start, s.name).toBeGreaterThanOrEqual(0);
        expect(c.end, s.name).toBeLessThanOrEqual(s.text.length);
        expect(s.text.slice(c.start, c.end), s.name).toBe(c.quote);
      }
    }
  }, 60_000);
});
