/** The install step patched postgres.js (scripts/patch-postgres.mjs); without it the bot refuses to run on PostgreSQL. */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertPostgresPatched } from '../src/db/client.js';

const root = dirname(dirname(dirname(createRequire(import.meta.url).resolve('postgres'))));

describe('postgres.js', () => {
  it('the installed copy carries the nextWrite fix in every build the bot may load', () => {
    expect(assertPostgresPatched().map((f) => f.slice(root.length))).toEqual(['/src/connection.js', '/cjs/src/connection.js']);
  });

  it('an unpatched copy (npm ci --ignore-scripts) is refused at start with the way out', () => {
    const copy = mkdtempSync(join(tmpdir(), 'hindsight-postgres-'));
    try {
      cpSync(root, copy, { recursive: true });
      for (const build of ['src', 'cjs/src']) {
        const file = join(copy, build, 'connection.js');
        const text = readFileSync(file, 'utf8');
        // Undo the patch: back to postgres.js 3.4.9 as published.
        writeFileSync(file, text.replace(/\n    if \(!socket\) \{ \/\/ patched by hindsight[^\n]*\n(?:.*\n){4}    \}/, ''));
        expect(readFileSync(file, 'utf8')).toContain('function nextWrite(fn) {\n    const x = socket.write(chunk, fn)');
      }
      expect(() => assertPostgresPatched(copy)).toThrow(/lacks the fix .*node scripts\/patch-postgres\.mjs/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
