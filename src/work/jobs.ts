/**
 * The jobs the worker pool runs (src/work/pool.ts): each a function of one serialisable input,
 * CPU-heavy and free of I/O. Workers import this table; the bot names a job and its input
 * (ctx.work.run(guildId, 'article.html', …)). A job refuses what it will not read by throwing a
 * LedgerError (a catalog key and values: a file's faulty field, a page too complex to read), which
 * crosses the pool whole and is told in the member's language; a WorkRefused's message is shown as is.
 */
import type { ArticleInput, Candidate } from '../extract/types.js';
import { articleFromHtml, articleFromText, PageTooComplexError } from '../extract/html.js';
import { extractCandidates } from '../extract/index.js';
import type { CalibrationChartInput } from '../charts/calibration.js';
import type { OutcomesChartInput } from '../charts/outcomes.js';
import { prepareImport, type PreparedImport, type PrepareScope } from '../ledger/transfer/prepare.js';
import { LedgerError } from '../ledger/errors.js';
import { translator } from '../i18n/index.js';

/** A page's refusal before parsing becomes the member's answer (in their language). */
function refusing<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    // a LedgerError crosses the pool with its key and values: the member reads it in their language
    if (error instanceof PageTooComplexError) throw new LedgerError('invalid_input', error.key, error.vars);
    throw error;
  }
}

/** A PNG as bytes (a Buffer arrives on the other side as a plain Uint8Array). */
const bytes = (png: Buffer): Uint8Array => new Uint8Array(png.buffer, png.byteOffset, png.byteLength);

export const jobs = {
  /** An article out of a web page (Readability), after the page's shape is checked. */
  'article.html': (input: { html: string; url: string | null }): ArticleInput => refusing(() => articleFromHtml(input.html, input.url)),
  /** An article out of plain text. */
  'article.text': (input: { text: string; url: string | null }): ArticleInput => articleFromText(input.text, input.url ? { url: input.url } : {}),
  /** The forecasts found in an article. */
  'article.candidates': (input: { article: ArticleInput; today: string }): Candidate[] => extractCandidates(input.article, { today: input.today }),
  /** Charts (Skia is loaded on a worker's first chart). */
  'chart.calibration': async (input: CalibrationChartInput): Promise<Uint8Array> => bytes(await (await import('../charts/calibration.js')).renderCalibrationChart(input, translator(input.locale))),
  'chart.outcomes': async (input: OutcomesChartInput): Promise<Uint8Array> => bytes(await (await import('../charts/outcomes.js')).renderOutcomesChart(input, translator(input.locale))),
  /** An uploaded import file parsed and checked (the writing happens on the main thread). */
  'import.prepare': (input: { raw: string; scope: PrepareScope }): PreparedImport => prepareImport(input.raw, input.scope),
};

export type Jobs = typeof jobs;
export type JobKind = keyof Jobs;
