/**
 * Articles: the page metadata html.ts reads, and floors on the articles kept with answer keys (the
 * seed's key is its pack, read at test time): the hand-written rules find every pack forecast,
 * with its speaker; the trained model, which follows the keying guide (a conditional judgement
 * is no forecast there, while the pack, written before the guide, lists several), holds a floor.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { articleFromHtml, articleFromText, extractByRules, extractCandidates } from '../../src/extract/index.js';
import { combine, loadKeys, locate, scoreArticle, spansMatch, speakersAgree } from '../../bench/extract.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/articles/${name}`, import.meta.url)), 'utf8');

describe('articleFromHtml', () => {
  it('takes the main text out of the page, in paragraphs, with title, outlet and date', () => {
    const a = articleFromHtml(fixture('harborcourier-2023-06-15.html'), 'https://harborcourier.example/news/budget');
    expect(a.title).toBe('Millbrook council passes $212 million budget, with pool repairs and a fight over bus routes');
    expect(a.outlet).toBe('The Harbor Courier');
    expect(a.publishedOn).toBe('2023-06-15');
    const paragraphs = a.text.split('\n\n');
    expect(paragraphs.some((p) => p.startsWith('MILLBROOK — The city council approved'))).toBe(true);
    expect(paragraphs.some((p) => p.startsWith('“Mark my words: within a year'))).toBe(true);
    for (const chrome of ['Subscribe for $1', 'Harbor Honda', 'All rights reserved', 'morning briefing']) expect(a.text).not.toContain(chrome);
  });

  it('falls back to JSON-LD, then <time>, then the host', () => {
    const body = '<article><p>' + 'The council met on Tuesday and talked for a long time about the budget and the pool. '.repeat(8) + '</p></article>';
    const ld = articleFromHtml(`<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":"2022-02-03T09:00:00+01:00","publisher":{"@type":"Organization","name":"LD Times"}}</script></head><body>${body}</body></html>`);
    expect(ld).toMatchObject({ title: 'H', outlet: 'LD Times', publishedOn: '2022-02-03' });
    const time = articleFromHtml(`<html><head><title>T</title></head><body><time datetime="2021-07-09">9 July</time>${body}</body></html>`, 'https://www.example.org/x');
    expect(time).toMatchObject({ outlet: 'example.org', publishedOn: '2021-07-09' });
    const none = articleFromHtml(`<html><body>${body}</body></html>`);
    expect(none.publishedOn).toBeNull();
    expect(none.outlet).toBeNull();
  });
});

describe('articleFromText', () => {
  it('keeps the text, takes a headline and a byline date', () => {
    const a = articleFromText(fixture('ledgerline-2024-05-09.txt'));
    expect(a.title).toBe('Halvorsen Micro lifts outlook on data-centre demand, warns on memory costs');
    expect(a.publishedOn).toBe('2024-05-09');
    expect(articleFromText('No headline here. Just text.').title).toBeNull();
  });
});

describe('articles with answer keys', () => {
  const keys = loadKeys();

  it('every key quote is verbatim in its article', () => {
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const k of keys) for (const f of [...k.forecasts, ...k.notForecasts, ...k.ambiguous]) expect(locate(k.article.text, f.quote), `${k.name}: ${f.quote}`).not.toBeNull();
  });

  it('the seed article: the rules find every pack forecast, with its speaker', () => {
    const seed = keys.find((k) => k.name === 'vpost-2024-11-06.txt')!;
    const candidates = extractByRules(seed.article);
    for (const f of seed.forecasts) {
      const at = locate(seed.article.text, f.quote)!;
      const found = candidates.filter((c) => spansMatch(at, c));
      expect(found.length, `found: ${f.quote}`).toBeGreaterThan(0);
      expect(found.some((c) => speakersAgree(c.speaker, f)), `speaker ${f.speaker}: ${f.quote}`).toBe(true);
    }
  });

  it('the rules hold a floor on every article: recall ≥ 0.85, precision ≥ 0.6, speaker ≥ 0.9', () => {
    for (const k of keys) {
      const s = scoreArticle(k, extractByRules(k.article));
      expect(s.recall, `${k.name} recall`).toBeGreaterThanOrEqual(0.85);
      expect(s.precision, `${k.name} precision`).toBeGreaterThanOrEqual(0.6);
      expect(s.speaker, `${k.name} speaker`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('the model holds a floor on them all: recall ≥ 0.75, precision ≥ 0.8, speaker ≥ 0.95, and on each article recall ≥ 0.6', () => {
    const scores = keys.map((k) => scoreArticle(k, extractCandidates(k.article)));
    const overall = combine(scores);
    expect(overall.recall).toBeGreaterThanOrEqual(0.75);
    expect(overall.precision).toBeGreaterThanOrEqual(0.8);
    expect(overall.speaker).toBeGreaterThanOrEqual(0.95);
    for (const s of scores) expect(s.recall, `${s.name} recall`).toBeGreaterThanOrEqual(0.6);
  });

  it('the traps the keys name are not taken for forecasts', () => {
    for (const k of keys) {
      const candidates = extractCandidates(k.article);
      const taken = k.notForecasts.filter((n) => {
        const at = locate(k.article.text, n.quote)!;
        return candidates.some((c) => spansMatch(at, c) && !k.forecasts.some((f) => spansMatch(locate(k.article.text, f.quote)!, c)));
      });
      // a few traps are hard (a computed "would", a figure of speech); most must be left out
      expect(taken.length / Math.max(1, k.notForecasts.length), `${k.name}: ${taken.map((t) => t.quote).join(' | ')}`).toBeLessThanOrEqual(0.25);
    }
  });
});
