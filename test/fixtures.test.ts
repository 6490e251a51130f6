/**
 * The vendored inputs are the ones test/fixtures/README.md names: the Discord spec by its
 * sha256, the licence beside it, and the seed article.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultSpecPath } from './fake-discord/validate.js';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));
const readme = readFileSync(fixture('README.md'), 'utf8');

describe('vendored fixtures', () => {
  it('the Discord spec is the file the fixtures README names, by hash', () => {
    const named = /\| sha256 \| `([0-9a-f]{64})` \|/.exec(readme)?.[1];
    expect(named, 'test/fixtures/README.md names the spec sha256').toBeTruthy();
    const actual = createHash('sha256').update(readFileSync(defaultSpecPath())).digest('hex');
    expect(actual).toBe(named);
    expect(readme).toMatch(/\| commit \| `[0-9a-f]{7,40}` \|/);
  });

  it('the spec keeps its MIT licence', () => {
    expect(readFileSync(fixture('discord-api-spec/LICENSE'), 'utf8')).toMatch(/MIT License/i);
  });

  it('the fake validates against the vendored spec inside the repository', () => {
    const repoRoot = fileURLToPath(new URL('..', import.meta.url));
    expect(defaultSpecPath().startsWith(repoRoot)).toBe(true);
  });

  it('every article the README lists is in the repository', () => {
    const listed = [...readme.matchAll(/^\| `([^`]+\.(?:txt|html))` \|/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(0);
    for (const file of listed) expect(existsSync(fixture(`articles/${file}`)), file).toBe(true);
  });
});
