/**
 * Extraction quality, two sets of articles with answer keys:
 *
 *   - the corpus (test/fixtures/corpus/, bench/corpus.ts): real published articles nobody here
 *     wrote, keyed before the extractor ran on them and split once into dev and test by a seeded
 *     shuffle. Both splits are printed; both have been tuned on (the test split was scored blind
 *     once, then spent), so their figures are in-sample; so are the held-out set
 *     (test/fixtures/heldout/), the first seven blind sets (test/fixtures/blind/ … blind7/), each
 *     scored blind once and tuned or trained on since, and the eighth (blind8/, keyed for training) —
 *     and the trained model (src/extract/model.ts) learned from all of these. Text nobody here tuned
 *     or trained on is the ninth and tenth blind sets (test/fixtures/blind9/, blind10/; MEASURES): no
 *     per-article details are printed for them.
 *   - the fixtures (test/fixtures/articles/): articles written here, kept as regression cases (the
 *     seed article's key is its pack, src/packs/vpost-2024-11-06.json, read at run time; the others
 *     are <name>.key.json beside each article).
 *
 * Part of `npm run bench` (section `extract`); also alone: `npm run bench:extract` (= `npx tsx
 * bench/extract.ts`). EXTRACT_VERBOSE=1 lists misses and extra candidates; EXTRACT_TIMING=0 leaves out the timing (quality only); EXTRACT_REPEATS=n
 * runs per article for the corpus timing (default 10).
 *
 * Per split and per article: recall, precision (candidates that meet only an item the key marks
 * "ambiguous" left out), strict precision (those counted wrong), speaker, check-by within ±7 days,
 * and milliseconds per 2,000 words (an article's median time over the repeats × 2,000 / its words;
 * for a split, the sum of the medians × 2,000 / the sum of the words).
 *
 * Matching rule: a key quote is located in the article text (whitespace-tolerant, verbatim). A
 * candidate matches a key forecast when their spans overlap by at least half of the shorter span
 * and at least a quarter of the longer one (so a candidate that is a clause of a key quote, or a
 * sentence holding it, matches; a paragraph holding it does not). Recall = key forecasts matched
 * one-to-one (maximum matching: one candidate counts for one key forecast). Precision = the
 * candidates that overlap some key forecast by that rule / all candidates, leaving out candidates
 * that only meet an item the key marks "ambiguous". Speaker = matched pairs whose speakers agree
 * (case, punctuation and a leading "the/a/an" aside, one naming the other in full words: "Paul
 * Sandor" ~ "Northline's chief operating officer, Paul Sandor", or a listed alias). Check-by =
 * matched pairs within ±7 days of the key's date.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { articleFromHtml, articleFromText, extractCandidates } from '../src/extract/index.js';
import type { ArticleInput, Candidate } from '../src/extract/types.js';
import { figure, percentile, round, type Figure } from './lib.js';
import { BLIND10_DIR, BLIND2_DIR, BLIND3_DIR, BLIND4_DIR, BLIND5_DIR, BLIND6_DIR, BLIND7_DIR, BLIND8_DIR, BLIND9_DIR, BLIND_DIR, HELDOUT_DIR, readCorpusKeys, readCorpusText, readSplit, type SplitName } from './corpus.js';

/** A corpus split, the held-out set and the first seven blind sets (each spent, trained on), the eighth (keyed for training), or the ninth and tenth (the measure). */
export type SetName = SplitName | 'heldout' | 'blind' | 'blind2' | 'blind3' | 'blind4' | 'blind5' | 'blind6' | 'blind7' | 'blind8' | 'blind9' | 'blind10';

/** The sets that measure extraction on text nobody here tuned on: each is scored, and the two together. */
export const MEASURES: readonly SetName[] = ['blind9', 'blind10'];
export const isMeasure = (set: SetName): boolean => MEASURES.includes(set);

/** Where a set's keys and texts are (the corpus's splits share one folder). */
const setDir = (set: SetName): string | undefined => ({ heldout: HELDOUT_DIR, blind: BLIND_DIR, blind2: BLIND2_DIR, blind3: BLIND3_DIR, blind4: BLIND4_DIR, blind5: BLIND5_DIR, blind6: BLIND6_DIR, blind7: BLIND7_DIR, blind8: BLIND8_DIR, blind9: BLIND9_DIR, blind10: BLIND10_DIR } as Partial<Record<SetName, string>>)[set];

/** How a set is described above its table. */
const SET_LABELS: Record<SetName, string> = {
  dev: 'corpus, dev split',
  test: 'corpus, test split (scored blind once, tuned and trained on since: in-sample)',
  heldout: 'held-out set (test/fixtures/heldout/, scored blind once, tuned and trained on since: in-sample)',
  blind: 'first blind set (test/fixtures/blind/, scored blind once, tuned and trained on since: in-sample)',
  blind2: 'second blind set (test/fixtures/blind2/, scored blind once, tuned and trained on since: in-sample)',
  blind3: 'third blind set (test/fixtures/blind3/, scored blind once, tuned and trained on since: in-sample)',
  blind4: 'fourth blind set (test/fixtures/blind4/, scored blind once, tuned and trained on since: in-sample)',
  blind5: 'fifth blind set (test/fixtures/blind5/, scored blind once, tuned and trained on since: in-sample)',
  blind6: 'sixth blind set (test/fixtures/blind6/, scored blind once, trained on since: in-sample)',
  blind7: 'seventh blind set (test/fixtures/blind7/, scored blind once, trained on since: in-sample)',
  blind8: 'eighth blind set (test/fixtures/blind8/, keyed blind for training: in-sample)',
  blind9: 'ninth blind set (test/fixtures/blind9/, keyed blind, never tuned or trained on: the measure, with the tenth)',
  blind10: 'tenth blind set (test/fixtures/blind10/, keyed blind, never tuned or trained on: the measure, with the ninth)',
};

const ARTICLES = fileURLToPath(new URL('../test/fixtures/articles/', import.meta.url));
const PACK = fileURLToPath(new URL('../src/packs/vpost-2024-11-06.json', import.meta.url));

export const TARGETS = { recall: 0.85, precision: 0.6, speaker: 0.9, ms: 300 } as const;

/** Targets for the corpus's test split (issue 23); the dev split is shown against the same marks. */
export const CORPUS_TARGETS = { recall: 0.9, strictPrecision: 0.7, speaker: 0.9, checkBy: 0.8, msPer2000: 300 } as const;

export interface KeyForecast {
  quote: string;
  speaker: string;
  speakerAliases?: string[];
  checkBy: string;
}
export interface ArticleKey {
  name: string;
  article: ArticleInput;
  forecasts: KeyForecast[];
  ambiguous: { quote: string }[];
  notForecasts: { quote: string }[];
  /** What the key says the page states (HTML): checked against what html.ts read. */
  expected?: { outlet?: string; publishedOn?: string; title?: string };
}

/** Every article with its key: the seed with its pack, the others with their .key.json. */
export function loadKeys(): ArticleKey[] {
  const keys: ArticleKey[] = [];
  const pack = JSON.parse(readFileSync(PACK, 'utf8')) as { id: string; article: { outlet: string; publishedOn: string; title?: string }; claims: KeyForecast[] };
  keys.push({
    name: `${pack.id}.txt`,
    article: articleFromText(readFileSync(`${ARTICLES}${pack.id}.txt`, 'utf8'), { outlet: pack.article.outlet, publishedOn: pack.article.publishedOn }),
    forecasts: pack.claims.map((c) => ({ quote: c.quote, speaker: c.speaker, checkBy: c.checkBy })),
    ambiguous: [],
    notForecasts: [],
  });
  for (const file of readdirSync(ARTICLES).filter((f) => f.endsWith('.key.json')).sort()) {
    const key = JSON.parse(readFileSync(`${ARTICLES}${file}`, 'utf8')) as { article: string; outlet: string; publishedOn: string; title?: string; forecasts: KeyForecast[]; notForecasts?: { quote: string }[]; ambiguous?: { quote: string }[] };
    const raw = readFileSync(`${ARTICLES}${key.article}`, 'utf8');
    const html = key.article.endsWith('.html');
    const article = html ? articleFromHtml(raw, `https://example.invalid/${key.article}`) : articleFromText(raw, { outlet: key.outlet, publishedOn: key.publishedOn });
    keys.push({
      name: key.article,
      article,
      forecasts: key.forecasts,
      ambiguous: key.ambiguous ?? [],
      notForecasts: key.notForecasts ?? [],
      ...(html ? { expected: { outlet: key.outlet, publishedOn: key.publishedOn, ...(key.title ? { title: key.title } : {}) } } : {}),
    });
  }
  return keys;
}

/** Where a verbatim quote stands in the text, whitespace aside; null when it is not there. */
export function locate(text: string, quote: string): { start: number; end: number } | null {
  const words = quote.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const m = new RegExp(words.join('\\s+')).exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

export function spansMatch(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  const o = overlap(a, b);
  const la = a.end - a.start;
  const lb = b.end - b.start;
  return o >= 0.5 * Math.min(la, lb) && o >= 0.25 * Math.max(la, lb);
}

const normSpeaker = (s: string) =>
  s
    .toLowerCase()
    .replace(/[’']s\b/g, 's')
    .replace(/[^\p{L}\p{N}&]+/gu, ' ')
    .trim()
    .replace(/^(?:the|a|an)\s+/, '');

export function speakersAgree(found: string | null, key: KeyForecast): boolean {
  if (!found) return false;
  const f = ` ${normSpeaker(found)} `;
  return [key.speaker, ...(key.speakerAliases ?? [])].some((k) => {
    const n = ` ${normSpeaker(k)} `;
    return f === n || f.includes(n) || n.includes(f);
  });
}

const dayDiff = (a: string, b: string) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/** Maximum one-to-one matching of key forecasts to candidates (augmenting paths; the sets are small). */
function maxMatching(edges: number[][], candidates: number): number[] {
  const owner = new Array<number>(candidates).fill(-1);
  const assign = new Array<number>(edges.length).fill(-1);
  const tryKey = (k: number, seen: boolean[]): boolean => {
    for (const c of edges[k]!) {
      if (seen[c]) continue;
      seen[c] = true;
      if (owner[c] === -1 || tryKey(owner[c]!, seen)) {
        owner[c] = k;
        assign[k] = c;
        return true;
      }
    }
    return false;
  };
  for (let k = 0; k < edges.length; k++) tryKey(k, new Array<boolean>(candidates).fill(false));
  return assign;
}

export interface ArticleScore {
  name: string;
  words: number;
  forecasts: number;
  candidates: number;
  matched: number;
  correctCandidates: number;
  counted: number;
  /** Candidates that meet only an item the key marks "ambiguous". */
  ambiguousOnly: number;
  speakerOk: number;
  checkByOk: number;
  recall: number;
  precision: number;
  /** Precision with the candidates that meet only an ambiguous item counted wrong. */
  strictPrecision: number;
  speaker: number;
  checkBy: number;
  /** Milliseconds per 2,000 words (corpus runs with timing); undefined when not timed. */
  msPer2000?: number;
  missing: string[];
  misses: { quote: string; speaker: string }[];
  extras: { quote: string; speaker: string | null }[];
  wrongSpeaker: { quote: string; found: string | null; key: string }[];
  wrongDate: { quote: string; found: string | null; key: string; phrase: string | null }[];
  metadata?: { outlet: boolean; publishedOn: boolean; title: boolean };
}

export function scoreArticle(key: ArticleKey, candidates: Candidate[]): ArticleScore {
  const text = key.article.text;
  const missing: string[] = [];
  const spans = key.forecasts.map((f) => {
    const at = locate(text, f.quote);
    if (!at) missing.push(f.quote);
    return at;
  });
  const ambiguous = key.ambiguous.map((a) => locate(text, a.quote)).filter((x) => x !== null);
  const edges = spans.map((s) => (s ? candidates.flatMap((c, i) => (spansMatch(s, c) ? [i] : [])) : []));
  const assign = maxMatching(edges, candidates.length);
  let matched = 0;
  let speakerOk = 0;
  let checkByOk = 0;
  const misses: ArticleScore['misses'] = [];
  const wrongSpeaker: ArticleScore['wrongSpeaker'] = [];
  const wrongDate: ArticleScore['wrongDate'] = [];
  key.forecasts.forEach((f, k) => {
    const ci = assign[k]!;
    if (ci < 0) return misses.push({ quote: f.quote, speaker: f.speaker });
    matched++;
    const c = candidates[ci]!;
    if (speakersAgree(c.speaker, f)) speakerOk++;
    else wrongSpeaker.push({ quote: f.quote, found: c.speaker, key: f.speaker });
    if (c.checkBy && dayDiff(c.checkBy, f.checkBy) <= 7) checkByOk++;
    else wrongDate.push({ quote: f.quote, found: c.checkBy, key: f.checkBy, phrase: c.checkByPhrase });
  });
  let correct = 0;
  let counted = 0;
  let ambiguousOnly = 0;
  const extras: ArticleScore['extras'] = [];
  for (const c of candidates) {
    const good = spans.some((s) => s && spansMatch(s, c));
    if (good) {
      correct++;
      counted++;
    } else if (!ambiguous.some((a) => spansMatch(a, c))) {
      counted++;
      extras.push({ quote: c.quote, speaker: c.speaker });
    } else {
      ambiguousOnly++;
    }
  }
  const score: ArticleScore = {
    name: key.name,
    words: text.split(/\s+/).filter(Boolean).length,
    forecasts: key.forecasts.length,
    candidates: candidates.length,
    matched,
    correctCandidates: correct,
    counted,
    ambiguousOnly,
    speakerOk,
    checkByOk,
    recall: key.forecasts.length ? matched / key.forecasts.length : 1,
    precision: counted ? correct / counted : 1,
    strictPrecision: candidates.length ? correct / candidates.length : 1,
    speaker: matched ? speakerOk / matched : 0,
    checkBy: matched ? checkByOk / matched : 0,
    missing,
    misses,
    extras,
    wrongSpeaker,
    wrongDate,
  };
  if (key.expected) {
    score.metadata = {
      outlet: key.article.outlet === key.expected.outlet,
      publishedOn: key.article.publishedOn === key.expected.publishedOn,
      title: !key.expected.title || key.article.title === key.expected.title,
    };
  }
  return score;
}

/** A 2,000-word article: the fixtures' paragraphs in turn until 2,000 words (an article's length, of realistic text). */
export function twoThousandWords(keys: ArticleKey[]): ArticleInput {
  const paragraphs = keys.flatMap((k) => k.article.text.split(/\n\s*\n/));
  const out: string[] = [];
  let words = 0;
  for (const p of paragraphs) {
    if (words >= 2000) break;
    const n = p.split(/\s+/).filter(Boolean).length;
    out.push(p);
    words += n;
  }
  return { text: out.join('\n\n'), publishedOn: '2024-11-06', outlet: 'bench' };
}

export function timeExtraction(article: ArticleInput, repeats = 30): { medianMs: number; p90Ms: number; words: number } {
  for (let i = 0; i < 5; i++) extractCandidates(article);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    extractCandidates(article);
    times.push(performance.now() - t0);
  }
  return { medianMs: percentile(times, 50), p90Ms: percentile(times, 90), words: article.text.split(/\s+/).filter(Boolean).length };
}

const mark = (ok: boolean) => (ok ? '✔' : '✘');
const pct = (x: number) => x.toFixed(2);

export function renderExtractTable(scores: ArticleScore[], overall: ArticleScore, timing: { medianMs: number; words: number }): string {
  const header = ['article', 'words', 'key', 'found', 'recall ≥0.85', 'precision ≥0.6', 'speaker ≥0.9', 'check-by ±7d'];
  const row = (s: ArticleScore) => [
    s.name,
    String(s.words),
    String(s.forecasts),
    String(s.candidates),
    `${pct(s.recall)} ${mark(s.recall >= TARGETS.recall)}`,
    `${pct(s.precision)} ${mark(s.precision >= TARGETS.precision)}`,
    `${pct(s.speaker)} ${mark(s.speaker >= TARGETS.speaker)}`,
    `${pct(s.checkBy)}`,
  ];
  const rows = [...scores.map(row), row(overall)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const lines = [line(header), sep, ...rows.slice(0, -1).map(line), sep, line(rows.at(-1)!)];
  lines.push('', Number.isFinite(timing.medianMs) ? `extraction of a ${timing.words}-word article: median ${timing.medianMs.toFixed(1)} ms (target ≤ ${TARGETS.ms} ms) ${mark(timing.medianMs <= TARGETS.ms)}` : 'extraction time: not measured (EXTRACT_TIMING=0)');
  for (const s of scores) {
    if (!s.metadata) continue;
    lines.push(`${s.name} page metadata read: outlet ${mark(s.metadata.outlet)}, published ${mark(s.metadata.publishedOn)}, title ${mark(s.metadata.title)}`);
  }
  return lines.join('\n');
}

export function combine(scores: ArticleScore[]): ArticleScore {
  const sum = (f: (s: ArticleScore) => number) => scores.reduce((n, s) => n + f(s), 0);
  const matched = sum((s) => s.matched);
  const counted = sum((s) => s.counted);
  const forecasts = sum((s) => s.forecasts);
  return {
    name: 'overall',
    words: sum((s) => s.words),
    forecasts,
    candidates: sum((s) => s.candidates),
    matched,
    correctCandidates: sum((s) => s.correctCandidates),
    counted,
    ambiguousOnly: sum((s) => s.ambiguousOnly),
    speakerOk: sum((s) => s.speakerOk),
    checkByOk: sum((s) => s.checkByOk),
    recall: forecasts ? matched / forecasts : 1,
    precision: counted ? sum((s) => s.correctCandidates) / counted : 1,
    strictPrecision: sum((s) => s.candidates) ? sum((s) => s.correctCandidates) / sum((s) => s.candidates) : 1,
    speaker: matched ? sum((s) => s.speakerOk) / matched : 0,
    checkBy: matched ? sum((s) => s.checkByOk) / matched : 0,
    missing: scores.flatMap((s) => s.missing),
    misses: [],
    extras: [],
    wrongSpeaker: [],
    wrongDate: [],
  };
}

export function runExtractBench(opts: { timing?: boolean } = {}): { scores: ArticleScore[]; overall: ArticleScore; timing: ReturnType<typeof timeExtraction> | null; table: string } {
  const keys = loadKeys();
  const scores = keys.map((k) => scoreArticle(k, extractCandidates(k.article)));
  const overall = combine(scores);
  const timing = opts.timing === false ? null : timeExtraction(twoThousandWords(keys));
  return { scores, overall, timing, table: renderExtractTable(scores, overall, timing ?? { medianMs: Number.NaN, words: 0 }) };
}

/** One split of the corpus as keys the scorer reads (the text as articleFromText reads it, with the key's outlet, date and address). */
export function loadCorpus(split: SetName): ArticleKey[] {
  const dir = setDir(split);
  const ids = split === 'dev' || split === 'test' ? new Set(readSplit()[split]) : null;
  return readCorpusKeys(dir)
    .filter((k) => ids === null || ids.has(k.id))
    .map((k) => ({
      name: k.id,
      article: articleFromText(readCorpusText(k, dir), { outlet: k.outlet, publishedOn: k.publishedOn, url: k.url }),
      forecasts: k.forecasts,
      ambiguous: k.ambiguous,
      notForecasts: k.notForecasts,
    }));
}

/** Median milliseconds to extract one article (one warm-up run first). */
export function timeArticle(article: ArticleInput, repeats: number): number {
  extractCandidates(article);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    extractCandidates(article);
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

export interface SplitReport {
  split: SetName;
  scores: ArticleScore[];
  overall: ArticleScore;
  table: string;
}

/** Scores one split, each article with its ms per 2,000 words unless timing is off. */
export function scoreSplit(split: SetName, opts: { timing: boolean; repeats: number }): SplitReport {
  const keys = loadCorpus(split);
  let ms = 0;
  const scores = keys.map((k) => {
    const score = scoreArticle(k, extractCandidates(k.article));
    if (opts.timing) {
      const median = timeArticle(k.article, opts.repeats);
      ms += median;
      score.msPer2000 = (median * 2000) / Math.max(1, score.words);
    }
    return score;
  });
  const overall = combine(scores);
  overall.name = `${split} overall`;
  if (opts.timing) overall.msPer2000 = (ms * 2000) / Math.max(1, overall.words);
  return { split, scores, overall, table: renderCorpusTable(split, scores, overall) };
}

export function renderCorpusTable(split: SetName, scores: ArticleScore[], overall: ArticleScore): string {
  const T = CORPUS_TARGETS;
  const header = ['article', 'words', 'key', 'found', 'recall', 'precision', 'strict precision', 'speaker', 'check-by ±7d', 'ms/2,000 words'];
  const ratio = (x: number, n: number) => (n ? pct(x) : '–');
  const row = (s: ArticleScore, marks: boolean) => [
    s.name,
    String(s.words),
    String(s.forecasts),
    String(s.candidates),
    `${ratio(s.recall, s.forecasts)}${marks && s.forecasts ? ` ${mark(s.recall >= T.recall)}` : ''}`,
    ratio(s.precision, s.counted),
    `${ratio(s.strictPrecision, s.candidates)}${marks && s.candidates ? ` ${mark(s.strictPrecision >= T.strictPrecision)}` : ''}`,
    `${ratio(s.speaker, s.matched)}${marks && s.matched ? ` ${mark(s.speaker >= T.speaker)}` : ''}`,
    `${ratio(s.checkBy, s.matched)}${marks && s.matched ? ` ${mark(s.checkBy >= T.checkBy)}` : ''}`,
    s.msPer2000 === undefined ? '–' : `${s.msPer2000.toFixed(1)}${marks ? ` ${mark(s.msPer2000 <= T.msPer2000)}` : ''}`,
  ];
  const rows = [...scores.map((s) => row(s, false)), row(overall, true)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [
    `${SET_LABELS[split]}: ${scores.length} articles, ${overall.forecasts} keyed forecasts, ${overall.ambiguousOnly} candidates on ambiguous items only`,
    `targets (for text not tuned on${isMeasure(split) ? '' : '; this set is in-sample'}): recall ≥ ${T.recall}, strict precision ≥ ${T.strictPrecision}, speaker ≥ ${T.speaker}, check-by ≥ ${T.checkBy}, ≤ ${T.msPer2000} ms per 2,000 words`,
    line(header),
    sep,
    ...rows.slice(0, -1).map(line),
    sep,
    line(rows.at(-1)!),
  ].join('\n');
}

/**
 * The sets to score. The corpus's test split, the held-out set and the first seven blind sets were
 * each scored once, blind, for issue 23's reports, then tuned on or trained on; the eighth was
 * keyed for training; they are in-sample now. The measure of extraction on unseen text is the ninth
 * and tenth blind sets (test/fixtures/blind9/, blind10/), never read while working on the extractor.
 */
export function corpusSplits(): SetName[] {
  return ['dev', 'test', 'heldout', 'blind', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6', 'blind7', 'blind8', 'blind9', 'blind10'];
}

const repeatsFromEnv = () => {
  const n = Number(process.env.EXTRACT_REPEATS ?? 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
};

/** The section for bench/run.ts: figures for its table, the details for its JSON report. */
export async function benchExtract(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { scores, overall, timing, table } = runExtractBench();
  process.stdout.write(`\nextraction quality, fixtures written here (regression; bench/extract.ts)\n${table}\n`);
  const limit = (value: number, label: string) => ({ kind: 'limit' as const, value, label });
  const figures: Figure[] = [];
  for (const s of [...scores, overall]) {
    figures.push(figure({ id: `extract.${s.name}.recall`, name: `extract recall: ${s.name}`, value: round(s.recall, 2), unit: '', reference: limit(TARGETS.recall, 'target'), target: `≥ ${TARGETS.recall}`, pass: s.recall >= TARGETS.recall }));
    figures.push(figure({ id: `extract.${s.name}.precision`, name: `extract precision: ${s.name}`, value: round(s.precision, 2), unit: '', reference: limit(TARGETS.precision, 'target'), target: `≥ ${TARGETS.precision}`, pass: s.precision >= TARGETS.precision }));
    figures.push(figure({ id: `extract.${s.name}.speaker`, name: `extract speaker: ${s.name}`, value: round(s.speaker, 2), unit: '', reference: limit(TARGETS.speaker, 'target'), target: `≥ ${TARGETS.speaker}`, pass: s.speaker >= TARGETS.speaker }));
  }
  figures.push(figure({ id: 'extract.checkBy', name: 'extract check-by ±7 d (overall)', value: round(overall.checkBy, 2), unit: '', reference: limit(1, 'all matched'), target: 'info', pass: null }));
  if (timing) figures.push(figure({ id: 'extract.ms', name: `extract ${timing.words}-word article (median)`, value: round(timing.medianMs, 1), unit: 'ms', reference: limit(TARGETS.ms, 'target'), target: `≤ ${TARGETS.ms} ms`, pass: timing.medianMs <= TARGETS.ms }));

  const corpus: Record<string, { scores: ArticleScore[]; overall: ArticleScore }> = {};
  // The corpus's splits, the held-out set and the first eight blind sets are in-sample now (tuned or
  // trained on): shown against the targets for information only. The ninth and tenth blind sets are
  // the measure: each passes or fails them, and so do the two together.
  const setFigures = (name: string, o: ArticleScore, judged: boolean) => {
    const T = CORPUS_TARGETS;
    const pass = (ok: boolean) => (judged ? ok : null);
    const at = (id: string) => `extract.corpus.${name}.${id}`;
    figures.push(figure({ id: at('recall'), name: `extract corpus ${name}: recall`, value: round(o.recall, 2), unit: '', reference: limit(T.recall, 'target'), target: `≥ ${T.recall}`, pass: pass(o.recall >= T.recall) }));
    figures.push(figure({ id: at('precision'), name: `extract corpus ${name}: precision`, value: round(o.precision, 2), unit: '', reference: limit(1, 'all right'), target: 'info', pass: null }));
    figures.push(figure({ id: at('strictPrecision'), name: `extract corpus ${name}: precision, ambiguous counted wrong`, value: round(o.strictPrecision, 2), unit: '', reference: limit(T.strictPrecision, 'target'), target: `≥ ${T.strictPrecision}`, pass: pass(o.strictPrecision >= T.strictPrecision) }));
    figures.push(figure({ id: at('speaker'), name: `extract corpus ${name}: speaker`, value: round(o.speaker, 2), unit: '', reference: limit(T.speaker, 'target'), target: `≥ ${T.speaker}`, pass: pass(o.speaker >= T.speaker) }));
    figures.push(figure({ id: at('checkBy'), name: `extract corpus ${name}: check-by ±7 d`, value: round(o.checkBy, 2), unit: '', reference: limit(T.checkBy, 'target'), target: `≥ ${T.checkBy}`, pass: pass(o.checkBy >= T.checkBy) }));
    figures.push(figure({ id: at('msPer2000'), name: `extract corpus ${name}: ms per 2,000 words`, value: round(o.msPer2000 ?? Number.NaN, 1), unit: 'ms', reference: limit(T.msPer2000, 'target'), target: `≤ ${T.msPer2000} ms`, pass: pass((o.msPer2000 ?? Number.POSITIVE_INFINITY) <= T.msPer2000) }));
  };
  for (const split of corpusSplits()) {
    const report = scoreSplit(split, { timing: true, repeats: repeatsFromEnv() });
    process.stdout.write(`\nextraction quality, real articles (test/fixtures/${split === 'dev' || split === 'test' ? 'corpus' : split}/)\n${report.table}\n`);
    corpus[split] = { scores: report.scores, overall: report.overall };
    setFigures(split, report.overall, isMeasure(split));
  }
  const measure = measureOverall(MEASURES.map((m) => corpus[m]!.scores));
  process.stdout.write(`\nextraction quality, the measure (${MEASURES.join(' + ')}): ${measureLine(measure)}\n`);
  setFigures('measure', measure, true);
  return { figures, details: { scores, overall, timing, corpus } };
}

/** The measure's sets together: every article's counts summed, the time as each article's share of its words. */
export function measureOverall(sets: ArticleScore[][]): ArticleScore {
  const all = sets.flat();
  const o = combine(all);
  o.name = 'measure overall';
  if (all.every((s) => s.msPer2000 !== undefined)) o.msPer2000 = (all.reduce((ms, s) => ms + (s.msPer2000! * s.words) / 2000, 0) * 2000) / Math.max(1, o.words);
  return o;
}

const measureLine = (o: ArticleScore) =>
  `${o.forecasts} keyed forecasts; recall ${pct(o.recall)}, precision ${pct(o.precision)}, strict precision ${pct(o.strictPrecision)}, speaker ${pct(o.speaker)}, check-by ±7 d ${pct(o.checkBy)}${o.msPer2000 === undefined ? '' : `, ${o.msPer2000.toFixed(1)} ms per 2,000 words`}`;

function printDetails(scores: ArticleScore[]): void {
  for (const s of scores) {
    process.stdout.write(`\n## ${s.name}\n`);
    for (const q of s.missing) process.stdout.write(`  KEY QUOTE NOT IN TEXT: ${q}\n`);
    for (const m of s.misses) process.stdout.write(`  missed: [${m.speaker}] ${m.quote}\n`);
    for (const e of s.extras) process.stdout.write(`  extra:  [${e.speaker}] ${e.quote}\n`);
    for (const w of s.wrongSpeaker) process.stdout.write(`  speaker: found ${w.found} / key ${w.key}: ${w.quote.slice(0, 60)}\n`);
    for (const w of s.wrongDate) process.stdout.write(`  date: found ${w.found} (${w.phrase}) / key ${w.key}: ${w.quote.slice(0, 60)}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const timing = process.env.EXTRACT_TIMING !== '0';
  const verbose = process.env.EXTRACT_VERBOSE === '1';
  const fixtures = runExtractBench({ timing });
  process.stdout.write(`extraction quality, fixtures written here (regression)\n${fixtures.table}\n`);
  if (verbose) printDetails(fixtures.scores);
  const measured: ArticleScore[][] = [];
  for (const split of corpusSplits()) {
    const report = scoreSplit(split, { timing, repeats: repeatsFromEnv() });
    process.stdout.write(`\n${report.table}\n`);
    if (isMeasure(split)) measured.push(report.scores);
    if (verbose && !isMeasure(split)) printDetails(report.scores); // nobody tunes on the measure's misses
  }
  process.stdout.write(`\nthe measure (${MEASURES.join(' + ')}): ${measureLine(measureOverall(measured))}\n`);

}
