/**
 * The held-out and blind extraction sets (test/fixtures/heldout/, blind/ … blind10/, issue 23)
 * are well-formed: every key parses with the fields the bench reads, its id matches its file names, every quote (forecasts,
 * ambiguous, notForecasts) stands in its article exactly once, and every check-by is a real day
 * not before the article's date. Reads files only: the extractor is neither imported nor run, and
 * nothing here looks at what it would answer (the third blind set is the measure, never tuned on).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Forecast { quote: string; speaker: string; speakerAliases?: string[]; checkBy: string; note?: string }
interface Item { quote: string; why: string }
interface Key {
  id: string; article: string; url: string; outlet: string; publishedOn: string; dateFrom: string; domain: string;
  source: string; title: string; dropped: string; style: string;
  forecasts: Forecast[]; ambiguous: Item[]; notForecasts: Item[];
}

const isDay = (d: unknown) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/** Occurrences of `quote` in `text`, runs of whitespace counted as one space (overlaps counted). */
function occurrences(body: string, quote: string): number {
  const t = body.replace(/\s+/g, ' ');
  const q = quote.replace(/\s+/g, ' ').trim();
  if (q === '') return 0;
  let n = 0;
  for (let i = t.indexOf(q); i !== -1; i = t.indexOf(q, i + 1)) n++;
  return n;
}

/** Least articles, quotes and forecasts per set (the third blind set is smaller: one round of keying). */
const MINIMUM = { heldout: [24, 200, 50], blind: [24, 200, 50], blind2: [24, 200, 50], blind3: [12, 100, 30], blind4: [30, 400, 150], blind5: [30, 400, 150], blind6: [25, 300, 120], blind7: [25, 300, 120], blind8: [20, 200, 80], blind9: [30, 400, 140], blind10: [15, 190, 70] } as const;

for (const name of ['heldout', 'blind', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6', 'blind7', 'blind8', 'blind9', 'blind10'] as const) {
  const [minArticles, minQuotes, minForecasts] = MINIMUM[name];
  const DIR = fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
  const keyFiles = readdirSync(DIR).filter((f) => f.endsWith('.key.json')).sort();
  const keys = keyFiles.map((f) => ({ file: f, key: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Key }));
  const text = (k: Key) => readFileSync(join(DIR, k.article), 'utf8');

  describe(`the ${name} set (test/fixtures/${name})`, () => {
    it('holds enough articles, one key for every text and one text for every key', () => {
      expect(keys.length).toBeGreaterThanOrEqual(minArticles);
      const texts = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
      expect(texts).toEqual(keys.map(({ key }) => key.article).sort());
    });

    it('every key parses with the expected fields, and its id matches its file names', () => {
      for (const { file, key } of keys) {
        expect(file, file).toBe(`${key.id}.key.json`);
        expect(key.article, file).toBe(`${key.id}.txt`);
        expect(key.url, `${file} url`).toMatch(/^https?:\/\/\S+$/);
        expect(isDay(key.publishedOn), `${file} publishedOn ${key.publishedOn}`).toBe(true);
        for (const field of ['outlet', 'dateFrom', 'domain', 'source', 'title', 'dropped', 'style'] as const) {
          expect(typeof key[field], `${file} ${field}`).toBe('string');
          expect(key[field].trim(), `${file} ${field}`).not.toBe('');
        }
        expect(key.source, `${file} source names a commit`).toMatch(/\b[0-9a-f]{40}\b/);
        for (const list of ['forecasts', 'ambiguous', 'notForecasts'] as const) expect(Array.isArray(key[list]), `${file} ${list}`).toBe(true);
        for (const f of key.forecasts) {
          expect(typeof f.quote === 'string' && f.quote.trim() !== '', `${file} forecast quote`).toBe(true);
          expect(typeof f.speaker === 'string' && f.speaker.trim() !== '', `${file} speaker of ${f.quote}`).toBe(true);
          if (f.speakerAliases !== undefined) expect(f.speakerAliases.every((a) => typeof a === 'string' && a.trim() !== ''), `${file} aliases`).toBe(true);
        }
        for (const item of [...key.ambiguous, ...key.notForecasts]) {
          expect(typeof item.quote === 'string' && item.quote.trim() !== '', `${file} quote`).toBe(true);
          expect(typeof item.why === 'string' && item.why.trim() !== '', `${file} why of ${item.quote}`).toBe(true);
        }
        expect(readFileSync(join(DIR, key.article), 'utf8').split(/\s+/).filter(Boolean).length, `${file} words`).toBeGreaterThanOrEqual(80); // a wire brief of 98 words is an article
      }
    });

    it('every quote of every key (forecasts, ambiguous, notForecasts) occurs exactly once in its article', () => {
      let quotes = 0;
      for (const { key } of keys) {
        const body = text(key);
        for (const item of [...key.forecasts, ...key.ambiguous, ...key.notForecasts]) {
          expect(occurrences(body, item.quote), `${key.id}: ${item.quote}`).toBe(1);
          quotes++;
        }
      }
      expect(quotes).toBeGreaterThan(minQuotes);
    });

    it('every check-by is a valid ISO day not before the article was published, and every speaker is named in the article (by one of its names)', () => {
      let forecasts = 0;
      for (const { key } of keys) {
        const lower = text(key).toLowerCase();
        for (const f of key.forecasts) {
          expect(isDay(f.checkBy), `${key.id}: checkBy ${f.checkBy}`).toBe(true);
          expect(f.checkBy >= key.publishedOn, `${key.id}: checkBy ${f.checkBy} before ${key.publishedOn}`).toBe(true);
          // the speaker or one of its aliases as the article writes it (a key may give an abbreviation beside the full name)
          const names = [f.speaker, ...(f.speakerAliases ?? [])];
          // ("30 [of 36 surveyed economists]": the key's own words in brackets aside)
          expect(names.some((who) => lower.includes(who.replace(/\s*\[[^\]]*\]/g, '').trim().toLowerCase())), `${key.id}: speaker "${f.speaker}"`).toBe(true);
          forecasts++;
        }
      }
      expect(forecasts).toBeGreaterThanOrEqual(minForecasts);
    });
  });
}

describe('the quote count behind it', () => {
  it('tolerates whitespace, counts repeats, and finds nothing for an edited quote', () => {
    const body = 'He said the bank\nwill cut rates.\n\nThe bank  will cut rates, he said.';
    expect(occurrences(body, 'the bank will cut rates')).toBe(1);
    expect(occurrences(body, 'bank will cut rates')).toBe(2);
    expect(occurrences(body, 'the bank will cut rate.')).toBe(0);
    expect(occurrences(body, '   ')).toBe(0);
  });
});
