/**
 * Hindsight without Discord: a local server with one channel, #console, on the same core as the
 * bot (src/core.ts: database, migrations, closer, scheduler with score changes), commands and
 * buttons. Its jobs touch only the console's own server, so it is safe on a shared database. On a terminal it is a prompt
 * with Tab completion; with input piped in it runs one command per line and exits 1 if any
 * failed. Started by src/main.ts when DISCORD_TOKEN is not set.
 */
import { join, resolve } from 'node:path';
import { createInterface, clearLine, cursorTo, type Interface } from 'node:readline';
import { pino } from 'pino';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { openCore } from '../core.js';
import { registry } from '../../commands/index.js';
import { SYSTEM_ACTOR, guildScope } from '../ledger/context.js';
import { getSettings } from '../ledger/settings.js';
import { bundledPacks, importLedger } from '../ledger/transfer.js';
import { Board, type Screen } from './board.js';
import { readLocalAttachment } from './calls.js';
import { Members } from './members.js';
import { ConsolePoster } from './poster.js';
import { styles, wrap } from './render.js';
import { Session } from './session.js';
import { translator } from '../i18n/index.js';

/** The local server and its one channel (fixed, so a restart finds the same ledger). */
export const CONSOLE_GUILD_ID = '100000000000000001';
export const CONSOLE_CHANNEL = { id: '100000000000000002', name: 'console' } as const;

export interface ConsoleIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { columns?: number };
  /** A person at a terminal (prompt, completion, colours) rather than a script. */
  isTTY: boolean;
  /** Defaults to warnings and errors on standard error. */
  log?: Logger;
  /** Stops the session (e.g. on SIGTERM). */
  signal?: AbortSignal;
  /** Where relative paths start and where exported files are saved (default: the working directory, ./exports). */
  cwd?: string;
  exportsDir?: string;
  now?: () => Date;
  /** The language of the person at the console (a Discord locale: en-US, ru, uk); default en-US. */
  locale?: string;
}

/** Text for a terminal or a pipe; on a terminal, text arriving while the prompt waits is printed above it. */
class ConsoleScreen implements Screen {
  rl: Interface | null = null;
  /** True while a line runs (the prompt is not shown then). */
  busy = true;

  constructor(
    private readonly output: ConsoleIO['output'],
    readonly color: boolean,
  ) {}

  get width(): number {
    return Math.max(40, Math.min(this.output.columns ?? 100, 120));
  }

  print(text: string): void {
    if (this.rl && !this.busy) {
      clearLine(this.output, 0);
      cursorTo(this.output, 0);
      this.output.write(`${text}\n`);
      this.rl.prompt(true);
    } else {
      this.output.write(`${text}\n`);
    }
  }
}

export async function runConsole(config: Config, io: ConsoleIO): Promise<number> {
  const log = io.log ?? createLogger('warn', pino.destination({ dest: 2, sync: true }));
  const now = io.now ?? (() => new Date());
  const cwd = io.cwd ?? process.cwd();
  const screen = new ConsoleScreen(io.output, io.isTTY);
  const s = styles(screen.color);
  const t = translator(io.locale);

  // The same core as the bot, limited to the console's own server: on a shared database
  // (DATABASE_URL) it never runs, or disables, real servers' rounds or voting windows.
  const core = await openCore(config, log, { now, guildId: CONSOLE_GUILD_ID });
  const { database } = core;
  try {
    const dataDir = resolve(config.HINDSIGHT_DATA_DIR);
    const members = new Members(config.DATABASE_URL ? null : join(dataDir, 'console-members.json'));
    // Times are shown in the server's zone, named (a terminal has no viewer's zone as Discord does);
    // read again after every line, as /settings timezone may change it.
    const zone = { current: (await getSettings(guildScope(database.db, CONSOLE_GUILD_ID))).timezone };
    const board = new Board(screen, {
      t,
      exportsDir: io.exportsDir ?? resolve(cwd, 'exports'),
      cwd,
      renderOptions: () => ({
        now: now(),
        timeZone: zone.current,
        nameOf: (id) => members.find(id)?.displayName,
        channelOf: (id) => (id === CONSOLE_CHANNEL.id ? CONSOLE_CHANNEL.name : undefined),
      }),
    });
    const jobs = core.jobs(new ConsolePoster(board, CONSOLE_CHANNEL, (id) => members.find(id)?.displayName), readLocalAttachment, { cardsInPlace: true });
    const { ctx } = jobs;
    const session = new Session({
      ctx,
      registry,
      members,
      board,
      screen,
      guildId: CONSOLE_GUILD_ID,
      channel: CONSOLE_CHANNEL,
      cwd,
      ...(io.locale ? { locale: io.locale } : {}),
    });

    const banner = io.isTTY
      ? [
          t('console.start.bannerTty'),
          t('console.start.ledger', { where: config.DATABASE_URL ? t('console.start.postgres') : t('console.start.embedded', { dir: dataDir }) }),
          t('console.start.youAre', { name: session.member.displayName }),
        ]
      : [t('console.start.bannerPipe', { where: config.DATABASE_URL ? t('console.start.postgres') : dataDir })];
    screen.print(banner.flatMap((line) => wrap(line, screen.width)).map((line) => s.dim(line)).join('\n'));
    for (const pack of bundledPacks()) {
      const result = await importLedger({ db: database.db, guildId: CONSOLE_GUILD_ID, actor: SYSTEM_ACTOR, now }, { packId: pack.id });
      if (result.added) {
        const range = `#${result.numbers[0]}–#${result.numbers[result.numbers.length - 1]}`;
        screen.print(s.dim(t('console.start.imported', { name: result.name, count: result.added, range })));
      }
      if (result.updated) screen.print(s.dim(t('console.start.corrected', { name: result.name, count: result.updated })));
    }
    await jobs.start();
    await loop(session, screen, io, async () => {
      zone.current = (await getSettings(guildScope(database.db, CONSOLE_GUILD_ID))).timezone;
    });
    return io.isTTY || !session.failed ? 0 : 1;
  } finally {
    await core.stop();
  }
}

/** Reads lines until the input ends, /quit, Ctrl-D or the signal. */
async function loop(session: Session, screen: ConsoleScreen, io: ConsoleIO, afterLine: () => Promise<void>): Promise<void> {
  const rl = createInterface({
    input: io.input,
    ...(io.isTTY
      ? {
          output: io.output,
          terminal: true,
          historySize: 500,
          completer: (line: string, callback: (error: Error | null, result: [string[], string]) => void) => {
            session.complete(line).then(
              (result) => callback(null, result),
              () => callback(null, [[], line]),
            );
          },
        }
      : { terminal: false }),
  });
  const close = () => rl.close();
  io.signal?.addEventListener('abort', close, { once: true });
  if (io.isTTY) {
    screen.rl = rl;
    // Ctrl-C clears what is typed; on an empty line it leaves.
    rl.on('SIGINT', () => {
      if (rl.line) rl.write(null, { ctrl: true, name: 'u' });
      else rl.close();
    });
    rl.once('close', () => io.output.write('\n'));
  }
  const prompt = () => {
    rl.setPrompt(session.prompt());
    screen.busy = false;
    rl.prompt();
  };
  try {
    if (io.isTTY) prompt();
    for await (const line of rl) {
      screen.busy = true;
      if (!io.isTTY && line.trim()) screen.print(`\n${session.prompt()}${line.trim()}`);
      await session.run(line);
      await afterLine().catch(() => undefined);
      if (session.quitting) break;
      if (io.isTTY) {
        if (line.trim()) io.output.write('\n');
        prompt();
      }
    }
  } finally {
    screen.busy = true;
    screen.rl = null;
    io.signal?.removeEventListener('abort', close);
    rl.close();
  }
}
