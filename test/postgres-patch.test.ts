/** The install step patched postgres.js (scripts/patch-postgres.mjs): without it a database outage can crash the bot. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

describe('postgres.js', () => {
  it('carries the nextWrite fix in every build the bot may load', () => {
    // The CommonJS entry is <package>/cjs/src/index.js.
    const root = dirname(dirname(dirname(createRequire(import.meta.url).resolve('postgres'))));
    for (const build of ['src', 'cjs/src']) {
      expect(readFileSync(join(root, build, 'connection.js'), 'utf8')).toContain('patched by hindsight');
    }
  });
});
