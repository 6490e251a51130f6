/**
 * Extraction's worst inputs: how long the extractor takes on text shaped to be slow, not on news.
 * `npx tsx bench/extract-worst.ts` (part of nothing else: run it alone, on a quiet machine; the load
 * before the run is printed beside the figures). Each shape is `SIZE` characters (100,000 by default,
 * half the extractor's cap of MAX_TEXT_CHARS; `EXTRACT_WORST_SIZE=200000` for the cap itself),
 * extracted `EXTRACT_WORST_REPEATS` times (3) after one warm-up; the table gives each shape's median
 * and slowest run and how many candidates it gave.
 *
 * The shapes are what regular expressions and the attribution's look-behinds find hardest: one long
 * sentence repeated, quotation marks that never close or nest, chains of speech verbs, abbreviations
 * with no sentence end, a paragraph with no punctuation, dates and horizons everywhere, list lines,
 * no spaces at all, capitalised words with no verb, every sentence a distinct attributed forecast
 * (so nothing is merged away), credits, interviews, parentheses, dashes. `worstShapes()` is exported
 * so a test can check the shapes are what they say (sizes), never how fast they run.
 *
 * Extraction runs in the worker pool (src/work/pool.ts), so no server waits for a slow one; this
 * is the figure for how slow one can be.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { articleFromText, extractCandidates } from '../src/extract/index.js';
import { percentile } from './lib.js';

/** Repeats `unit(i)` (i = 0, 1, 2 …) until the text is `size` characters, cut there. */
function fill(size: number, unit: (i: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const u = unit(i);
    parts.push(u);
    length += u.length;
  }
  return parts.join('').slice(0, size);
}

const NAMES = ['Ada Brill', 'Tomas Varga', 'Mara Ekdahl', 'Jon Pike', 'Lena Ortiz', 'Sam Okafor', 'Ines Duarte', 'Piet Hol'];
const name = (i: number) => `${NAMES[i % NAMES.length]} ${String.fromCharCode(65 + (i % 26))}${i}`;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The shapes, by name, each `size` characters. */
export function worstShapes(size = 100_000): { name: string; text: string }[] {
  const longSentence = `The ministry said ${'that the council would review the plan and '.repeat(45)}then decide by March 2027.`;
  return [
    { name: 'one 2,000-character sentence, repeated', text: fill(size, () => `${longSentence.slice(0, 2_000)} `) },
    { name: 'opening quotation marks that never close', text: fill(size, (i) => `“the bank will cut rates ${i} `) },
    { name: 'nested quotation marks', text: fill(size, (i) => `“He said ‘she said “they will win in 20${i % 100}” ’ `) },
    { name: 'a chain of speech verbs', text: fill(size, (i) => `${name(i)} said `) },
    { name: 'abbreviations, no sentence end', text: fill(size, () => 'Mr. Dr. U.S. Gov. Sen. Rep. Lt. Col. St. Inc. Corp. No. ') },
    { name: 'one paragraph of words, no punctuation', text: fill(size, (i) => `word${i % 97} will rise `) },
    { name: 'dates and horizons everywhere', text: fill(size, (i) => `by ${MONTHS[i % 12]} ${2026 + (i % 9)} next week on Tuesday in the coming months until at least 2030 `) },
    { name: 'list lines with forecasts', text: fill(size, (i) => `- Revenue will rise ${i % 50}% in 2027\n`) },
    { name: 'no spaces at all', text: 'a'.repeat(size) },
    { name: 'capitalised words, no verb', text: fill(size, (i) => `Aaa${i % 13} Bbb${i % 7} Ccc `) },
    { name: 'distinct quoted forecasts, each attributed', text: fill(size, (i) => `“We will raise output by ${i}% in ${2027 + (i % 5)},” said ${name(i)}, the chief executive.\n\n`) },
    { name: 'distinct reported forecasts', text: fill(size, (i) => `${name(i)} said the bank would cut its rate to ${i}% by ${MONTHS[i % 12]}. `) },
    { name: 'distinct unattributed forecasts', text: fill(size, (i) => `The index will rise by ${i} points next year. `) },
    { name: 'credits closing every paragraph', text: fill(size, (i) => `Prices will fall ${i}% by June. “Supply is catching up.” — ${NAMES[i % NAMES.length]}, Weekly ${i}\n\n`) },
    { name: 'interview answers', text: fill(size, (i) => `${name(i)}: We expect growth of ${i}% in 2027 and more after that.\n\n`) },
    { name: 'list introduced by a speaker, unending', text: `${name(0)} also said:\n${fill(size, (i) => `Exports will grow ${i}% in 2027\n`)}`.slice(0, size) },
    { name: 'commas and “according to” chains', text: fill(size, (i) => `according to ${name(i)}, , , `) },
    { name: 'dashes and parentheses', text: fill(size, (i) => `— (${name(i)} (will (rise (in 2027)))) – `) },
    { name: 'blank lines only', text: '\n'.repeat(size) },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(process.env.EXTRACT_WORST_SIZE ?? 100_000);
  const repeats = Number(process.env.EXTRACT_WORST_REPEATS ?? 3);
  process.stdout.write(`extraction, worst inputs (${size.toLocaleString('en-US')} characters each, ${repeats} runs after a warm-up); load before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  process.stdout.write('| shape | median ms | slowest ms | candidates |\n|---|---|---|---|\n');
  let worst = 0;
  for (const shape of worstShapes(size)) {
    const article = articleFromText(shape.text, { publishedOn: '2026-01-15' });
    const found = extractCandidates(article).length;
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      extractCandidates(article);
      times.push(performance.now() - t0);
    }
    worst = Math.max(worst, ...times);
    process.stdout.write(`| ${shape.name} | ${percentile(times, 50).toFixed(0)} | ${Math.max(...times).toFixed(0)} | ${found} |\n`);
  }
  process.stdout.write(`slowest of all: ${worst.toFixed(0)} ms; load after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}
