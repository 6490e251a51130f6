/**
 * The why lines of a candidate (issue 26): written in English as before, and told to a reviewer in
 * their language by reading each stored line back to its catalog key (src/extract/why.ts,
 * whyIn in src/components/drafts.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractCandidates } from '../../src/extract/index.js';
import { anchorOf, checkByPhrase, readAnchor, readWhy, why } from '../../src/extract/why.js';
import { anchorIn, checkByPhraseIn, whyIn } from '../../src/components/drafts.js';
import { EN, translator } from '../../src/i18n/index.js';

const DIR = new URL('../fixtures/articles/', import.meta.url);
const lines = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => extractCandidates({ text: readFileSync(new URL(f, DIR), 'utf8'), title: null, url: null, publishedOn: '2025-01-01' }).flatMap((c) => c.why));

describe('why lines', () => {
  it('every line the extractor writes is read back, and told in English exactly as written', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(readWhy(line), line).not.toBeNull();
      expect(whyIn(line, EN)).toBe(line);
    }
  });

  it('are told in Russian and Ukrainian, the article’s words kept', () => {
    const ru = translator('ru');
    const uk = translator('uk');
    expect(whyIn(why.attributed('quote', 'said'), ru)).toBe('атрибуция (цитата): said');
    expect(whyIn(why.hedge('probably', 'unlikely'), ru)).toBe(`степень уверенности: probably (с отрицанием: ${ru('bands.unlikely')}, что утверждение в этой формулировке сбудется)`);
    expect(whyIn(why.cue('horizon', 'by June'), uk)).toBe('горизонт: by June');
    expect(whyIn(why.repeated(2), ru)).toBe('повторяется в статье (2 раза): оставлен один');
    expect(whyIn(why.repeated(5), uk)).toBe('повторюється в статті (5 разів): залишено один');
    expect(whyIn(why.anchored('the summit'), uk)).toBe('відлік від: the summit');
    for (const line of lines) expect(whyIn(line, ru), line).not.toBe(line);
  });

  it('shows a line it does not know as it is', () => {
    expect(readWhy('something else: entirely')).toBeNull();
    expect(whyIn('something else: entirely', translator('ru'))).toBe('something else: entirely');
  });
});

describe('check-by phrases the extractor writes itself', () => {
  it('are told in the reader’s language, nested or not; the article’s words stay', () => {
    const none = checkByPhrase.noHorizon(12);
    expect(none).toBe('no horizon in the text: the default of 12 months');
    expect(checkByPhraseIn(none, EN)).toBe(none);
    expect(checkByPhraseIn(none, translator('ru'))).toBe('в тексте нет срока: по умолчанию 12 месяцев');
    const before = checkByPhrase.asBefore(none);
    expect(checkByPhraseIn(before, EN)).toBe(before);
    expect(checkByPhraseIn(before, translator('uk'))).toBe('як у прогнозу перед ним (у тексті немає терміну: за замовчуванням 12 місяців)');
    expect(checkByPhraseIn('by the end of 2026', translator('uk'))).toBe('by the end of 2026');
  });
});

describe('event anchors the extractor names itself', () => {
  it('are told in the reader’s language, in the card and in the why line; the article’s words stay', () => {
    const ru = translator('ru');
    const uk = translator('uk');
    const named = [anchorOf.inauguration(), anchorOf.inauguration('2029-01-20'), anchorOf.takingOffice(), anchorOf.takingOffice('2029-01-20'), anchorOf.newAdministration('2029-01-20'), anchorOf.election(), anchorOf.election('2028-11-07')];
    for (const a of named) {
      expect(readAnchor(a), a).not.toBeNull();
      expect(anchorIn(a, EN)).toBe(a);
      expect(anchorIn(a, ru), a).not.toBe(a);
    }
    expect(anchorIn(anchorOf.takingOffice('2029-01-20'), uk)).toBe('вступ на посаду (інавгурація 2029-01-20; перші 100 днів)');
    expect(whyIn(why.anchored(anchorOf.election('2028-11-07')), ru)).toBe('отсчёт от: выборы (2028-11-07)');
    expect(anchorIn('the summit', ru)).toBe('the summit');
  });
});
