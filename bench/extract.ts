/**
 * Extraction quality: the extractor run over the articles in test/fixtures/articles/ against
 * their hand-made answer keys (the seed article's key is its pack, src/packs/vpost-2024-11-06.json,
 * read at run time; the others are <name>.key.json beside each article). Part of `npm run bench`
 * (section `extract`); also alone: `npx tsx bench/extract.ts` (EXTRACT_VERBOSE=1 lists misses and
 * extra candidates).
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

const ARTICLES = fileURLToPath(new URL('../test/fixtures/articles/', import.meta.url));
const PACK = fileURLToPath(new URL('../src/packs/vpost-2024-11-06.json', import.meta.url));

export const TARGETS = { recall: 0.85, precision: 0.6, speaker: 0.9, ms: 300 } as const;

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
  speakerOk: number;
  checkByOk: number;
  recall: number;
  precision: number;
  speaker: number;
  checkBy: number;
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
  const extras: ArticleScore['extras'] = [];
  for (const c of candidates) {
    const good = spans.some((s) => s && spansMatch(s, c));
    if (good) {
      correct++;
      counted++;
    } else if (!ambiguous.some((a) => spansMatch(a, c))) {
      counted++;
      extras.push({ quote: c.quote, speaker: c.speaker });
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
    speakerOk,
    checkByOk,
    recall: key.forecasts.length ? matched / key.forecasts.length : 1,
    precision: counted ? correct / counted : 1,
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
  lines.push('', `extraction of a ${timing.words}-word article: median ${timing.medianMs.toFixed(1)} ms (target ≤ ${TARGETS.ms} ms) ${mark(timing.medianMs <= TARGETS.ms)}`);
  for (const s of scores) {
    if (!s.metadata) continue;
    lines.push(`${s.name} page metadata read: outlet ${mark(s.metadata.outlet)}, published ${mark(s.metadata.publishedOn)}, title ${mark(s.metadata.title)}`);
  }
  return lines.join('\n');
}

function combine(scores: ArticleScore[]): ArticleScore {
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
    speakerOk: sum((s) => s.speakerOk),
    checkByOk: sum((s) => s.checkByOk),
    recall: forecasts ? matched / forecasts : 1,
    precision: counted ? sum((s) => s.correctCandidates) / counted : 1,
    speaker: matched ? sum((s) => s.speakerOk) / matched : 0,
    checkBy: matched ? sum((s) => s.checkByOk) / matched : 0,
    missing: scores.flatMap((s) => s.missing),
    misses: [],
    extras: [],
    wrongSpeaker: [],
    wrongDate: [],
  };
}

export function runExtractBench(): { scores: ArticleScore[]; overall: ArticleScore; timing: ReturnType<typeof timeExtraction>; table: string } {
  const keys = loadKeys();
  const scores = keys.map((k) => scoreArticle(k, extractCandidates(k.article)));
  const overall = combine(scores);
  const timing = timeExtraction(twoThousandWords(keys));
  return { scores, overall, timing, table: renderExtractTable(scores, overall, timing) };
}

/** The section for bench/run.ts: figures for its table, the details for its JSON report. */
export async function benchExtract(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { scores, overall, timing, table } = runExtractBench();
  process.stdout.write(`\nextraction quality (bench/extract.ts)\n${table}\n`);
  const limit = (value: number, label: string) => ({ kind: 'limit' as const, value, label });
  const figures: Figure[] = [];
  for (const s of [...scores, overall]) {
    figures.push(figure({ id: `extract.${s.name}.recall`, name: `extract recall: ${s.name}`, value: round(s.recall, 2), unit: '', reference: limit(TARGETS.recall, 'target'), target: `≥ ${TARGETS.recall}`, pass: s.recall >= TARGETS.recall }));
    figures.push(figure({ id: `extract.${s.name}.precision`, name: `extract precision: ${s.name}`, value: round(s.precision, 2), unit: '', reference: limit(TARGETS.precision, 'target'), target: `≥ ${TARGETS.precision}`, pass: s.precision >= TARGETS.precision }));
    figures.push(figure({ id: `extract.${s.name}.speaker`, name: `extract speaker: ${s.name}`, value: round(s.speaker, 2), unit: '', reference: limit(TARGETS.speaker, 'target'), target: `≥ ${TARGETS.speaker}`, pass: s.speaker >= TARGETS.speaker }));
  }
  figures.push(figure({ id: 'extract.checkBy', name: 'extract check-by ±7 d (overall)', value: round(overall.checkBy, 2), unit: '', reference: limit(1, 'all matched'), target: 'info', pass: null }));
  figures.push(figure({ id: 'extract.ms', name: `extract ${timing.words}-word article (median)`, value: round(timing.medianMs, 1), unit: 'ms', reference: limit(TARGETS.ms, 'target'), target: `≤ ${TARGETS.ms} ms`, pass: timing.medianMs <= TARGETS.ms }));
  return { figures, details: { scores, overall, timing } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { scores, table } = runExtractBench();
  process.stdout.write(`${table}\n`);
  if (process.env.EXTRACT_VERBOSE === '1') {
    for (const s of scores) {
      process.stdout.write(`\n## ${s.name}\n`);
      for (const q of s.missing) process.stdout.write(`  KEY QUOTE NOT IN TEXT: ${q}\n`);
      for (const m of s.misses) process.stdout.write(`  missed: [${m.speaker}] ${m.quote}\n`);
      for (const e of s.extras) process.stdout.write(`  extra:  [${e.speaker}] ${e.quote}\n`);
      for (const w of s.wrongSpeaker) process.stdout.write(`  speaker: found ${w.found} / key ${w.key}: ${w.quote.slice(0, 60)}\n`);
      for (const w of s.wrongDate) process.stdout.write(`  date: found ${w.found} (${w.phrase}) / key ${w.key}: ${w.quote.slice(0, 60)}\n`);
    }
  }
}
