/**
 * What a handler sees. Every transport (the gateway, the HTTP interactions endpoint, the local
 * console) turns its interactions into these calls through one builder (src/pipeline/), so each
 * command, button and form is written once (commands/, src/components/) and served by all three.
 */
import type { APIApplicationCommandOptionChoice, APIEmbed, RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { LedgerCtx } from '../ledger/context.js';
import type { Poster, RoundOutcome } from './poster.js';
import type { Reply } from './reply.js';
import type { ArticleInput, Candidate } from '../ledger/candidates.js';
import type { ArgumentsOf, AttachmentRef, CommandDefinition, PartialArgumentsOf, SubcommandArguments, SubcommandName } from './options.js';
import { CatalogError, UserError } from './errors.js';
import type { WorkRunner } from '../work/index.js';
import type { MessageKey, Translator } from '../i18n/index.js';

export type { Reply, ReplyFile } from './reply.js';
export type { AttachmentRef, CommandDefinition, OptionReader } from './options.js';
export { CatalogError, UserError };

export interface Member {
  id: string;
  displayName: string;
  /** Holds Manage Server in this server (as the interaction reports it). */
  isManager: boolean;
}

export interface CallBase {
  guildId: string;
  channelId: string | null;
  member: Member;
  /** When the member acted (the interaction's snowflake time). */
  createdAt: Date;
  /** The member's Discord language ('en-US', 'ru', 'uk', …; the console's --locale). */
  locale: string;
  /** The server's Discord language (its guild_locale); null when unknown. Public posts: `serverT` (src/kit/locale.ts). */
  guildLocale: string | null;
  /** Messages in the member's language, for answers only they see (src/i18n). */
  t: Translator;
}

/** A slash command being run (its options are handed to the handler beside the call, typed). */
export interface CommandCall extends CallBase {
  commandName: string;
  /** Acknowledge now and answer later (for work that may take longer than 3 s). */
  defer(opts?: { ephemeral?: boolean }): Promise<void>;
  /** The answer (edits the deferred one if deferred). */
  reply(reply: Reply): Promise<void>;
  /**
   * This server's id if the channel is one of this server's, as Discord lists them when asked (an
   * option's resolved channel is not proof: it is whatever the interaction carried); else null.
   */
  channelGuildId(channelId: string): Promise<string | null>;
}

/** An option being typed: the command's autocomplete answers with choices (the options typed so far are handed beside the call). */
export interface AutocompleteCall extends CallBase {
  commandName: string;
  /** The option being typed and what is typed in it so far. */
  focused: { name: string; value: string };
}

/** One text input of a modal (Discord allows 5 per modal). */
export interface ModalField {
  id: string;
  /** At most 45 characters. */
  label: string;
  /** Pre-filled value. */
  value?: string;
  /** One line (default) or several. */
  style?: 'short' | 'paragraph';
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
}

/** A form the member fills in (a Discord modal; prompts in the console). */
export interface Modal {
  /** Routed like a button: by its custom id's prefix (src/kit/custom-ids.ts). */
  customId: string;
  /** At most 45 characters. */
  title: string;
  /** 1 to 5 fields. */
  fields: ModalField[];
}

/** The message a message context-menu command was used on. */
export interface TargetMessage {
  id: string;
  authorId: string;
  content: string;
  /** Links in the message's embeds (a link preview's url), after the content's own. */
  embedUrls: string[];
}

/** A message context-menu command ("Apps → Track forecasts") being run. */
export interface MessageCommandCall extends CallBase {
  commandName: string;
  target: TargetMessage;
  defer(opts?: { ephemeral?: boolean }): Promise<void>;
  reply(reply: Reply): Promise<void>;
}

/** The message a button was clicked on, as the click carries it. */
export interface ClickedMessage {
  id: string;
  channelId: string;
  embeds: APIEmbed[];
  ephemeral: boolean;
}

/** A click on a component (a button, or a select menu's choice) on a message the bot posted. */
export interface ComponentCall extends CallBase {
  customId: string;
  /** A select menu's chosen values (empty for a button). */
  values: readonly string[];
  /** Opens a form (must be the first answer: no defer before it). */
  showModal(modal: Modal): Promise<void>;
  /** The message the button is on, as the click carries it (Discord and the console); null when a click comes without one. */
  message: ClickedMessage | null;
  /** Answers only the clicker. */
  reply(reply: Reply): Promise<void>;
  /** Replaces the message the button is on. */
  update(reply: Reply): Promise<void>;
  /** Acknowledge now; then `followUp` for the clicker and/or `editMessage` for the message. */
  deferUpdate(): Promise<void>;
  editMessage(reply: Reply): Promise<void>;
  followUp(reply: Reply): Promise<void>;
}

/** A submitted modal, opened from a button on a message the bot posted. */
export interface ModalCall extends CallBase {
  customId: string;
  /** The text inputs' values by field id (empty fields as ''). */
  fields: ReadonlyMap<string, string>;
  /** The message whose button opened the form, as the submission carries it (Discord and the console); null for a form opened by a command. */
  message: ClickedMessage | null;
  reply(reply: Reply): Promise<void>;
  /** Replaces the message whose button opened the modal. */
  update(reply: Reply): Promise<void>;
  deferUpdate(): Promise<void>;
  editMessage(reply: Reply): Promise<void>;
  followUp(reply: Reply): Promise<void>;
}

/**
 * CPU-heavy work off the event loop (src/work/: HTML and Readability, extraction, charts, import
 * files), counted against the server it is for. A job refused (the server or the bot is busy),
 * out of time or out of memory, or a page refused before parsing, rejects with a UserError that
 * tells the member; a file's faulty field with a LedgerError.
 */
export type Work = WorkRunner;

/** Who a piece of heavy work is for, and what runs it. */
export interface WorkScope {
  guildId: string;
  work: Work;
}

/** Reading articles for /predict extract (the engine in src/extract/), injectable for tests. */
export interface ArticleTools {
  /** Fetches a link safely (http(s) only, size/time limits, private addresses refused unless allowed), then reads it on `work`. */
  fetchUrl(url: string, scope: WorkScope): Promise<ArticleInput>;
  /** An uploaded file: HTML when it looks like HTML, else plain text (read on `work`). */
  fromFile(content: string, name: string, contentType: string | null, scope: WorkScope): Promise<ArticleInput>;
  /** The forecasts found, for review (on `work`). */
  candidates(input: ArticleInput, opts: { today: string } & WorkScope): Promise<Candidate[]>;
}

/** What /reminders needs of the scheduler (src/jobs/scheduler.ts implements it). */
export interface RoundScheduling {
  register(schedule: { id: number; cron: string; timezone: string }): void;
  unregister(id: number): Promise<void>;
  runNow(scheduleId: number): Promise<RoundOutcome | null>;
}

/** Explicit dependencies handed to every handler. */
export interface AppCtx {
  db: Db;
  log: Logger;
  now(): Date;
  /** Downloads an attachment a member uploaded (size-capped). */
  fetchAttachment(ref: AttachmentRef, maxBytes: number): Promise<string>;
  /** Scheduling of rounds (/reminders); absent where no scheduler runs. */
  scheduler?: RoundScheduling;
  /** Article intake (/predict extract, Track forecasts); absent → those commands say they are unavailable. */
  articles?: ArticleTools;
  /** Claim threads (Discord): where new evidence is posted; absent where there are none (the console). */
  threads?: Pick<Poster, 'postInThread'>;
  /** The fewest seconds between two rounds of a schedule (configured; absent → an hour). */
  minRoundIntervalSeconds?: number;
  /** The worker pool for CPU-heavy jobs (created by the composition root, src/core.ts). */
  work: Work;
  /**
   * The console: no card flusher runs, so a voted card is re-rendered in place at once (in its frame:
   * compact if it was a round's). Absent: cards are registered and the flusher refreshes them.
   */
  cardsInPlace?: boolean;
}

export const ledgerCtx = (call: CallBase, ctx: Pick<AppCtx, 'db' | 'now'>): LedgerCtx => ({
  db: ctx.db,
  guildId: call.guildId,
  actor: { id: call.member.id, isManager: call.member.isManager, name: call.member.displayName },
  now: ctx.now,
});

export type ContextMenuDefinition = RESTPostAPIContextMenuApplicationCommandsJSONBody;
export type Choice = APIApplicationCommandOptionChoice<string | number>;

/**
 * A slash command: its definition (what Discord registers) and its handler, which gets the
 * options already read and typed from that definition. `Command` alone (the registry's view) is
 * any command; a command module declares `execute(call, args: ArgumentsOf<typeof definition>, ctx)`.
 */
export interface Command<D extends CommandDefinition = CommandDefinition> {
  definition: D;
  execute(call: CommandCall, args: ArgumentsOf<D>, ctx: AppCtx): Promise<void>;
  /** Choices for the option being typed (`args`: the options typed so far, each possibly null). */
  autocomplete?(call: AutocompleteCall, args: PartialArgumentsOf<D>, ctx: AppCtx): Promise<Choice[]>;
}

/** The handler of one subcommand: its options typed from the definition. */
export type SubcommandOf<D extends CommandDefinition, S extends SubcommandName<D>> = (call: CommandCall, options: SubcommandArguments<D, S>, ctx: AppCtx) => Promise<void>;

/**
 * An `execute` that hands the options of the subcommand called to that subcommand's handler (one
 * handler per subcommand of the definition, no more, no fewer). The options were read already.
 */
export const bySubcommand =
  <D extends CommandDefinition>(_definition: D, handlers: { [S in SubcommandName<D>]: SubcommandOf<D, S> }) =>
  async (call: CommandCall, args: ArgumentsOf<D>, ctx: AppCtx): Promise<void> => {
    const { subcommand, options } = args as unknown as { subcommand: SubcommandName<D>; options: never };
    const handler = handlers[subcommand] as (call: CommandCall, options: never, ctx: AppCtx) => Promise<void>;
    await handler(call, options, ctx);
  };

/** A message context-menu command (type 3, "Apps → …"): its target message is on the call. */
export interface MessageCommand {
  definition: ContextMenuDefinition;
  execute(call: MessageCommandCall, ctx: AppCtx): Promise<void>;
}

/**
 * A custom id format (src/kit/custom-ids.ts): the prefix it is routed by, and a strict reader of
 * what the id carries (a forged or outdated id reads as null).
 */
export interface CustomIdReader<A> {
  readonly prefix: string;
  parse(customId: string): A | null;
}

/**
 * A button (or select menu) family: the ids it answers to and its handler, which gets what the
 * id carries, already read. The router refuses an id that does not read with `forged`.
 */
export interface Button<A = unknown> {
  ids: CustomIdReader<A>;
  /** What the clicker is told when the id does not read (a forged or outdated button): a catalog key. */
  forged: MessageKey;
  handle(call: ComponentCall, args: A, ctx: AppCtx): Promise<void>;
}

/** A form (modal) family: like a button, for the submitted form. */
export interface Form<A = unknown> {
  ids: CustomIdReader<A>;
  forged: MessageKey;
  submit(call: ModalCall, args: A, ctx: AppCtx): Promise<void>;
}

/** A button family, its handler's `args` typed from its id format. */
export const button = <A>(definition: Button<A>): Button<A> => definition;

/** A form family, its handler's `args` typed from its id format. */
export const form = <A>(definition: Form<A>): Form<A> => definition;
