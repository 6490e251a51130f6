/** The committed migrations match the schema: a forgotten `drizzle-kit generate` fails here. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('migrations', () => {
  it('generating from the schema adds nothing to the committed migrations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hindsight-migrations-'));
    try {
      const out = join(dir, 'migrations');
      cpSync(join(ROOT, 'migrations'), out, { recursive: true });
      const before = readdirSync(out).sort();
      const printed = execFileSync(
        join(ROOT, 'node_modules/.bin/drizzle-kit'),
        ['generate', '--dialect', 'postgresql', '--schema', 'src/db/schema.ts', '--out', relative(ROOT, out), '--casing', 'snake_case'],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(printed).toContain('No schema changes');
      expect(readdirSync(out).sort()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
