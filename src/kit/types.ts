/**
 * What a command handler sees. Discord interactions and the local console both produce these,
 * so each command is written once (commands/*.ts) and served by both.
 */
import type { APIApplicationCommandOptionChoice, APIEmbed, RESTPostAPIChatInputApplicationCommandsJSONBody, RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { LedgerCtx } from '../ledger/context.js';
import type { RoundOutcome } from './poster.js';
import type { Reply } from './reply.js';
import type { ArticleInput, Candidate } from '../extract/types.js';

export type { Reply, ReplyFile } from './reply.js';

export interface AttachmentRef {
  name: string;
  url: string;
  size: number;
  contentType: string | null;
}

/** Reads the options of a slash command, already checked against the definition. */
export interface OptionReader {
  subcommand(): string | null;
  string(name: string): string | null;
  integer(name: string): number | null;
  number(name: string): number | null;
  boolean(name: string): boolean | null;
  channel(name: string): { id: string; type: number } | null;
  attachment(name: string): AttachmentRef | null;
  /** A user option: their id and the name the server shows for them. */
  user(name: string): { id: string; displayName: string } | null;
  /** The option being typed, during autocomplete. */
  focused(): { name: string; value: string } | null;
}

export interface Member {
  id: string;
  displayName: string;
  /** Holds Manage Server in this server (as the interaction reports it). */
  isManager: boolean;
}

interface CallBase {
  guildId: string;
  channelId: string | null;
  member: Member;
  /** When the member acted (the interaction's snowflake time). */
  createdAt: Date;
}

/** A slash command being run. */
export interface CommandCall extends CallBase {
  commandName: string;
  options: OptionReader;
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

export interface AutocompleteCall extends CallBase {
  commandName: string;
  options: OptionReader;
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
  /** Routed like a button: by the prefix before the first ':'. */
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

/** A button click on a message the bot posted. */
export interface ComponentCall extends CallBase {
  customId: string;
  /** Opens a form (must be the first answer: no defer before it). */
  showModal(modal: Modal): Promise<void>;
  /** The message the button is on (Discord); null where the surface edits it in place (the console). */
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
  reply(reply: Reply): Promise<void>;
  /** Replaces the message whose button opened the modal. */
  update(reply: Reply): Promise<void>;
  deferUpdate(): Promise<void>;
  editMessage(reply: Reply): Promise<void>;
  followUp(reply: Reply): Promise<void>;
}

/** Reading articles for /predict extract (the engine in src/extract/), injectable for tests. */
export interface ArticleTools {
  /** Fetches a link safely (http(s) only, size/time limits, private addresses refused unless allowed). */
  fetchUrl(url: string): Promise<ArticleInput>;
  /** An uploaded file: HTML when it looks like HTML, else plain text. */
  fromFile(content: string, name: string, contentType: string | null): ArticleInput;
  /** The forecasts found, for review. */
  candidates(input: ArticleInput, opts: { today: string }): Candidate[];
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
}

export const ledgerCtx = (call: CallBase, ctx: AppCtx): LedgerCtx => ({
  db: ctx.db,
  guildId: call.guildId,
  actor: { id: call.member.id, isManager: call.member.isManager, name: call.member.displayName },
  now: ctx.now,
});

export type CommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;
export type ContextMenuDefinition = RESTPostAPIContextMenuApplicationCommandsJSONBody;
export type Choice = APIApplicationCommandOptionChoice<string | number>;

export interface Command {
  definition: CommandDefinition;
  execute(call: CommandCall, ctx: AppCtx): Promise<void>;
  autocomplete?(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]>;
}

/** A message context-menu command (type 3). */
export interface MessageCommand {
  definition: ContextMenuDefinition;
  execute(call: MessageCommandCall, ctx: AppCtx): Promise<void>;
}

/** A button family, routed by the custom_id prefix before the first ':'. */
export interface ComponentHandler {
  prefix: string;
  handle(call: ComponentCall, ctx: AppCtx): Promise<void>;
}

/** A modal family, routed by the custom_id prefix before the first ':'. */
export interface ModalHandler {
  prefix: string;
  submit(call: ModalCall, ctx: AppCtx): Promise<void>;
}

/** An expected problem with what the member asked; shown to them ephemerally as is. */
export class UserError extends Error {
  override name = 'UserError';
}
