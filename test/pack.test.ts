import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { FAMILY_NAMES } from '../src/ledger/families.js';
import { HEDGE_BANDS } from '../src/ledger/hedge.js';
import { bundledPacks, parseImportFile } from '../src/ledger/transfer.js';
import { LedgerError } from '../src/ledger/errors.js';

/**
 * Checks the bundled article pack against the article it was built from, as a fact-checker
 * would: quotes and speakers are the article's, every forecast of the article is either a claim
 * or listed in `leftOut` with a reason, criteria use no date after the claim's check date, and
 * the pack's schema rejects what it does not know.
 *
 * The article is vendored at test/fixtures/articles/vpost-2024-11-06.txt (see
 * test/fixtures/README.md). If it cannot be found the tests FAIL (they are never skipped).
 */

const PACK_PATH = fileURLToPath(new URL('../src/packs/vpost-2024-11-06.json', import.meta.url));
const ARTICLE_PATH = path.resolve(fileURLToPath(new URL('..', import.meta.url)), 'test', 'fixtures', 'articles', 'vpost-2024-11-06.txt');

/** The one normalisation allowed: collapse whitespace runs, trim. */
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

const raw = readFileSync(PACK_PATH, 'utf8');
const pack = bundledPacks().find((p) => p.id === 'vpost-2024-11-06')!;
const article = norm(readFileSync(ARTICLE_PATH, 'utf8'));

/**
 * The article's forecast-like sentences, as we read it: predictions, expectations, warnings,
 * hopes and conditionals about what will happen. Each must be quoted by a claim or by a
 * `leftOut` entry of the pack. Adding a sentence here without accounting for it in the pack fails.
 */
const FORECAST_SENTENCES = [
  'could give Russia a boost in its nearly three-year war on Ukraine, a weakened European Union and partially restored relations with Washington',
  'Until the inauguration, we will keep advancing',
  'It would be good to reach the administrative borders of the Donetsk and Luhansk regions by January',
  'then we will decide what to do with Kherson',
  'it would be logical and easy for the new U.S. administration to propose negotiations to stop the fighting',
  'Kyiv will also show more readiness to hold talks',
  'then we can agree to start consultations',
  'It will be convenient for him to negotiate.',
  'there is a chance for the war to end in Russia’s favor',
  'Ukraine will have to recognize the realities on the ground and do so with the help of the U.S.',
  'Trump will be “desperate” to find opportunities to negotiate in Ukraine and the Middle East',
  'viewing them as potential foreign policy victories that can bolster his legitimacy',
  'Trump will probably want to facilitate this',
  'His self-interest has always been important, and it always will be.',
  'Trump could face less opposition from Democrats',
  'there will effectively be no divided government',
  'the outgoing Biden administration could use this time to take bolder actions against Moscow',
  'they might make decisions that could complicate dialogue in the future',
  'they could authorize the use of American weapons for strikes deep into Russian territory',
  'Moscow will be closely watching as Trump’s administration takes shape',
  'then at least some of the people involved will be rational',
  'some contact will be restored',
  'Moscow will appoint a new ambassador to Washington',
  'this dialogue will be fully restored anytime soon',
  'If it does start to erode, it will do so very slowly',
  'Trump’s strategy of reducing U.S. involvement in European security as one that would play out in its favor',
  'If he decides to leave the burden of European security to the Europeans, it would be a positive shift for us',
  'I hope for a normalization of the international situation',
  'there won’t be an immediate radical shift',
  'there’s still hope for normalization',
  'If Harris had won',
  'I don’t believe in major breakthroughs',
  'something interesting is definitely going to happen in the future',
  'his arrival will not affect Russia-U.S. relations in any significant way',
  'the situation will likely intensify in the Middle East and the Taiwan Strait',
  'Putin Won’t Congratulate Trump Just Yet',
];

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Every date a text names, as the last ISO day it can mean ("March 2025" → 2025-03-31, "2025" → 2025-12-31). */
function datesIn(text: string): string[] {
  const found: string[] = [];
  const month = MONTHS.join('|');
  let rest = text.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (_, y, m, d) => (found.push(`${y}-${m}-${d}`), ' '));
  rest = rest.replace(new RegExp(`\\b(\\d{1,2}) (${month}) (\\d{4})\\b`, 'gi'), (_, d, m, y) => (found.push(`${y}-${pad(MONTHS.indexOf(m.toLowerCase()) + 1)}-${pad(Number(d))}`), ' '));
  rest = rest.replace(new RegExp(`\\b(${month})(?:[–-](${month}))? (\\d{4})\\b`, 'gi'), (_, m1, m2, y) => {
    const m = MONTHS.indexOf((m2 ?? m1).toLowerCase()) + 1;
    found.push(`${y}-${pad(m)}-${pad(new Date(Date.UTC(Number(y), m, 0)).getUTCDate())}`);
    return ' ';
  });
  rest.replace(/(?<![\w-])(\d{4})(?![\w])/g, (_, y) => (found.push(`${y}-12-31`), ' '));
  return found.filter((d) => d >= '1900');
}

describe('article pack vpost-2024-11-06', () => {
  it('finds the source article', () => {
    expect(existsSync(ARTICLE_PATH), `Source article not found at ${ARTICLE_PATH}`).toBe(true);
    expect(article.length).toBeGreaterThan(1000);
  });

  it('parses with the import schema (the file as shipped, nothing dropped)', () => {
    const parsed = parseImportFile(raw);
    expect(parsed.kind).toBe('pack');
    // Strict schema: what parses is what the file says, key for key.
    expect(JSON.parse(JSON.stringify(pack))).toEqual(JSON.parse(raw));
    expect(pack.article.titleNote).toBeTruthy();
    expect(pack.claims.length).toBeGreaterThanOrEqual(19);
  });

  it('quotes every claim and every left-out sentence verbatim', () => {
    for (const c of pack.claims) expect(article.includes(norm(c.quote!)), `${c.key}: quote not in article: ${c.quote}`).toBe(true);
    for (const l of pack.leftOut) expect(article.includes(norm(l.quote)), `leftOut quote not in article: ${l.quote}`).toBe(true);
    for (const l of pack.leftOut) expect(norm(l.why).length, `leftOut "${l.quote}" needs a reason`).toBeGreaterThan(20);
  });

  it('names every speaker as the article does, one identity per distinct source', () => {
    const lower = article.toLowerCase();
    for (const s of pack.speakers) expect(lower.includes(norm(s.name).toLowerCase()), `speaker not in article: ${s.name}`).toBe(true);
    for (const c of pack.claims) {
      expect(lower.includes(norm(c.speaker!).toLowerCase()), `${c.key}: speaker not in article: ${c.speaker}`).toBe(true);
      expect(c.speakerKey, `${c.key} has no speakerKey`).toBeTruthy();
    }
    const keyOf = (claim: string) => pack.claims.find((c) => c.key === claim)!.speakerKey;
    // "another official" is two people: the one on US-proposed talks, the optimist on normalisation.
    expect(keyOf('us-proposes-negotiations-to-stop-fighting')).toBe(keyOf('kyiv-more-ready-for-talks'));
    expect(keyOf('us-proposes-negotiations-to-stop-fighting')).not.toBe(keyOf('no-immediate-radical-shift'));
    // "the diplomatic source added": the same source as the erosion remark just before.
    expect(keyOf('europe-left-with-burden-of-its-security')).toBe(keyOf('us-obstacles-erode-very-slowly'));
    // Sources sharing a label carry a distinction, so they read apart wherever they are listed.
    const byName = new Map<string, typeof pack.speakers>();
    for (const s of pack.speakers) byName.set(s.name.toLowerCase(), [...(byName.get(s.name.toLowerCase()) ?? []), s]);
    for (const [name, list] of byName) {
      if (list.length < 2) continue;
      expect(list.every((s) => s.note), `sources named "${name}" need a note each`).toBe(true);
      expect(new Set(list.map((s) => s.note)).size, `notes of "${name}" must differ`).toBe(list.length);
    }
  });

  it('files every claim under a known family and gives it a hedge band', () => {
    for (const c of pack.claims) {
      expect(FAMILY_NAMES as readonly string[], `${c.key}.family`).toContain(c.family);
      expect(HEDGE_BANDS as readonly string[], `${c.key}.hedge`).toContain(c.hedge);
      expect(norm(c.checkByNote ?? ''), `${c.key} needs a checkByNote`).not.toBe('');
      expect(norm(c.criteria ?? ''), `${c.key} needs criteria`).not.toBe('');
    }
    for (const family of ['front-line-goals', 'negotiations', 'ambassador-appointment']) {
      expect(pack.claims.some((c) => c.family === family), `no claim in ${family}`).toBe(true);
    }
  });

  it('has unique keys and valid dates, made on the day of the article', () => {
    const keys = pack.claims.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of pack.claims) {
      expect(c.madeOn).toBe(pack.article.publishedOn);
      expect(c.checkBy > c.madeOn, `${c.key}: checkBy ${c.checkBy} must be after madeOn`).toBe(true);
    }
  });

  it('writes criteria decidable on the check date: no date after it', () => {
    expect(datesIn('between 20 January and 30 April 2025, 1–31 December 2024, January–September 2025, CAATSA, 2017, Joint Sword-2024B')).toEqual([
      '2025-04-30', '2024-12-31', '2025-09-30', '2017-12-31',
    ]);
    for (const c of pack.claims) {
      for (const date of datesIn(c.criteria!)) expect(date <= c.checkBy, `${c.key}: criteria name ${date}, after checkBy ${c.checkBy}`).toBe(true);
      for (const date of datesIn(c.checkByNote!)) expect(date <= c.checkBy, `${c.key}: checkByNote names ${date}, after checkBy ${c.checkBy}`).toBe(true);
    }
  });

  it('accounts for every forecast of the article: a claim or left out with a reason', () => {
    const quotes = [...pack.claims.map((c) => norm(c.quote!)), ...pack.leftOut.map((l) => norm(l.quote))];
    for (const sentence of FORECAST_SENTENCES) {
      expect(article.includes(norm(sentence)), `not in the article: ${sentence}`).toBe(true);
      expect(quotes.some((q) => q.includes(norm(sentence))), `neither a claim nor left out: ${sentence}`).toBe(true);
    }
    // Nothing is both a claim and left out.
    for (const l of pack.leftOut) {
      expect(pack.claims.some((c) => norm(c.quote!).includes(norm(l.quote)) || norm(l.quote).includes(norm(c.quote!))), `left out but claimed: ${l.quote}`).toBe(false);
    }
  });

  it('keeps a restatement’s conditions and hedges', () => {
    const claim = (key: string) => pack.claims.find((c) => c.key === key)!.claim;
    expect(claim('us-proposes-negotiations-to-stop-fighting')).toMatch(/^If Russian forces keep pressing forward, it would be logical and easy/);
    expect(claim('us-russia-consultations-after-trump-forms-team')).toMatch(/can agree/);
    expect(claim('europe-left-with-burden-of-its-security')).toMatch(/^If Trump decides/);
    expect(claim('trump-wants-central-role-and-credit')).toMatch(/probably.*provided/);
    expect(claim('republicans-hold-both-chambers')).toMatch(/may hold/);
  });
});

describe('the pack schema', () => {
  const minimal = { id: 'p', name: 'P', article: {}, claims: [{ key: 'a', claim: 'x', madeOn: '2024-11-06', checkBy: '2025-01-01' }] };
  const error = (value: unknown) => {
    try {
      parseImportFile(JSON.stringify(value));
    } catch (e) {
      expect(e).toBeInstanceOf(LedgerError);
      return (e as LedgerError).message;
    }
    throw new Error('expected the pack to be refused');
  };

  it('accepts a minimal pack', () => {
    expect(parseImportFile(JSON.stringify(minimal)).kind).toBe('pack');
  });

  it('refuses a misspelt key at any level, naming it', () => {
    expect(error({ ...minimal, claims: [{ ...minimal.claims[0], checkbyNote: 'why' }] })).toMatch(/claims\.0.*checkbyNote/);
    expect(error({ ...minimal, article: { titel: 'T' } })).toMatch(/article.*titel/);
    expect(error({ ...minimal, leftout: [] })).toMatch(/leftout/);
    expect(error({ ...minimal, leftOut: [{ quote: 'q', reason: 'r' }] })).toMatch(/leftOut\.0.*reason/);
  });

  it('refuses an unknown hedge band and a speaker key it does not list', () => {
    expect(error({ ...minimal, claims: [{ ...minimal.claims[0], hedge: 'maybe' }] })).toMatch(/claims\.0\.hedge/);
    expect(error({ ...minimal, claims: [{ ...minimal.claims[0], speaker: 'X', speakerKey: 'x' }] })).toMatch(/speakerKey.*not one of the pack's speakers/);
    expect(
      error({ ...minimal, speakers: [{ key: 'x', name: 'a diplomat' }], claims: [{ ...minimal.claims[0], speaker: 'an official', speakerKey: 'x' }] }),
    ).toMatch(/must be "a diplomat"/);
  });
});
