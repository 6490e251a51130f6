/**
 * The extractor's bounds (issue 20, findings 1 and 3): a page's shape is checked before
 * Readability sees it, and the text stages read a window around each quotation, a capped number
 * of quotations and candidates, and short abbreviations only, so hostile input costs time in
 * proportion to its length, never its square.
 */
import { describe, expect, it } from 'vitest';
import { articleFromHtml, MAX_DEPTH, MAX_ELEMENTS, PageTooComplexError, scanHtml } from '../../src/extract/html.js';
import { attributedSegments, MAX_QUOTATIONS, QUOTE_WINDOW, readStructure } from '../../src/extract/attribution.js';
import { splitSentences } from '../../src/extract/sentences.js';
import { jobs } from '../../src/work/jobs.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { extractCandidates, MAX_CANDIDATES, MAX_TEXT_CHARS } from '../../src/extract/index.js';

const nested = (depth: number) => `<html><body>${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}</body></html>`;

describe('scanHtml', () => {
  it('counts elements and nesting without building the page, as HTML parsers nest them', () => {
    expect(scanHtml(nested(10))).toEqual({ elements: 12, depth: 12 });
    // <li> and <p> close their open sibling; void elements and `<div/>`-in-SVG open nothing.
    expect(scanHtml(`<ul>${'<li>item'.repeat(500)}</ul><p>a<p>b<div>c</div><br><img src=x><svg>${'<path d="M0"/>'.repeat(50)}</svg>`).depth).toBe(2);
    // Script and style content, comments and doctypes are not markup.
    expect(scanHtml(`<!doctype html><!-- ${'<div>'.repeat(100)} --><script>${'<div>'.repeat(100)}</SCRIPT><style>${'<b>'.repeat(100)}</style><p>x</p>`)).toEqual({ elements: 3, depth: 1 });
    // A non-void element written `<div/>` in HTML still opens (as parsers treat it).
    expect(scanHtml('<div/>'.repeat(200)).depth).toBe(200);
  });

  it('stops as soon as a limit is passed', () => {
    expect(scanHtml(nested(4000), { elements: 1e9, depth: 256 }).depth).toBe(257);
    expect(scanHtml('<a href="x">y</a>'.repeat(100_000), { elements: 30_000, depth: 1e9 }).elements).toBe(30_001);
  });
});

describe('articleFromHtml refuses a page past the limits before parsing it', () => {
  // Failed before: the page was parsed (1,000 nested <div> held Readability 5.4 s, 4,000 for 141 s
  // and then a RangeError); now the scan refuses it with a message for the member.
  it(`nesting deeper than ${MAX_DEPTH}`, () => {
    expect(() => articleFromHtml(nested(MAX_DEPTH + 5))).toThrow(PageTooComplexError);
    expect(() => articleFromHtml(nested(4000))).toThrow(/nested more than 256 levels deep/);
  });

  it('is told in the member’s language after crossing the worker pool (issue 26), the English unchanged', () => {
    const refusal = (html: string) => {
      try {
        jobs['article.html']({ html, url: null });
      } catch (error) {
        return error as LedgerError;
      }
      throw new Error('expected a refusal');
    };
    const deep = refusal(nested(MAX_DEPTH + 5));
    expect(deep).toBeInstanceOf(LedgerError);
    expect(deep.message).toBe('That page is too complex to read: its HTML is nested more than 256 levels deep. Save the article as text and upload it as a file instead.');
    expect(deep.in('ru')).toBe('Эта страница слишком сложна для чтения: в её HTML больше 256 уровней вложенности. Сохраните статью как текст и загрузите её файлом.');
    const wide = refusal('<p>x</p>'.repeat(MAX_ELEMENTS + 1));
    expect(wide.message).toBe('That page is too large to read: it has more than 30,000 HTML elements (an article page has a few thousand). Save the article as text and upload it as a file instead.');
    expect(wide.in('uk')).toMatch(/^Ця сторінка завелика для читання: у ній понад 30\s000 HTML-елементів/);
  });

  it(`more than ${MAX_ELEMENTS.toLocaleString('en-US')} elements`, () => {
    const flat = `<html><body>${'<i></i>'.repeat(MAX_ELEMENTS + 1)}</body></html>`;
    expect(() => articleFromHtml(flat)).toThrow(/more than 30,000 HTML elements/);
  });

  it('still reads a page just inside them', () => {
    const article = articleFromHtml(`<html><body>${'<div>'.repeat(100)}<p>The talks will resume in Geneva next week, the ministry said.</p>${'</div>'.repeat(100)}</body></html>`);
    expect(article.text).toContain('talks will resume in Geneva');
  });
});

describe('attribution reads a bounded window around each quotation', () => {
  it(`does not look for a speaker more than ${QUOTE_WINDOW} characters before the quotation`, () => {
    const aside = 'and then, in an aside that goes on and on, '.repeat(Math.ceil(QUOTE_WINDOW / 40));
    const near = attributedSegments(readStructure('Anna Berg said on Tuesday: "The talks will begin in Geneva by March."'));
    expect(near.find((s) => s.form === 'quote')?.speaker).toBe('Anna Berg');
    // Failed before: the whole sentence before the quotation was read (quadratic without full stops).
    // (the quotation is still given, as one with no attribution of its own, to the speaker its
    // paragraph named before it: a lookup, not a read of the text between)
    const far = attributedSegments(readStructure(`Anna Berg said on Tuesday, ${aside}"the talks will begin in Geneva by March."`));
    expect(far.find((s) => s.form === 'quote')?.verb).toBe('continued quote');
    expect(near.find((s) => s.form === 'quote')?.verb).toBe('said');
  });

  it(`reads at most ${MAX_QUOTATIONS} quotations of speech`, () => {
    const text = Array.from({ length: MAX_QUOTATIONS + 50 }, (_, i) => `"Quote number ${i} says something here," said Ann Lee.`).join('\n\n');
    const quotes = attributedSegments(readStructure(text)).filter((s) => s.form === 'quote');
    // Failed before: every one of the 1,050 was read.
    expect(quotes).toHaveLength(MAX_QUOTATIONS);
    expect(text.slice(quotes.at(-1)!.start, quotes.at(-1)!.end)).toContain(`number ${MAX_QUOTATIONS - 1} `);
  });

  it(`finds at most ${MAX_CANDIDATES} candidates in one article`, () => {
    const text = Array.from({ length: MAX_CANDIDATES + 40 }, (_, i) => `"The council will approve budget number ${i} by March 2030," said Mayor Ann Lee.`).join('\n\n');
    // Failed before: all 240 were found (a review draft keeps 50 anyway).
    expect(extractCandidates({ text }, { today: '2026-01-01' })).toHaveLength(MAX_CANDIDATES);
  });
});

describe('sentences', () => {
  it('takes only a short word before a period for an abbreviation', () => {
    expect(splitSentences('U.S. officials met. Then they left.').map((s) => s.text)).toEqual(['U.S. officials met.', 'Then they left.']);
    // Failed before: any run of letters and periods was looked back over (and taken for one
    // abbreviation), so "a.a.a.…" was quadratic: 50,000 characters took 14 s.
    expect(splitSentences(`${'x.'.repeat(20)} Next one.`).map((s) => s.text)).toEqual([`${'x.'.repeat(20)}`, 'Next one.']);
  });
});

describe('hostile texts of the review finish', () => {
  // Each of these took seconds to minutes before (200,000 characters of `"a a a …`: 7.6 s on the
  // reviewer's machine; "a.a.a.…": minutes). No time is asserted: they run to the end, and the
  // test's own timeout is far above what they take now (tens of milliseconds).
  const hostile = {
    'quotation marks without a full stop': '"a a a a a a '.repeat(MAX_TEXT_CHARS / 12),
    'periods between letters': 'a.'.repeat(MAX_TEXT_CHARS / 2),
    'one quotation the length of the text': `"${'They will win the election next year by a lot and '.repeat(MAX_TEXT_CHARS / 50)}`,
    'a forecast sentence without end': '"They will win the election by 2030," said Bob Smith, and '.repeat(MAX_TEXT_CHARS / 58),
  };
  for (const [name, text] of Object.entries(hostile)) {
    it(name, () => {
      expect(text.length).toBeGreaterThan(MAX_TEXT_CHARS * 0.95);
      expect(extractCandidates({ text }, { today: '2026-01-01' }).length).toBeLessThanOrEqual(MAX_CANDIDATES);
    });
  }
});
