/**
 * The views in every language (issue 26): the full claim card, a list page, the settings view,
 * the evidence form and page, the direct message and a claim's history, rendered at their longest
 * in English, Russian and Ukrainian, fit Discord's limits; Russian and Ukrainian counts take the
 * right plural form (1 голос, 2 голоса, 5 голосов, 21 голос).
 */
import { describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import { LANGUAGES, t, translator } from '../../src/i18n/index.js';
import { claimCard, listPage, settingsView } from '../../src/kit/render.js';
import { evidenceModal, evidencePage, isEvidenceList } from '../../src/kit/evidence-view.js';
import { historyLine, lockedEditText } from '../../src/kit/audit-text.js';
import { formatScoreChanges } from '../../src/kit/score-text.js';
import { directMessageText } from '../../src/jobs/direct-messages.js';
import { DISCORD_LIMITS, MODAL_LIMITS, fitLines } from '../../src/kit/limits.js';
import { LedgerError, invalid } from '../../src/ledger/errors.js';
import { requiredText } from '../../src/ledger/validate.js';
import { parseCheckBy } from '../../src/ledger/dates.js';
import type { CardData, ClaimSummary } from '../../src/ledger/claim-queries.js';
import type { EvidenceItem } from '../../src/ledger/evidence.js';
import type { GuildSettings } from '../../src/ledger/settings.js';
import { LIMITS } from '../../src/ledger/limits.js';
import { longestCardData } from '../support/cards.js';

const at = new Date('2026-03-01T00:00:00Z');
const long = (n: number) => 'word and more words '.repeat(Math.ceil(n / 20)).slice(0, n);

const item = (id: number): EvidenceItem => ({ id, claimId: 1, userId: '123456789012345678', side: 'did_not', url: `https://news.example/${long(500)}`, note: long(1000), createdAt: at });

/** A full card's data with every part a card can show, each as long as the ledger allows. */
function longestCard(): CardData {
  const base = longestCardData('word and more words ', at);
  const claim = { ...base.claim, hedge: 'almost-no-chance', votingClosesAt: new Date('2026-02-09T00:00:00Z'), flag: 'no_majority' } as unknown as CardData['claim'];
  const history = [
    { createdAt: at, actorId: '123456789012345678', action: 'claim.edit', detail: { changes: { checkBy: { from: '2026-01-01', to: '2027-12-07' }, condition: { from: 4, to: null }, conditionDays: { from: null, to: 90 }, hedge: { from: null, to: 'very-likely' } }, from: 'vpost-2024-11-06' } },
    { createdAt: at, actorId: 'system', action: 'claim.resolve', detail: { outcome: 'did_not', by: 'condition', condition: 99998 } },
    { createdAt: at, actorId: 'system', action: 'claim.reopen', detail: { by: 'condition', condition: 99998, checkBy: '2027-12-07' } },
    { createdAt: at, actorId: '123456789012345678', action: 'claim.flag', detail: { reason: 'no_majority' } },
    { createdAt: at, actorId: '123456789012345678', action: 'claim.add', detail: { approvedBy: '123456789012345679' } },
    { createdAt: at, actorId: '123456789012345678', action: 'evidence.add', detail: { side: 'came_true' } },
    { createdAt: at, actorId: '123456789012345678', action: 'claim.postpone', detail: { to: '2027-12-07' } },
    { createdAt: at, actorId: '123456789012345678', action: 'vote.cast', detail: { verdict: 'too_early' } },
  ];
  return {
    ...base,
    claim,
    condition: { ...base.condition!, status: 'resolved', outcome: 'void' },
    myVote: 'too_early',
    myForecast: 57.5,
    evidence: { total: 99999, bySide: { came_true: 33333, did_not: 33333, context: 33333 }, latest: [item(1), item(2), item(3)] },
    history,
    lockedEdit: { actorId: '123456789012345678', at, lockedBy: 'forecasts', fields: ['checkBy', 'checkByNote', 'conditionDays', 'criteria', 'quote', 'speaker'] },
  } as unknown as CardData;
}

/** Every per-part limit of an embed (the 6,000 total is fitReply's, checked apart). */
function expectEmbedWithinLimits(e: APIEmbed, where: string) {
  expect(e.title?.length ?? 0, `${where} title`).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
  expect(e.description?.length ?? 0, `${where} description`).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
  expect(e.footer?.text.length ?? 0, `${where} footer`).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
  expect((e.fields ?? []).length, `${where} fields`).toBeLessThanOrEqual(DISCORD_LIMITS.embedFields);
  for (const f of e.fields ?? []) {
    expect(f.name.length, `${where} field name ${f.name}`).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
    expect(f.value.length, `${where} field ${f.name}`).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
  }
}

const buttonLabels = (reply: { components?: { components: unknown[] }[] }) =>
  (reply.components ?? []).flatMap((r) => r.components.map((b) => (b as { label?: string }).label ?? ''));

describe('views at their longest fit Discord in every language', () => {
  it('the full claim card (history, locked edit, evidence, condition, the member’s own vote and forecast)', () => {
    const lengths: Record<string, number> = {};
    for (const locale of LANGUAGES) {
      const tr = translator(locale);
      const card = claimCard(longestCard(), at, { history: true, personal: true }, tr);
      const e = card.embeds![0]!;
      expectEmbedWithinLimits(e, locale);
      // Every part the card can show is there, in that language.
      expect(e.fields!.map((f) => f.name)).toContain(tr('card.field.history'));
      expect(e.fields!.map((f) => f.name)).toContain(tr('card.evidence.name', { count: 99999 }));
      for (const label of buttonLabels(card)) expect(label.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
      lengths[locale] = JSON.stringify(e).length;
    }
    // Russian and Ukrainian are the longer ones: the test is not passing on English alone.
    expect(lengths.ru!).toBeGreaterThan(lengths.en!);
    expect(lengths.uk!).toBeGreaterThan(lengths.en!);
  });

  it('a full list page (the ledger’s page size), with every filter', () => {
    const items: ClaimSummary[] = Array.from({ length: LIMITS.pageSize }, (_, i) => ({
      id: i, number: 99_999 - i, text: long(500), speaker: long(300), family: 'x', checkBy: '2026-02-01', dueAt: at, votingClosesAt: at,
      status: i % 3 === 0 ? 'waiting' : 'open', outcome: null, flag: i % 2 ? 'tie' : null, conditionNumber: 99_998,
    })) as unknown as ClaimSummary[];
    for (const locale of LANGUAGES) {
      const reply = listPage({ items, total: 1_234_567, page: 49_383, pages: 49_383 }, { status: 'waiting', page: 49_383, family: long(100), speaker: long(100), query: long(100) }, at, translator(locale));
      expectEmbedWithinLimits(reply.embeds![0]!, locale);
      for (const label of buttonLabels(reply)) expect(label.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
    }
  });

  it('the settings view, the evidence form and a page of evidence', () => {
    const settings = { quorum: 21, majorityPct: 60, votingWindowDays: 22, blindVoting: true, timezone: 'America/Argentina/ComodRivadavia', tooEarlyStepDays: 5, minRanked: 1, extractBy: 'members', language: 'uk' } as GuildSettings;
    for (const locale of LANGUAGES) {
      const tr = translator(locale);
      expectEmbedWithinLimits(settingsView(settings, null, tr).embeds![0]!, `${locale} settings`);
      const modal = evidenceModal(2_000_000_000, tr);
      expect(modal.title.length, `${locale} modal title`).toBeLessThanOrEqual(MODAL_LIMITS.title);
      for (const f of modal.fields) expect(f.label.length, `${locale} ${f.label}`).toBeLessThanOrEqual(MODAL_LIMITS.label);
      const { embed, row } = evidencePage(99_999, { items: Array.from({ length: 10 }, (_, i) => item(i)), total: 99_999, pages: 9_999 }, 9_999, null, tr);
      expectEmbedWithinLimits(embed, `${locale} evidence page`);
      for (const label of buttonLabels({ components: row ? [row] : [] })) expect(label.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
    }
  });

  it('a direct message, a history line and the score changes of a round', () => {
    for (const locale of LANGUAGES) {
      const tr = translator(locale);
      for (const event of ['resolved', 'reopened'] as const) {
        const { content } = directMessageText(
          { guild_id: '123456789012345678', event, outcome: 'void', number: 2_000_000_000, text: long(4000), status: 'open', voting_closes_at: at, card_channel: '123456789012345678', card_message: '123456789012345678' },
          tr,
        );
        expect(content!.length, `${locale} ${event}`).toBeLessThanOrEqual(DISCORD_LIMITS.content);
      }
      const notes = formatScoreChanges(Array.from({ length: 500 }, (_, i) => ({ userId: `1234567890123456${i}`, before: 0.25, after: 0.2, delta: -0.05 })), 3000, tr);
      expect(notes.length).toBeLessThanOrEqual(3000);
      expect(notes.split('\n').at(-1)).toBe(tr('scoreText.moreMembers', { count: 500 - (notes.split('\n').length - 1), shown: tr.number(500 - (notes.split('\n').length - 1)) }));
      const edited = lockedEditText(longestCard().lockedEdit!, tr);
      expect(edited.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
  });

  it('the ledger’s refusals, with their longest values, in every language', () => {
    const refusals = [
      (() => { try { requiredText('Quote', 'x'.repeat(5000), 2000); } catch (e) { return e; } })(),
      (() => { const r = parseCheckBy('x'.repeat(60), 'UTC', at); return r.ok ? null : invalid(r.error.key, r.error.vars); })(),
      invalid('ledgerErrors.manyClaimsWithWords', { count: 5, words: 'x'.repeat(60), list: Array.from({ length: 5 }, () => `#99999 ${'x'.repeat(59)}…`).join('; ') }),
    ] as LedgerError[];
    for (const error of refusals) {
      expect(error).toBeInstanceOf(LedgerError);
      for (const locale of LANGUAGES) expect(error.in(locale).length, `${locale} ${error.key}`).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    }
    // The field's name is translated inside the message.
    expect(refusals[0]!.in('ru')).toBe('Поле «цитата» слишком длинное (5000 симв.; не больше 2000).');
    expect(refusals[0]!.in('uk')).toBe('Поле «цитата» задовге (5000 симв.; не більше 2000).');
    expect(refusals[0]!.message).toBe('Quote is too long (5000 characters; at most 2000).');
  });
});

describe('Russian and Ukrainian plurals in the views (CLDR: one, few, many)', () => {
  it('votes, days and claims: 1, 2, 5, 21', () => {
    const forms = (locale: string, key: Parameters<typeof t>[1], extra: Record<string, string | number> = {}) =>
      [1, 2, 5, 21].map((count) => t(locale, key, { count, shown: count, ...extra }));
    expect(forms('ru', 'render.settings.votes')).toEqual(['1 голос', '2 голоса', '5 голосов', '21 голос']);
    expect(forms('uk', 'render.settings.votes')).toEqual(['1 голос', '2 голоси', '5 голосів', '21 голос']);
    expect(forms('ru', 'render.settings.days')).toEqual(['1 день', '2 дня', '5 дней', '21 день']);
    expect(forms('uk', 'render.settings.days')).toEqual(['1 день', '2 дні', '5 днів', '21 день']);
    expect(forms('ru', 'render.list.claims')).toEqual(['1 прогноз', '2 прогноза', '5 прогнозов', '21 прогноз']);
    expect(forms('uk', 'render.list.claims')).toEqual(['1 прогноз', '2 прогнози', '5 прогнозів', '21 прогноз']);
    expect(forms('ru', 'round.waiting')).toEqual(['ждёт 1 день', 'ждёт 2 дня', 'ждёт 5 дней', 'ждёт 21 день']);
    expect(forms('ru', 'round.cameDue')).toEqual([
      'Срок проверки наступил у **1** прогноза: оцените его кнопками ниже.',
      'Срок проверки наступил у **2** прогнозов: оцените их кнопками ниже.',
      'Срок проверки наступил у **5** прогнозов: оцените их кнопками ниже.',
      'Срок проверки наступил у **21** прогноза: оцените его кнопками ниже.',
    ]);
    expect(forms('en', 'render.settings.votes')).toEqual(['1 vote', '2 votes', '5 votes', '21 votes']);
  });

  it('a card’s evidence count and its undated check date', () => {
    const card = (locale: string, total: number) =>
      claimCard({ ...longestCard(), evidence: { total, bySide: { came_true: total, did_not: 0, context: 0 }, latest: [] } } as CardData, at, {}, translator(locale)).embeds![0]!.fields!.find((f) => f.name.startsWith(translator(locale)('card.evidence.name', { count: total }).split(' ')[0]!))!.name;
    expect([1, 2, 5, 21].map((n) => card('ru', n))).toEqual(['Доказательства (1)', 'Доказательства (2)', 'Доказательства (5)', 'Доказательства (21)']);
    const undated = (locale: string, days: number) => {
      const data = longestCard();
      data.claim = { ...data.claim, status: 'waiting', conditionDays: days } as CardData['claim'];
      return claimCard(data, at, {}, translator(locale)).embeds![0]!.fields![0]!.value;
    };
    expect([1, 2, 5, 21].map((n) => undated('uk', n))).toEqual([
      'через 1 день після того, як справдиться #99998',
      'через 2 дні після того, як справдиться #99998',
      'через 5 днів після того, як справдиться #99998',
      'через 21 день після того, як справдиться #99998',
    ]);
  });

  it('history and the shortened-list line read in the language', () => {
    const line = historyLine({ createdAt: new Date(0), actorId: '1001', action: 'claim.resolve', detail: { outcome: 'did_not', by: 'rule' } }, translator('ru'));
    expect(line).toBe('<t:0:d> <@1001> решил(а): Не сбылся (по итогам голосования)');
    expect(fitLines(['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10)], 25, (n) => translator('uk')('render.more', { count: n, shown: n }))).toBe(`${'a'.repeat(10)}\n…і ще 2`);
  });
});

describe('a claim’s evidence list is told from the other embeds of a message, in every language', () => {
  const list = (code: string, pages: number, number = 7) =>
    evidencePage(number, { items: [], total: pages * 10, pages }, 1, null, translator(code)).embed;

  it('recognises the list of that claim, one page or several, in each language', () => {
    for (const code of LANGUAGES) {
      expect(isEvidenceList(list(code, 1), 7), code).toBe(true);
      expect(isEvidenceList(list(code, 3), 7), code).toBe(true);
      // another claim's list, or the same number as a prefix of another (#7 / #71), is not this one's
      expect(isEvidenceList(list(code, 1, 71), 7), code).toBe(false);
      expect(isEvidenceList(list(code, 1), 8), code).toBe(false);
    }
  });

  it('leaves a card and a round summary alone', () => {
    expect(isEvidenceList({ title: '#7 · The ferry will run by May' }, 7)).toBe(false);
    expect(isEvidenceList({ title: 'Due for scoring' }, 7)).toBe(false);
    expect(isEvidenceList({}, 7)).toBe(false);
  });
});
