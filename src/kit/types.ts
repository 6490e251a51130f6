/**
 * What a command handler sees. Discord interactions and the local console both produce these,
 * so each command is written once (commands/*.ts) and served by both.
 */
import type { APIApplicationCommandOptionChoice, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { LedgerCtx } from '../ledger/context.js';
import type { RoundOutcome } from './poster.js';
import type { Reply } from './reply.js';

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

/** A button click on a message the bot posted. */
export interface ComponentCall extends CallBase {
  customId: string;
  /** Answers only the clicker. */
  reply(reply: Reply): Promise<void>;
  /** Replaces the message the button is on. */
  update(reply: Reply): Promise<void>;
  /** Acknowledge now; then `followUp` for the clicker and/or `editMessage` for the message. */
  deferUpdate(): Promise<void>;
  editMessage(reply: Reply): Promise<void>;
  followUp(reply: Reply): Promise<void>;
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
}

export const ledgerCtx = (call: CallBase, ctx: AppCtx): LedgerCtx => ({
  db: ctx.db,
  guildId: call.guildId,
  actor: { id: call.member.id, isManager: call.member.isManager },
  now: ctx.now,
});

export type CommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;
export type Choice = APIApplicationCommandOptionChoice<string | number>;

export interface Command {
  definition: CommandDefinition;
  execute(call: CommandCall, ctx: AppCtx): Promise<void>;
  autocomplete?(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]>;
}

/** A button family, routed by the custom_id prefix before the first ':'. */
export interface ComponentHandler {
  prefix: string;
  handle(call: ComponentCall, ctx: AppCtx): Promise<void>;
}

/** An expected problem with what the member asked; shown to them ephemerally as is. */
export class UserError extends Error {
  override name = 'UserError';
}
