import { describe, expect, it } from 'vitest';
import { claimCard, safe } from '../../src/kit/render.js';
import type { CardData } from '../../src/ledger/claims.js';
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

/**
 * What Discord would render from a line of text as structure rather than words: a heading,
 * subtext, block quote or list item at the start of a line, or a masked link anywhere. A
 * backslash before the marker is Discord's escape.
 */
function rendersMarkup(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const start = line.replace(/^[ \t]*/, '');
    if (/^#{1,3}[ \t]/.test(start) || /^[-*+][ \t]+#{1,3}[ \t]/.test(start)) found.push(`heading: ${line}`);
    if (/^-#[ \t]/.test(start)) found.push(`subtext: ${line}`);
    if (/^>/.test(start)) found.push(`quote: ${line}`);
    if (/^[-*+][ \t]/.test(start) || /^\d+[.)][ \t]/.test(start)) found.push(`list: ${line}`);
    // A masked link: an unescaped [ … ] directly followed by (.
    if (/(^|[^\\])\[[^\]]*(?<!\\)\]\(/.test(line)) found.push(`masked link: ${line}`);
  }
  return found;
}

const HOSTILE = [
  '[Official results](https://evil.example/login)',
  'see [a](https://a.example) and [b](https://b.example)',
  '# Breaking',
  '## Also big',
  '### Smaller',
  '-# small print',
  '> quoted',
  '>>> all of the rest',
  '  # indented heading',
  '- # heading in a list',
  '- item',
  '* item',
  '1. first',
  'plain, then\n# a heading on the next line\n> and a quote',
];

describe('member text in public cards and round posts', () => {
  it('renders no masked link, heading, subtext, block quote or list item', () => {
    for (const text of HOSTILE) expect({ text, found: rendersMarkup(safe(text, 1000)) }).toEqual({ text, found: [] });
    // The detector itself sees them unescaped.
    for (const text of HOSTILE) expect(rendersMarkup(text).length).toBeGreaterThan(0);
  });

  it('keeps ordinary text readable (only markup characters are escaped)', () => {
    expect(safe('Rates fall by 0.5% in 2026, says #1 analyst', 200)).toBe('Rates fall by 0.5% in 2026, says #1 analyst');
    expect(safe('A [sic] remark', 200)).toBe('A \\[sic\\] remark');
  });

  it('a claim card shows hostile member text as text', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    const hostile = HOSTILE.join('\n');
    const claim = {
      id: 1, guildId: '1', number: 7, sourceKey: null, text: HOSTILE[0]!, quote: hostile, speakerId: 1, articleId: 1, family: '# fam',
      madeOn: '2026-01-01', checkBy: '2026-02-01', checkByNote: hostile, hedge: null, criteria: hostile,
      dueAt: new Date('2026-02-02T00:00:00Z'), windowStartsAt: new Date('2026-02-02T00:00:00Z'), votingClosesAt: new Date('2026-03-09T00:00:00Z'),
      round: 1, status: 'open', outcome: null, flag: null, resolvedBy: null, resolvedAt: null, resolutionNote: hostile, addedBy: '2',
      createdAt: at, updatedAt: at, deletedAt: null,
    } as unknown as CardData['claim'];
    const card = claimCard(
      {
        claim,
        speaker: '> [Official](https://evil.example)',
        article: { outlet: '# Outlet', url: 'https://news.example/[Official results](https://evil.example/login)', title: hostile, titleNote: hostile },
        tally: null,
        votesCast: 0,
        forecasters: 0,
        settings: { quorum: 3, majorityPct: 60 },
      },
      at,
    );
    const embed = card.embeds![0]!;
    const texts = [embed.description ?? '', ...(embed.fields ?? []).map((f) => f.value)];
    // The card's own quote block starts its lines with "> " on purpose: what follows it must not render.
    const own = texts.map((t) => t.replace(/^> /gm, ''));
    expect(own.flatMap(rendersMarkup)).toEqual([]);
    expect(embed.fields!.find((f) => f.name === 'Source')!.value).toBe('https://news.example/%5BOfficial%20results%5D%28https://evil.example/login%29');
  });
});
