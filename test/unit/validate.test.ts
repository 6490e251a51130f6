import { describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/ledger/errors.js';
import {
  claimNumber,
  cleanText,
  optionalFamily,
  optionalText,
  optionalUrl,
  probability,
  requiredText,
  speakerKey,
} from '../../src/ledger/validate.js';

/** Runs `fn`, expecting an invalid_input LedgerError; returns its message. */
function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).code).toBe('invalid_input');
    return (e as Error).message;
  }
  throw new Error('expected a LedgerError, nothing was thrown');
}

describe('cleanText', () => {
  it('drops control characters', () => {
    expect(cleanText('a\u0000b\u0007c\u001Fd\u007Fe')).toBe('abcde');
    expect(cleanText('x\u000By\u000Cz')).toBe('xyz'); // vertical tab, form feed
    expect(cleanText('a\r\nb')).toBe('a\nb'); // CR dropped, LF kept
  });

  it('keeps newlines, folds runs of spaces and tabs into one space', () => {
    expect(cleanText('line one\nline two')).toBe('line one\nline two');
    expect(cleanText('a    b\t\tc \t d')).toBe('a b c d');
    expect(cleanText('para\n\npara')).toBe('para\n\npara');
  });

  it('trims spaces and newlines at the ends', () => {
    expect(cleanText('  \n hello \n ')).toBe('hello');
    expect(cleanText('   ')).toBe('');
    expect(cleanText('')).toBe('');
  });

  it('keeps non-ASCII text', () => {
    expect(cleanText('Zoë  says «ça va» — 東京')).toBe('Zoë says «ça va» — 東京');
  });
});

describe('requiredText', () => {
  it('returns the cleaned text', () => {
    expect(requiredText('Claim', '  Prices  will rise ', 50)).toBe('Prices will rise');
  });

  it('refuses empty, blank, null and undefined, naming the field', () => {
    for (const v of ['', '   ', '\u0000\u0001', null, undefined]) {
      expect(invalidMessage(() => requiredText('Claim', v, 50))).toBe('Claim cannot be empty.');
    }
  });

  it('measures length after cleaning: max allowed, max + 1 refused with the count', () => {
    expect(requiredText('Claim', 'abc', 3)).toBe('abc');
    expect(requiredText('Claim', 'a     b', 3)).toBe('a b');
    expect(invalidMessage(() => requiredText('Speaker', 'abcd', 3))).toBe('Speaker is too long (4 characters; at most 3).');
  });
});

describe('optionalText', () => {
  it('gives null for null, undefined, empty and blank', () => {
    expect(optionalText('Quote', null, 10)).toBeNull();
    expect(optionalText('Quote', undefined, 10)).toBeNull();
    expect(optionalText('Quote', '', 10)).toBeNull();
    expect(optionalText('Quote', ' \t \n ', 10)).toBeNull();
  });

  it('returns the cleaned text; refuses too long naming the field', () => {
    expect(optionalText('Quote', ' a  b ', 10)).toBe('a b');
    expect(invalidMessage(() => optionalText('Criteria', 'x'.repeat(11), 10))).toBe(
      'Criteria is too long (11 characters; at most 10).',
    );
  });
});

describe('optionalUrl', () => {
  it('gives null when absent', () => {
    expect(optionalUrl('Link', null)).toBeNull();
    expect(optionalUrl('Link', undefined)).toBeNull();
    expect(optionalUrl('Link', '  ')).toBeNull();
  });

  it('accepts http and https and normalises', () => {
    expect(optionalUrl('Link', 'https://example.com')).toBe('https://example.com/');
    expect(optionalUrl('Link', '  HTTPS://Example.COM/News?id=1  ')).toBe('https://example.com/News?id=1');
    expect(optionalUrl('Link', 'http://example.com/a b')).toBe('http://example.com/a%20b');
  });

  it.each(['javascript:alert(1)', 'ftp://example.com/file', 'data:text/html,<b>x</b>', 'mailto:a@example.com'])(
    'refuses the non-web %j',
    (url) => {
      expect(invalidMessage(() => optionalUrl('Link', url))).toBe('Link must be an http(s) address.');
    },
  );

  it.each(['example', 'example.com/news', 'www.example.com'])('refuses the bare %j', (url) => {
    const message = invalidMessage(() => optionalUrl('Link', url));
    expect(message).toContain('Link must be a full web address');
    expect(message).toContain(url);
  });

  it('refuses an address longer than the limit', () => {
    const long = `https://example.com/${'a'.repeat(500)}`;
    expect(invalidMessage(() => optionalUrl('Link', long))).toContain('Link is too long');
  });
});

describe('optionalFamily', () => {
  it('gives null when absent', () => {
    expect(optionalFamily(null)).toBeNull();
    expect(optionalFamily(undefined)).toBeNull();
    expect(optionalFamily('   ')).toBeNull();
  });

  it('lower-cases and turns spaces into "-"', () => {
    expect(optionalFamily('Diplomacy')).toBe('diplomacy');
    expect(optionalFamily('US Politics')).toBe('us-politics');
    expect(optionalFamily('  Middle   East  ')).toBe('middle-east');
    expect(optionalFamily('climate_2030')).toBe('climate_2030');
    expect(optionalFamily('Économie')).toBe('économie');
    expect(optionalFamily('a\nb')).toBe('a-b'); // any whitespace, newlines included
  });

  it.each(['war!', 'a/b', 'us.politics', '-war', '_war', "o'clock"])('refuses %j', (value) => {
    expect(invalidMessage(() => optionalFamily(value))).toBe('Family may use letters, digits, "-" and "_" only.');
  });

  it('refuses more than 40 characters', () => {
    expect(optionalFamily('a'.repeat(40))).toBe('a'.repeat(40));
    expect(invalidMessage(() => optionalFamily('a'.repeat(41)))).toContain('Family is too long');
  });
});

describe('probability', () => {
  it('accepts 0 to 100 and rounds to one decimal', () => {
    expect(probability(0)).toBe(0);
    expect(probability(100)).toBe(100);
    expect(probability(70)).toBe(70);
    expect(probability(33.333)).toBe(33.3);
    expect(probability(66.66)).toBe(66.7);
    expect(probability(99.99)).toBe(100);
    expect(probability(0.04)).toBe(0);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.1, -1, 100.1, 101])('refuses %s', (v) => {
    expect(invalidMessage(() => probability(v))).toBe('Probability must be a number from 0 to 100 (percent).');
  });
});

describe('claimNumber', () => {
  it.each([
    [3, 3],
    ['3', 3],
    ['#3', 3],
    [' #12 ', 12],
    ['# 7', 7],
    ['007', 7],
    [2_000_000_000, 2_000_000_000],
    ['2000000000', 2_000_000_000],
  ])('reads %j as %d', (input, expected) => {
    expect(claimNumber(input)).toBe(expected);
  });

  it.each([0, -1, 3.5, Number.NaN, Number.POSITIVE_INFINITY, 2_000_000_001, '0', '-1', '', '#', 'abc', '3.5', '3abc', '1e3', '0x10', '3 4', '##3', '2000000001'])(
    'refuses %s',
    (input) => {
      expect(invalidMessage(() => claimNumber(input))).toBe('Claim must be a claim number such as 3 or #3.');
    },
  );
});

describe('speakerKey', () => {
  it('folds case and whitespace', () => {
    expect(speakerKey('A Russian official')).toBe('a russian official');
    expect(speakerKey('  a russian  Official ')).toBe('a russian official');
    expect(speakerKey('Jane\tDoe\nJr')).toBe('jane doe jr');
    expect(speakerKey('A Russian official')).toBe(speakerKey('a  RUSSIAN official'));
  });

  it('keeps distinct names distinct', () => {
    expect(speakerKey('Jane Doe')).not.toBe(speakerKey('Jane Does'));
  });
});

describe('invisible characters (zero-width, bidi controls and other invisible format characters)', () => {
  const INVISIBLES = [
    ...'\u200B\u200C\u200D\u200E\u200F',
    ...'\u202A\u202B\u202C\u202D\u202E',
    ...'\u2060\u2061\u2062\u2063\u2064',
    ...'\u2066\u2067\u2068\u2069',
    '\uFEFF', '\u00AD', '\u061C', '\u180E', '\u206A', '\uFFF9', '\u{E0001}', '\u{E0041}', '\u{1D173}', // other Cf
    '\u3164', '\u115F', '\uFFA0', '\u2800', // blank letters
    '\u0085', '\u009F', // C1 controls
  ];

  it('are stripped from text, inside words too', () => {
    for (const ch of INVISIBLES) {
      expect(cleanText(`Pu${ch}tin`), `U+${ch.codePointAt(0)!.toString(16)}`).toBe('Putin');
      expect(cleanText(`${ch}talks ${ch} start${ch}`)).toBe('talks start');
    }
    // Two spellings that differ only by invisibles are one speaker.
    expect(speakerKey(cleanText('a\u200B Russian\u2066 official'))).toBe(speakerKey(cleanText('a Russian official')));
  });

  it('keeps the format characters that draw a sign, and folds other Unicode spaces', () => {
    expect(cleanText('\u0600١٢')).toBe('\u0600١٢'); // Arabic number sign
    expect(cleanText('a\u00A0\u2003\u3000b')).toBe('a b');
    expect(cleanText('one\u2028two')).toBe('one\ntwo');
  });

  it('a field of only invisible characters is refused with a clear error, required or optional', () => {
    const sneaky = '\u200B\u200D\u202E\u2066\uFEFF \u3164';
    expect(invalidMessage(() => requiredText('Claim', sneaky, 50))).toMatch(/^Claim has only invisible characters .*Type visible text\.$/);
    expect(invalidMessage(() => optionalText('Speaker', sneaky, 50))).toMatch(/^Speaker has only invisible characters/);
    // Plain blanks stay what they were: empty for a required field, nothing for an optional one.
    expect(invalidMessage(() => requiredText('Claim', '   ', 50))).toBe('Claim cannot be empty.');
    expect(optionalText('Speaker', '   ', 50)).toBeNull();
  });
});
