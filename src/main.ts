/**
 * The only place with side effects at start: config → logger → database → migrations →
 * client → jobs → login. SIGTERM/SIGINT undo them in reverse and exit 0.
 */
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createLogger } from './log.js';
import { startApp } from './app.js';
import { DatabaseLockedError } from './db/client.js';

async function main(): Promise<number> {
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
  const log = createLogger(config.LOG_LEVEL);
  if (!config.DISCORD_TOKEN) {
    process.stderr.write('DISCORD_TOKEN is not set. Set it (see README.md, "Creating the Discord application") to connect to Discord.\n');
    return 2;
  }
  let app;
  try {
    app = await startApp(config, log);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      log.fatal(error.message);
      return 3;
    }
    log.fatal({ err: error }, 'could not start');
    return 1;
  }
  app.ready.catch((error: unknown) => log.error({ err: error }, 'start-up after login failed (command sync)'));
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
