/**
 * The only place with side effects at start: config → logger → core (database → migrations → worker pool,
 * src/core.ts) → client → jobs → login. SIGTERM/SIGINT undo them in reverse and exit 0.
 * Without DISCORD_TOKEN it opens the local console instead (src/console/); `--help` explains both.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { createLogger } from './log.js';
import { startApp } from './app.js';
import { DatabaseLockedError } from './db/client.js';
import { describeStartFailure } from './discord/start-failure.js';

/**
 * Run from the compiled build (dist/, what `npm start` runs): refuse when the sources in the
 * working tree are not the ones it was built from (scripts/build.mjs; `npm start` rebuilds).
 */
async function staleBuild(): Promise<string | null> {
  if (!/[\\/]dist[\\/]src[\\/]main\.js$/.test(fileURLToPath(import.meta.url))) return null;
  const build = (await import(new URL('../../scripts/build.mjs', import.meta.url).href)) as { isBuildCurrent(): boolean };
  return build.isBuildCurrent() ? null : 'The compiled build in dist/ is older than the sources. Start with `npm start` (it rebuilds), or run `npm run build` first.\n';
}

async function main(): Promise<number> {
  const stale = await staleBuild();
  if (stale) {
    process.stderr.write(stale);
    return 1;
  }
  const args = process.argv.slice(2);
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    const { PROGRAM_HELP } = await import('./console/help.js');
    process.stdout.write(PROGRAM_HELP);
    return 0;
  }
  const unknown = unknownArguments(args);
  if (unknown.length) {
    // Settings come from the environment; an argument we do not know is a mistake, never ignored.
    process.stderr.write(
      `Unknown ${unknown.length === 1 ? 'option' : 'options'}: ${unknown.map((a) => a.slice(0, 40)).join(' ')}. Hindsight takes only --help and --locale (the console’s language); settings come from the environment or a .env file (npm start -- --help).\n`,
    );
    return 2;
  }
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee README.md ("Configuration") and .env.example.\n`);
      return 2;
    }
    throw error;
  }
  if (!config.DISCORD_TOKEN) return consoleMode(config);
  const log = createLogger(config.LOG_LEVEL);
  let app;
  try {
    const offset = config.HINDSIGHT_TEST_CLOCK_OFFSET_MS;
    app = await startApp(config, log, offset ? { now: () => new Date(Date.now() + offset) } : {});
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      log.fatal(error.message);
      return 3;
    }
    log.fatal({ err: error }, 'could not start');
    // The log line is for machines; a person reads this.
    process.stderr.write(`${describeStartFailure(error, { apiUrl: config.DISCORD_REST_PROXY_URL ?? config.DISCORD_API_URL })}\n`);
    return 1;
  }
  app.ready.catch((error: unknown) => log.error({ err: error }, 'start-up after login failed (scheduled rounds)'));
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, 15_000);
  force.unref();
  await app.stop();
  log.info('stopped');
  return 0;
}

/** The arguments besides `--help` and `--locale ru` / `--locale=ru` (each a mistake). */
function unknownArguments(args: string[]): string[] {
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--locale' && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
    else if (!/^--locale=./.test(arg)) unknown.push(arg);
  }
  return unknown;
}

/** `--locale ru` / `--locale=ru`: the language the console answers in (as a member's Discord locale). */
function localeArgument(args: string[]): { locale?: string } {
  const i = args.findIndex((a) => a === '--locale' || a.startsWith('--locale='));
  if (i < 0) return {};
  const value = args[i]!.includes('=') ? args[i]!.slice('--locale='.length) : args[i + 1];
  return value ? { locale: value } : {};
}

/** No token: the local console on this terminal (or a script on stdin). Logs go to stderr, warnings only unless LOG_LEVEL is set. */
async function consoleMode(config: Config): Promise<number> {
  const log = createLogger(process.env.LOG_LEVEL?.trim() ? config.LOG_LEVEL : 'warn', pino.destination({ dest: 2, sync: true }));
  const { runConsole } = await import('./console/index.js');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  let code: number;
  try {
    const isTTY = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    code = await runConsole(config, { input: process.stdin, output: process.stdout, isTTY, log, signal: stop.signal, ...localeArgument(process.argv.slice(2)) });
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    process.stderr.write(`${error.message}\n`);
    code = 3;
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return code;
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fatal: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
