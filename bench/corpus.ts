/**
 * The measurement corpus for extraction (test/fixtures/corpus/): real published articles, each
 * `<id>.txt` (the body, verbatim) with `<id>.key.json` (where it came from, and its answer key,
 * written before the extractor ever ran on it; see ../shared/guide/forecast-keys.md), and
 * `split.json`: the one dev/test split, made by a seeded shuffle (`seededSplit`) before any run.
 * The test split was scored blind once, then spent: both splits are in-sample now (see the README).
 *
 * Reading only: nothing here runs the extractor. `npx tsx bench/corpus.ts --split` wrote
 * split.json (it refuses to overwrite one: the split is made once).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../test/fixtures/corpus/', import.meta.url));

/** The seed of the one split (also written in split.json and the corpus README). */
export const SPLIT_SEED = 20261207;

export interface CorpusForecast {
  quote: string;
  speaker: string;
  speakerAliases?: string[];
  checkBy: string;
  note?: string;
}

export interface CorpusKey {
  id: string;
  /** The text file beside the key. */
  article: string;
  url: string;
  outlet: string;
  /** YYYY-MM-DD. */
  publishedOn: string;
  /** How the date is known (the address, the page's date field, the text). */
  dateFrom: string;
  domain: string;
  /** Where the text was taken from. */
  source: string;
  title?: string;
  /** What was left out of the page (navigation, captions, promotions), or "nothing". */
  dropped: string;
  /** The attribution style, in a line. */
  style: string;
  forecasts: CorpusForecast[];
  ambiguous: { quote: string; why?: string }[];
  notForecasts: { quote: string; why?: string }[];
}

export interface CorpusSplit {
  seed: number;
  method: string;
  dev: string[];
  test: string[];
}

export type SplitName = 'dev' | 'test';

/**
 * The held-out set (issue 23): real articles keyed blind by readers who never saw the extractor.
 * Scored once, blind, in the session that built it; spent since: the third pass tuned on it (its
 * misses were read), so its figures are in-sample now.
 */
export const HELDOUT_DIR = fileURLToPath(new URL('../test/fixtures/heldout/', import.meta.url));

/**
 * The blind set (issue 23, third pass): real articles keyed by readers who never saw the
 * extractor, its code or its output, committed before the extractor ever ran on them. Scored once,
 * blind; the fourth pass tuned on it after, so its figures are in-sample now.
 */
export const BLIND_DIR = fileURLToPath(new URL('../test/fixtures/blind/', import.meta.url));

/**
 * The second blind set (issue 23, fourth pass): built the same way by other readers from other
 * sources while the fourth pass was tuned on the first. Scored once, blind; the fifth pass tuned on
 * it after, so its figures are in-sample now.
 */
export const BLIND2_DIR = fileURLToPath(new URL('../test/fixtures/blind2/', import.meta.url));

/**
 * The third blind set (issue 23, fifth pass): built the same way by other readers from other
 * sources while the fifth pass was tuned on the first two. Never tuned on, never split: its figures
 * are the measure, and the bench prints no per-article details for it.
 */
export const BLIND3_DIR = fileURLToPath(new URL('../test/fixtures/blind3/', import.meta.url));
export const BLIND4_DIR = fileURLToPath(new URL('../test/fixtures/blind4/', import.meta.url));
export const BLIND5_DIR = fileURLToPath(new URL('../test/fixtures/blind5/', import.meta.url));
export const BLIND6_DIR = fileURLToPath(new URL('../test/fixtures/blind6/', import.meta.url));
/** The seventh blind set (session 6): the measure of the boosted trees, scored once, trained on since (session 7). */
export const BLIND7_DIR = fileURLToPath(new URL('../test/fixtures/blind7/', import.meta.url));
/** The eighth blind set (session 6): keyed at the same time as the seventh, for training only. */
export const BLIND8_DIR = fileURLToPath(new URL('../test/fixtures/blind8/', import.meta.url));
/** The ninth and tenth blind sets (session 7): together, the measure. */
export const BLIND9_DIR = fileURLToPath(new URL('../test/fixtures/blind9/', import.meta.url));
export const BLIND10_DIR = fileURLToPath(new URL('../test/fixtures/blind10/', import.meta.url));

/** Every key in the corpus folder, by id. */
export function readCorpusKeys(dir = CORPUS_DIR): CorpusKey[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.key.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as CorpusKey);
}

export function readCorpusText(key: CorpusKey, dir = CORPUS_DIR): string {
  return readFileSync(`${dir}${key.article}`, 'utf8');
}

export function readSplit(dir = CORPUS_DIR): CorpusSplit {
  return JSON.parse(readFileSync(`${dir}split.json`, 'utf8')) as CorpusSplit;
}

/** How many times a quote stands in the text, whitespace aside (a key quote must stand there once). */
export function occurrences(text: string, quote: string): number {
  const words = quote.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!words.length) return 0;
  return text.match(new RegExp(words.join('\\s+'), 'g'))?.length ?? 0;
}

/** mulberry32: a small seeded generator of floats in [0, 1), the same on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SPLIT_METHOD = 'ids sorted, Fisher–Yates shuffle driven by mulberry32(seed), first ceil(n/2) dev, the rest test; each list sorted';

/** The split the seed gives: the same ids in, the same halves out. */
export function seededSplit(ids: readonly string[], seed: number): { dev: string[]; test: string[] } {
  const order = [...ids].sort();
  const random = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const half = Math.ceil(order.length / 2);
  return { dev: order.slice(0, half).sort(), test: order.slice(half).sort() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--split')) {
  const path = `${CORPUS_DIR}split.json`;
  if (existsSync(path)) throw new Error(`${path} exists: the split is made once`);
  const ids = readCorpusKeys().map((k) => k.id);
  const split: CorpusSplit = { seed: SPLIT_SEED, method: SPLIT_METHOD, ...seededSplit(ids, SPLIT_SEED) };
  writeFileSync(path, `${JSON.stringify(split, null, 2)}\n`);
  process.stdout.write(`split.json: ${split.dev.length} dev, ${split.test.length} test (seed ${SPLIT_SEED})\n`);
}
