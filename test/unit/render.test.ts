import { describe, expect, it } from 'vitest';
import { claimCard, compactCard, COMPACT_CARD_LINES, isCompactCard, safe } from '../../src/kit/render.js';
import { LANGUAGES, translator } from '../../src/i18n/index.js';
import { FORECAST_CHOICES } from '../../src/kit/custom-ids.js';
import type { CardData } from '../../src/ledger/claim-queries.js';
import { longestCardData } from '../support/cards.js';
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

const longest = longestCardData;

const cardLines = (reply: ReturnType<typeof compactCard>) => {
  const e = reply.embeds![0]!;
  return [e.title ?? '', ...(e.description ?? '').split('\n')];
};

// Issue 24: a round posted each newly due claim as a full card of about 20 lines.
describe('the compact card a round posts', () => {
  const at = new Date('2026-03-01T00:00:00Z');

  it(`takes at most ${COMPACT_CARD_LINES} lines and fits Discord's limits in every language, with everything a card can show at its longest`, () => {
    expect(COMPACT_CARD_LINES).toBe(8);
    for (const locale of LANGUAGES) {
      const reply = compactCard(longest('word and more words\n', at), at, translator(locale));
      const e = reply.embeds![0]!;
      const lines = cardLines(reply);
      expect({ locale, lines: lines.length }).toEqual({ locale, lines: 7 });
      expect(e.fields ?? []).toEqual([]);
      expect(e.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
      expect(e.title!.startsWith('#99999 · ')).toBe(true);
      expect(e.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      // Short enough to read as lines, not paragraphs: no line longer than a few hundred characters.
      for (const line of lines) expect({ locale, line: line.length <= 320 }).toEqual({ locale, line: true });
      expect(e.title!.length + e.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
      // The vote buttons, labelled in that language.
      const buttons = reply.components![0]!.components;
      expect(buttons).toHaveLength(4);
      expect(buttons.map((b) => ('label' in b ? b.label : ''))).toEqual(['came_true', 'partly', 'did_not', 'too_early'].map((v) => translator(locale)(`verdicts.${v}` as 'verdicts.came_true')));
      for (const b of buttons) expect('label' in b && b.label!.length <= DISCORD_LIMITS.buttonLabel).toBe(true);
      // What is left to /predict show: quote, notes, source, resolution note.
      expect(JSON.stringify(reply)).not.toContain('news.example');
      expect(isCompactCard(e)).toBe(true);
    }
  });

  it('holds what it takes to score the claim: restatement, speaker and outlet, check date, what counts, votes, forecasts', () => {
    const data = longest('x', at);
    data.claim = { ...data.claim, number: 12, text: 'Rates fall', criteria: 'The rate is below 2%.', round: 1 } as CardData['claim'];
    Object.assign(data, { speaker: 'a Russian diplomat (on talks)', article: { outlet: 'Daily News', url: null, title: null, titleNote: null }, condition: null });
    data.tally = { came_true: 2, partly: 1, did_not: 0, too_early: 0 };
    data.votesCast = 3;
    data.forecasters = 4;
    data.crowd = { median: 60, count: 4 };
    expect(cardLines(compactCard(data, at))).toEqual([
      '#12 · Rates fall',
      '— a Russian diplomat (on talks), Daily News',
      `Check date: <t:${Date.UTC(2026, 1, 1, 12) / 1000}:D> · voting closes <t:${Date.UTC(2026, 2, 9) / 1000}:R>`,
      'Came true if: The rate is below 2%.',
      'Votes: Came true **2** · Partly **1** · Did not **0** · Too early **0** · quorum 1000, majority 100%',
      '4 forecasters · crowd median 60% (n = 4)',
    ]);
    // Before its check date: no crowd (the card data carries none then), forecast buttons, no tally without votes.
    const early = new Date('2026-01-15T00:00:00Z');
    const upcoming = compactCard({ ...data, tally: null, votesCast: 0, crowd: null }, early);
    expect(cardLines(upcoming)).toEqual([
      '#12 · Rates fall',
      '— a Russian diplomat (on talks), Daily News',
      `Check date: <t:${Date.UTC(2026, 1, 1, 12) / 1000}:D> · can be scored <t:${Date.UTC(2026, 1, 2) / 1000}:R>`,
      'Came true if: The rate is below 2%.',
      '4 forecasters',
    ]);
    expect(upcoming.components!.flatMap((r) => r.components.map((b) => ('label' in b ? b.label : '')))).toEqual([...FORECAST_CHOICES.map((p) => `${p}%`), 'Other…']);
    expect(JSON.stringify(upcoming)).not.toContain('vote:');
    // No criteria: the claim as stated is what counts.
    expect(cardLines(compactCard({ ...data, claim: { ...data.claim, criteria: null } as CardData['claim'] }, at))[3]).toBe('Came true if: it happened as the claim says');
  });

  it('shows hostile member text as text: no masked link, heading, list, quote or mention', () => {
    const hostile = [...HOSTILE, '<@123456789012345678> <@&123456789012345678> <#123456789012345678> @everyone @here'];
    for (const text of hostile) {
      const data = longest('x', at);
      data.claim = { ...data.claim, text, criteria: text } as CardData['claim'];
      Object.assign(data, { speaker: text, article: { outlet: text, url: null, title: null, titleNote: null } });
      const e = compactCard(data, at).embeds![0]!;
      const all = `${e.title}\n${e.description}`;
      // The title's own "#N · " and the card's own "— " line start are ours.
      expect({ text, found: rendersMarkup(all.replace(/^#\d+ · /, '').replace(/^— /gm, '')) }).toEqual({ text, found: [] });
      expect(all).not.toMatch(/<(@[!&]?|#)\d/);
      expect(all).not.toMatch(/@(everyone|here)/);
    }
  });

  it('is told apart from a full card by what Discord sends back (no fields)', () => {
    const data = longest('x', at);
    expect(isCompactCard(claimCard(data, at).embeds![0]!)).toBe(false);
    expect(isCompactCard(compactCard(data, at).embeds![0]!)).toBe(true);
  });
});

