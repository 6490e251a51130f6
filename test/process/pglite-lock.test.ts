/** Two processes on one PGlite folder: the second must refuse instead of corrupting it. */
import { describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseLockedError, lockDataDir, openDatabase } from '../../src/db/client.js';

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

  it('of several processes racing to take over one stale lock, exactly one wins', { timeout: 120_000 }, async () => {
    const dir = freshDir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.on('exit', resolve));
    const script = `import { lockDataDir } from ${JSON.stringify(new URL('../../src/db/client.ts', import.meta.url).href)};
      process.stdout.write('READY\\n');
      process.stdin.once('data', () => {
        try { lockDataDir(${JSON.stringify(dir)}); process.stdout.write('LOCKED\\n'); }
        catch (e) { process.stdout.write((e.name === 'DatabaseLockedError' ? 'REFUSED ' : 'ERROR ') + e.message + '\\n'); }
        process.stdin.once('end', () => process.exit(0)); // the winner holds the lock until told to stop
      });`;
    const racers = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('READY') && resolve())));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      return { child, ready, exited, out: () => out };
    });
    try {
      for (let round = 0; round < 1; round++) {
        writeFileSync(join(dir, 'hindsight.lock'), String(dead.pid));
        await Promise.all(racers.map((r) => r.ready));
        for (const r of racers) r.child.stdin.write('go\n'); // all at once
        await vi.waitFor(() => expect(racers.every((r) => /LOCKED|REFUSED|ERROR/.test(r.out()))).toBe(true), { timeout: 60_000, interval: 50 });
        const results = racers.map((r) => /LOCKED|REFUSED|ERROR/.exec(r.out())![0]);
        expect(results.filter((x) => x === 'LOCKED'), racers.map((r) => r.out()).join('')).toHaveLength(1);
        expect(results.filter((x) => x === 'REFUSED')).toHaveLength(5);
        const winner = racers[results.indexOf('LOCKED')]!;
        expect(readFileSync(join(dir, 'hindsight.lock'), 'utf8')).toBe(String(winner.child.pid));
      }
    } finally {
      for (const r of racers) r.child.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a real second process on the same folder exits with the message', async () => {
    const dir = freshDir();
    const release = lockDataDir(dir); // this test process is the first holder
    try {
      const script = `import { openDatabase } from ${JSON.stringify(new URL('../../src/db/client.ts', import.meta.url).href)};
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
