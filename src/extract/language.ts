/**
 * Which language an article is written in, from its text alone (never from its address): the
 * extractor reads English only for now, and an article in another language is refused with a plain
 * answer rather than read badly.
 *
 * franc-min's trigram models decide among the Latin-script languages. Russian and Ukrainian share
 * most trigrams (franc takes a short Russian paragraph for Ukrainian), so for Cyrillic text the
 * letters each language alone uses decide first: ы э ё for Russian, і ї є ґ for Ukrainian, ў for
 * Belarusian; franc (limited to Cyrillic languages) only when those do not settle it.
 *
 * Pure and synchronous: a string in, an ISO 639-3 code out ('und' when there is too little text).
 */
import { franc, francAll } from 'franc-min';

export interface DetectedLanguage {
  /** ISO 639-3: 'eng', 'rus', 'ukr', 'deu', …; 'und' when undetermined. */
  code: string;
  /** True unless the text was found to be in another language (undetermined text counts as English). */
  english: boolean;
}

/** Enough of an article to tell its language; the rest changes nothing. */
const SAMPLE_CHARS = 20_000;
/** Fewer letters than this: undetermined (Cyrillic text needs fewer to be told from English). */
const MIN_LETTERS = 40;
const MIN_CYRILLIC_LETTERS = 12;
/** Within this of the best score, English is taken as possible, and so as English. */
const ENGLISH_MARGIN = 0.85;

const CYRILLIC_LANGUAGES = ['rus', 'ukr', 'bel', 'bul', 'srp', 'kaz'];

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

function cyrillicLanguage(text: string): string {
  const lower = text.toLowerCase();
  const russian = count(lower, /[ыэё]/g);
  const ukrainian = count(lower, /[іїєґ]/g);
  const belarusian = count(lower, /ў/g);
  const letters = count(lower, /\p{Script=Cyrillic}/gu);
  if (belarusian > 0 && belarusian >= letters / 500) return 'bel';
  // A quote in the other language does not turn the article: the markers must clearly lean one way.
  if (russian > 2 * ukrainian) return 'rus';
  if (ukrainian > 2 * russian) return 'ukr';
  // Neither leans (Bulgarian, Serbian, or a text too short for either's letters): franc among the
  // Cyrillic languages, without Ukrainian when there is no і at all (about one letter in twenty
  // of Ukrainian), and without Russian when a longer text has no ы э ё.
  const only = CYRILLIC_LANGUAGES.filter((code) => !(code === 'ukr' && ukrainian === 0) && !(code === 'rus' && russian === 0 && letters >= 300));
  const guess = franc(text, { only, minLength: 10 });
  return guess === 'und' ? (only[0] ?? 'rus') : guess;
}

/** The language of `text`. */
export function detectLanguage(text: string): DetectedLanguage {
  const sample = text
    .slice(0, SAMPLE_CHARS)
    .replace(/\bhttps?:\/\/\S+/gi, ' ')
    .replace(/\S+@\S+\.\S+/g, ' ');
  const letters = count(sample, /\p{L}/gu);
  const latin = count(sample, /\p{Script=Latin}/gu);
  const cyrillic = count(sample, /\p{Script=Cyrillic}/gu);
  if (cyrillic > letters / 2 && cyrillic >= MIN_CYRILLIC_LETTERS) return { code: cyrillicLanguage(sample), english: false };
  if (letters < MIN_LETTERS) return { code: 'und', english: true };
  if (latin > letters / 2) {
    // Only the Latin-script part: a Cyrillic name or quote in an English article is no evidence.
    const ranked = francAll(sample.replace(/[^\p{Script=Latin}\s'’-]+/gu, ' '), { minLength: 10 });
    const best = ranked[0]?.[0] ?? 'und';
    const englishScore = ranked.find(([code]) => code === 'eng')?.[1] ?? 0;
    // English when it is first or close to it: refusing an English article costs more than trying a foreign one.
    if (best === 'und' || best === 'eng' || englishScore >= ENGLISH_MARGIN) return { code: best === 'und' ? 'und' : 'eng', english: true };
    return { code: best, english: false };
  }
  // Another script (Arabic, Han, Devanagari, …): franc tells which by its script.
  const other = franc(sample, { minLength: 10 });
  return { code: other, english: other === 'und' };
}
