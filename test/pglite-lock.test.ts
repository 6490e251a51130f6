/** Two processes on one PGlite folder: the second must refuse instead of corrupting it. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseLockedError, lockDataDir, openDatabase } from '../src/db/client.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'hindsight-lock-'));

describe('the PGlite data folder lock', () => {
  it('refuses a second opener while a live process holds the folder, and names the way out', async () => {
    const dir = freshDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'hindsight.lock'), String(holder.pid));
      const error = await openDatabase({ dataDir: dir }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DatabaseLockedError);
      expect(String((error as Error).message)).toMatch(new RegExp(`pid ${holder.pid}.*DATABASE_URL`, 's'));
    } finally {
      holder.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a stale lock left by a process that died, and releases it on close', async () => {
    const dir = freshDir();
    try {
      const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await new Promise((resolve) => dead.on('exit', resolve));
      writeFileSync(join(dir, 'hindsight.lock'), String(dead.pid));
      const database = await openDatabase({ dataDir: dir });
      expect(existsSync(join(dir, 'hindsight.lock'))).toBe(true);
      await database.close();
      expect(existsSync(join(dir, 'hindsight.lock'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a real second process on the same folder exits with the message', async () => {
    const dir = freshDir();
    const release = lockDataDir(dir); // this test process is the first holder
    try {
      const script = `import { openDatabase } from ${JSON.stringify(new URL('../src/db/client.ts', import.meta.url).href)};
        try { await openDatabase({ dataDir: ${JSON.stringify(dir)} }); console.log('OPENED'); process.exit(0); }
        catch (e) { console.log(e.name + ': ' + e.message); process.exit(3); }`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(out).toMatch(/DatabaseLockedError: .*in use by another Hindsight process/);
      expect(code).toBe(3);
    } finally {
      release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
