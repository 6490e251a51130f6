#!/usr/bin/env node
/**
 * Builds what `npm start` runs: src/ and commands/ compiled by tsc into dist/, with the
 * migrations, the bundled packs and the message catalogs (src/i18n/locales) copied beside them
 * (the compiled code finds them by relative path). Runs as `prestart`, so `npm ci && npm start` builds on a fresh machine.
 *
 * Up to date is decided by content, not by clocks: a sha256 over every input file (sources,
 * migrations, packs, tsconfig, package files) is written to dist/build-stamp.json as the
 * build's last step. Same hash → nothing to do (a restart costs a few milliseconds); any
 * difference → a clean rebuild. An interrupted build leaves no stamp, so it is rebuilt.
 *
 *   node scripts/build.mjs           build if stale
 *   node scripts/build.mjs --force   always build
 *   node scripts/build.mjs --check   exit 1 if dist/ is stale or missing, build nothing
 *
 * The compiled entry point (dist/src/main.js) calls `isBuildCurrent()` itself too, so a stale
 * build refuses to run even when started without npm.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'build-stamp.json');
const INPUT_DIRS = ['src', 'commands', 'migrations'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/build.mjs'];

function walk(dir, out) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}

/** sha256 over the inputs' relative paths and contents, in a stable order. */
export function sourceHash(root = ROOT) {
  const files = [];
  for (const dir of INPUT_DIRS) walk(join(root, dir), files);
  for (const file of INPUT_FILES) if (existsSync(join(root, file))) files.push(join(root, file));
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(root, f).split(sep).join('/')).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return null;
  }
}

/** True when dist/ was built from exactly the sources in the working tree. */
export function isBuildCurrent() {
  return readStamp()?.sourceHash === sourceHash();
}

export function build() {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal}); nothing was started`);
  cpSync(join(ROOT, 'migrations'), join(DIST, 'migrations'), { recursive: true });
  // Data the compiled code reads by relative path: the bundled packs and the message catalogs (one per language).
  for (const data of [['src', 'packs'], ['src', 'i18n', 'locales']]) {
    cpSync(join(ROOT, ...data), join(DIST, ...data), { recursive: true, filter: (p) => statSync(p).isDirectory() || p.endsWith('.json') });
  }
  // Last, so that a build cut short is never taken for a finished one.
  writeFileSync(STAMP, `${JSON.stringify({ sourceHash: sourceHash(), builtAt: new Date().toISOString() }, null, 2)}\n`);
  return Date.now() - started;
}

function cli(args) {
  if (args.includes('--check')) {
    if (isBuildCurrent()) return 0;
    process.stderr.write('dist/ is stale or missing: run `node scripts/build.mjs` (npm start does).\n');
    return 1;
  }
  if (!args.includes('--force') && isBuildCurrent()) return 0;
  process.stderr.write('Building dist/ (sources changed or no build yet)…\n');
  const ms = build();
  process.stderr.write(`Built dist/ in ${(ms / 1000).toFixed(1)} s.\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = cli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
