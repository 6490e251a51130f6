/**
 * The bots as the bench runs them: compiled JavaScript with plain `node`, no TypeScript loader.
 *
 * - Hindsight: `dist/src/main.js`, exactly what `npm start` runs (scripts/build.mjs builds dist/
 *   when the sources changed; a current build is reused).
 * - The peer (bench/peer-bot.ts, which has no build of its own): bundled to one ES module with the
 *   esbuild that tsx ships, dependencies left external, and run with `node`.
 * - `bundled()`: Hindsight bundled the same way as the peer, for a like-for-like memory row.
 *
 * Both start from the repository root's node_modules, with the same environment.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeDiscord } from '../test/fake-discord/index.js';
import type { BotProcess } from '../test/support/bot-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type BotLabel = 'hindsight' | 'peer';

/** How to start one bot: the JavaScript file `node` runs, and the line it logs once ready. */
export interface CompiledBot {
  label: BotLabel;
  /** What it is, for the report (e.g. "dist/src/main.js (tsc, as npm start)"). */
  build: string;
  file: string;
  ready: RegExp;
}

/**
 * `entry` bundled to one ES module (dependencies stay external) in a temporary tree that mirrors
 * the paths the code resolves from import.meta.url: src/<x>/main.mjs finds ../packs/, ../../packs/,
 * ./locales/, ../../migrations and node_modules as in the repository.
 */
export function bundle(entry: string): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-bundle-'));
  mkdirSync(join(dir, 'src', 'bundle'), { recursive: true });
  symlinkSync(join(ROOT, 'src', 'packs'), join(dir, 'src', 'packs'));
  // src/ledger/transfer/packs.ts looks two folders up, src/i18n/index.ts in its own folder: the same from src/bundle/.
  symlinkSync(join(ROOT, 'src', 'packs'), join(dir, 'packs'));
  symlinkSync(join(ROOT, 'src', 'i18n', 'locales'), join(dir, 'src', 'bundle', 'locales'));
  symlinkSync(join(ROOT, 'migrations'), join(dir, 'migrations'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'src', 'bundle', 'main.mjs');
  const args = [entry, '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${file}`, '--log-level=warning'];
  const built = spawnSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), args, { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`esbuild failed: ${built.stderr || built.error?.message}`);
  return { file, dir };
}

export interface Bots {
  hindsight: CompiledBot;
  peer: CompiledBot;
  /** Hindsight bundled like the peer (esbuild, one module). */
  hindsightBundled: CompiledBot;
  /** Removes the temporary bundles. */
  cleanup(): void;
}

let prepared: Bots | undefined;

/** Builds (or reuses) dist/ and bundles the peer and Hindsight once per bench run. */
export function compiledBots(): Bots {
  if (prepared) return prepared;
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed: ${build.stderr || build.error?.message}`);
  const peer = bundle(join(ROOT, 'bench', 'peer-bot.ts'));
  const ours = bundle(join(ROOT, 'src', 'main.ts'));
  prepared = {
    hindsight: { label: 'hindsight', build: 'dist/src/main.js (tsc, what npm start runs)', file: join(ROOT, 'dist', 'src', 'main.js'), ready: /scheduler started/ },
    peer: { label: 'peer', build: 'bench/peer-bot.ts bundled by esbuild', file: peer.file, ready: /peer ready/ },
    hindsightBundled: { label: 'hindsight', build: 'src/main.ts bundled by esbuild', file: ours.file, ready: /scheduler started/ },
    cleanup() {
      rmSync(peer.dir, { recursive: true, force: true });
      rmSync(ours.dir, { recursive: true, force: true });
      prepared = undefined;
    },
  };
  return prepared;
}

/** `bot` as a child process with `env` (plus PATH, HOME, LOG_LEVEL=info); lines of its output are kept. */
export function spawnCompiled(bot: CompiledBot, env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, [bot.file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      if (lines.length > 2_000) lines.splice(0, 1_000);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${bot.label} did not log ${pattern} within ${timeoutMs} ms; last lines:\n${lines.slice(-15).join('\n')}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${bot.label} exited (${code}) before logging ${pattern}; last lines:\n${lines.slice(-15).join('\n')}`));
        });
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** The bot logged into `fake` on `databaseUrl`, resolved once ready. */
export async function startCompiled(bot: CompiledBot, fake: FakeDiscord, databaseUrl: string, env: Record<string, string> = {}): Promise<BotProcess> {
  const proc = spawnCompiled(bot, { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: databaseUrl, ...env });
  try {
    await proc.waitFor(bot.ready, 60_000);
  } catch (error) {
    proc.child.kill('SIGKILL');
    throw error;
  }
  return proc;
}
