import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * Checks the bundled article pack against the article it was built from.
 *
 * The article is vendored at test/fixtures/articles/vpost-2024-11-06.txt (see
 * test/fixtures/README.md). If it cannot be found the tests FAIL (they are never
 * skipped): a pack whose quotes cannot be verified is not a pack we ship.
 */

interface PackClaim {
  key: string;
  speaker: string;
  quote: string;
  claim: string;
  family: string;
  madeOn: string;
  checkBy: string;
  checkByNote: string;
  criteria: string;
}

interface Pack {
  id: string;
  name: string;
  article: {
    outlet: string;
    title: string;
    titleNote: string;
    url: string | null;
    publishedOn: string;
  };
  claims: PackClaim[];
}

const PACK_URL = new URL('../src/packs/vpost-2024-11-06.json', import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const ARTICLE_PATH = path.resolve(REPO_ROOT, 'test', 'fixtures', 'articles', 'vpost-2024-11-06.txt');

const FAMILIES = ['war', 'negotiations', 'diplomacy', 'us-politics', 'geopolitics'];

const CLAIM_FIELDS = [
  'key',
  'speaker',
  'quote',
  'claim',
  'family',
  'madeOn',
  'checkBy',
  'checkByNote',
  'criteria',
] as const satisfies readonly (keyof PackClaim)[];

/** The one normalisation allowed: collapse whitespace runs, trim. */
function norm(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function loadPack(): Pack {
  return JSON.parse(readFileSync(PACK_URL, 'utf8')) as Pack;
}

function loadArticle(): string {
  if (!existsSync(ARTICLE_PATH)) {
    throw new Error(
      `Source article not found at ${ARTICLE_PATH}. ` +
        'The pack cannot be verified without it.',
    );
  }
  return readFileSync(ARTICLE_PATH, 'utf8');
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const pack = loadPack();

describe('article pack vpost-2024-11-06', () => {
  it('finds the source article', () => {
    expect(
      existsSync(ARTICLE_PATH),
      `Source article not found at ${ARTICLE_PATH} (it is vendored in the repository)`,
    ).toBe(true);
    expect(norm(loadArticle()).length).toBeGreaterThan(1000);
  });

  it('has the expected top-level shape', () => {
    expect(pack.id).toBe('vpost-2024-11-06');
    expect(pack.name).toBe("Russian officials on Trump's return (VPost, 2024-11-06)");
    expect(pack.article.outlet).toBe('VPost');
    expect(pack.article.url).toBeNull();
    expect(pack.article.publishedOn).toBe('2024-11-06');
    expect(norm(pack.article.title)).not.toBe('');
    expect(norm(pack.article.titleNote)).not.toBe('');
    expect(Array.isArray(pack.claims)).toBe(true);
    expect(pack.claims.length).toBeGreaterThanOrEqual(12);
  });

  it('has every required field non-empty on every claim', () => {
    for (const c of pack.claims) {
      for (const field of CLAIM_FIELDS) {
        const v: unknown = c[field];
        expect(typeof v, `${c.key}.${field} must be a string`).toBe('string');
        expect(norm(v as string), `${c.key}.${field} must be non-empty`).not.toBe('');
      }
      expect(Object.keys(c).sort(), `${c.key} has unexpected fields`).toEqual([...CLAIM_FIELDS].sort());
    }
  });

  it('keeps text fields within their length limits', () => {
    for (const c of pack.claims) {
      expect(c.claim.length, `${c.key}.claim too long`).toBeLessThanOrEqual(300);
      expect(c.quote.length, `${c.key}.quote too long`).toBeLessThanOrEqual(1000);
      expect(c.criteria.length, `${c.key}.criteria too long`).toBeLessThanOrEqual(1000);
    }
  });

  it('has unique, kebab-case keys', () => {
    const keys = pack.claims.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('uses only the agreed families', () => {
    for (const c of pack.claims) expect(FAMILIES, `${c.key}.family`).toContain(c.family);
  });

  it('has valid ISO dates with checkBy after madeOn', () => {
    expect(isIsoDate(pack.article.publishedOn)).toBe(true);
    for (const c of pack.claims) {
      expect(isIsoDate(c.madeOn), `${c.key}.madeOn = ${c.madeOn}`).toBe(true);
      expect(isIsoDate(c.checkBy), `${c.key}.checkBy = ${c.checkBy}`).toBe(true);
      expect(c.madeOn, `${c.key}.madeOn`).toBe(pack.article.publishedOn);
      // ISO dates compare correctly as strings.
      expect(c.checkBy > c.madeOn, `${c.key}: checkBy ${c.checkBy} must be after madeOn ${c.madeOn}`).toBe(true);
    }
  });

  it('quotes every forecast verbatim from the article', () => {
    const article = norm(loadArticle());
    for (const c of pack.claims) {
      expect(article.includes(norm(c.quote)), `${c.key}: quote not found verbatim in article: ${c.quote}`).toBe(true);
    }
  });

  it('names every speaker as the article does', () => {
    const article = norm(loadArticle()).toLowerCase();
    for (const c of pack.claims) {
      expect(article.includes(norm(c.speaker).toLowerCase()), `${c.key}: speaker not in article: ${c.speaker}`).toBe(
        true,
      );
    }
  });

  it('covers the required forecasts', () => {
    const quotes = pack.claims.map((c) => norm(c.quote));
    const required = [
      'administrative borders', // front-line goal by January
      'propose negotiations', // new US administration proposes talks
      'readiness', // Kyiv more ready for talks
      'consultations', // consultations once Trump forms his team
      'desperate', // Trump desperate to negotiate
      'ambassador', // new Russian ambassador after the inauguration
      'contact will be restored', // some contact restored
      'fully restored', // dialogue not fully restored soon
      'erode', // erosion very slow
      'deep into Russian territory', // Biden may authorize deep strikes
      'Taiwan Strait', // Middle East and Taiwan Strait intensify
      'in any significant way', // no significant effect on relations
      'immediate radical shift', // no immediate radical shift
      'both chambers', // Republicans hold both chambers
    ];
    for (const phrase of required) {
      expect(
        quotes.some((q) => q.includes(phrase)),
        `no claim quotes "${phrase}"`,
      ).toBe(true);
    }
  });

  it('leaves out non-scorable remarks', () => {
    for (const c of pack.claims) {
      expect(c.quote).not.toContain('something interesting');
    }
  });
});
