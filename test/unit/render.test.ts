import { describe, expect, it } from 'vitest';
import { safe } from '../../src/kit/render.js';
import { fitEmbeds, truncate, DISCORD_LIMITS } from '../../src/kit/limits.js';

describe('fitting Discord’s limits', () => {
  it('truncates with an ellipsis, never splitting an emoji', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    const emoji = '😀'.repeat(10); // 20 UTF-16 units
    const cut = truncate(emoji, 6);
    expect(cut.length).toBeLessThanOrEqual(6);
    expect(cut).toBe('😀😀…');
  });

  it('escapes markdown before shortening', () => {
    expect(safe('**bold** _x_', 100)).toBe('\\*\\*bold\\*\\* \\_x\\_');
    expect(safe('*'.repeat(100), 10).length).toBeLessThanOrEqual(10);
  });

  it('keeps every embed field and the 6,000 total within limits', () => {
    const huge = 'x'.repeat(5000);
    const embeds = fitEmbeds([
      { title: huge, description: huge, fields: Array.from({ length: 30 }, () => ({ name: huge, value: huge })) },
      { title: 'second', description: huge },
    ]);
    let total = 0;
    for (const e of embeds) {
      expect(e.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
      expect((e.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect((e.fields ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFields);
      for (const f of e.fields ?? []) {
        expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
        expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
        total += f.name.length + f.value.length;
      }
      total += e.title!.length + (e.description ?? '').length;
    }
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(embeds[0]!.title!.endsWith('…')).toBe(true);
  });
});
