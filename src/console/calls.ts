/**
 * The console's side of the pipeline: a typed line, a pressed button or a filled-in form becomes
 * the interaction payload Discord would send for it (so it goes through the one builder and the
 * one error boundary, src/pipeline/), and the console's Responder shows the answers on the board.
 */
import { stat, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  ApplicationCommandOptionType as T,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataOption,
  type APIEmbed,
  type APIMessage,
  type APIInteraction,
  type APIInteractionDataResolved,
} from 'discord-api-types/v10';
import { CatalogError, type AttachmentRef, type Choice, type Member, type Modal, type Reply } from '../kit/types.js';
import type { Responder } from '../pipeline/responder.js';
import type { OptionValue } from './parse.js';

/** Where the answers go: new messages, and edits of shown ones. */
export interface Surface {
  /** Shows a new message; returns its id. */
  show(reply: Reply, opts: { ephemeral: boolean }): string;
  /** Replaces a shown message (an edit or an update). */
  replace(messageId: string, reply: Reply): void;
}

/** Who acts where and when. */
export interface CallPlace {
  guildId: string;
  channelId: string;
  member: Member;
  createdAt: Date;
  /** The member's language (the console's --locale), sent as the interaction's `locale`. */
  locale: string;
  /** The console server's language, sent as `guild_locale`. */
  guildLocale: string | null;
}

const DISCORD_EPOCH = 1420070400000n;
let sequence = 0;

/** A snowflake of this moment (what an interaction id carries: its time). */
function snowflakeAt(at: Date): string {
  return String(((BigInt(at.getTime()) - DISCORD_EPOCH) << 22n) | BigInt(sequence++ & 0x3fffff));
}

/** The console's application: interactions carry an application id and a token as Discord's do. */
const CONSOLE_APPLICATION = '100000000000000000';

/** What every interaction of the console carries: the server, its one channel, the member (Manage Server for a manager), the time. */
function interactionBase(place: CallPlace) {
  const user = { id: place.member.id, username: place.member.displayName, global_name: null, discriminator: '0', avatar: null };
  return {
    id: snowflakeAt(place.createdAt),
    application_id: CONSOLE_APPLICATION,
    token: 'console',
    version: 1 as const,
    guild_id: place.guildId,
    channel_id: place.channelId,
    channel: { id: place.channelId, type: ChannelType.GuildText as const },
    member: {
      user,
      nick: place.member.displayName,
      permissions: place.member.isManager ? String(PermissionFlagsBits.ManageGuild) : '0',
      roles: [],
      joined_at: place.createdAt.toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    app_permissions: '0',
    locale: place.locale as Locale,
    ...(place.guildLocale ? { guild_locale: place.guildLocale as Locale } : {}),
    entitlements: [],
    authorizing_integration_owners: {},
    context: InteractionContextType.Guild,
    attachment_size_limit: 0,
  };
}

type Option = APIApplicationCommandInteractionDataOption;

/** Option values the parser checked against the definition, as Discord's options and resolved data. */
function optionsOf(subcommand: string | null, values: ReadonlyMap<string, OptionValue>, focused?: { name: string; value: string }): { options: Option[]; resolved: APIInteractionDataResolved } {
  const resolved: Required<Pick<APIInteractionDataResolved, 'users' | 'members' | 'channels' | 'attachments'>> = { users: {}, members: {}, channels: {}, attachments: {} };
  const leaves: Option[] = [];
  for (const [name, o] of values) {
    switch (o.type) {
      case T.User:
        resolved.users[o.value.id] = { id: o.value.id, username: o.value.displayName, global_name: null, discriminator: '0', avatar: null };
        resolved.members[o.value.id] = { nick: o.value.displayName, roles: [], joined_at: new Date(0).toISOString(), permissions: '0', flags: 0 } as never;
        leaves.push({ name, type: T.User, value: o.value.id });
        break;
      case T.Channel:
        resolved.channels[o.value.id] = { id: o.value.id, type: o.value.type, name: null, permissions: '0' } as never;
        leaves.push({ name, type: T.Channel, value: o.value.id });
        break;
      case T.Attachment: {
        const id = String(Object.keys(resolved.attachments).length + 1);
        resolved.attachments[id] = { id, filename: o.value.name, size: o.value.size, url: o.value.url, proxy_url: o.value.url, ...(o.value.contentType ? { content_type: o.value.contentType } : {}) };
        leaves.push({ name, type: T.Attachment, value: id });
        break;
      }
      default:
        leaves.push({ name, type: o.type, value: o.value } as Option);
    }
  }
  if (focused) leaves.push({ name: focused.name, type: T.String, value: focused.value, focused: true });
  let options = leaves;
  if (subcommand) {
    const [first, second] = subcommand.split(' ');
    options = second
      ? [{ name: first!, type: T.SubcommandGroup, options: [{ name: second, type: T.Subcommand, options: leaves as never }] }]
      : [{ name: first!, type: T.Subcommand, options: leaves as never }];
  }
  return { options, resolved };
}

/** `/name [subcommand] option:value …`, checked by parse.ts, as the slash command interaction Discord would send. */
export function commandInteraction(place: CallPlace, name: string, subcommand: string | null, values: ReadonlyMap<string, OptionValue>): APIInteraction {
  const { options, resolved } = optionsOf(subcommand, values);
  return {
    ...interactionBase(place),
    type: InteractionType.ApplicationCommand,
    data: { id: '0', name, type: ApplicationCommandType.ChatInput, options, resolved },
  } satisfies Partial<APIInteraction> as unknown as APIInteraction;
}

/** The option being typed (Tab), with the others typed so far, as Discord's autocomplete interaction. */
export function autocompleteInteraction(place: CallPlace, name: string, subcommand: string | null, values: ReadonlyMap<string, OptionValue>, focused: { name: string; value: string }): APIInteraction {
  const { options, resolved } = optionsOf(subcommand, values, focused);
  return {
    ...interactionBase(place),
    type: InteractionType.ApplicationCommandAutocomplete,
    data: { id: '0', name, type: ApplicationCommandType.ChatInput, options, resolved },
  } satisfies Partial<APIInteraction> as unknown as APIInteraction;
}

/** The console's message a button was pressed on, as a click or a form submission carries it. */
export interface PressedMessage {
  id: string;
  embeds: readonly APIEmbed[];
  ephemeral: boolean;
}

/** A press of the button `customId`, with the message it is on. */
export function buttonInteraction(place: CallPlace, customId: string, on?: PressedMessage): APIInteraction {
  return {
    ...interactionBase(place),
    type: InteractionType.MessageComponent,
    data: { custom_id: customId, component_type: ComponentType.Button },
    // the message the button is on, as Discord's click carries it (its embeds: the card's frame)
    ...(on ? { message: clickedMessage(place, on) } : {}),
  } satisfies Partial<APIInteraction> as unknown as APIInteraction;
}

/** The bot's message a button is on, in Discord's shape (what the handlers read of it: id, channel, embeds, flags). */
function clickedMessage(place: CallPlace, on: PressedMessage): APIMessage {
  return {
    id: on.id,
    channel_id: place.channelId,
    author: { id: '0', username: 'Hindsight', global_name: null, discriminator: '0', avatar: null },
    content: '',
    timestamp: place.createdAt.toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [...on.embeds],
    pinned: false,
    type: 0,
    flags: on.ephemeral ? MessageFlags.Ephemeral : 0,
  } as APIMessage;
}

/** A filled-in form, as Discord's modal submit (one action row per text input), with the message whose button opened it. */
export function formInteraction(place: CallPlace, customId: string, fields: ReadonlyMap<string, string>, on?: PressedMessage | null): APIInteraction {
  return {
    ...interactionBase(place),
    type: InteractionType.ModalSubmit,
    data: {
      custom_id: customId,
      components: [...fields].map(([id, value]) => ({ type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: id, value }] })),
    },
    ...(on ? { message: clickedMessage(place, on) } : {}),
  } satisfies Partial<APIInteraction> as unknown as APIInteraction;
}

/** A message command ("Apps → …") on a message with this text, written by `author`. */
export function messageCommandInteraction(place: CallPlace, name: string, target: { id: string; content: string; author: Member }): APIInteraction {
  const author = { id: target.author.id, username: target.author.displayName, global_name: null, discriminator: '0', avatar: null };
  const message = { id: target.id, channel_id: place.channelId, author, content: target.content, embeds: [], attachments: [], timestamp: place.createdAt.toISOString() };
  return {
    ...interactionBase(place),
    type: InteractionType.ApplicationCommand,
    data: { id: '0', name, type: ApplicationCommandType.Message, target_id: target.id, resolved: { messages: { [target.id]: message } } },
  } as unknown as APIInteraction;
}

/**
 * The console's Responder: answers show on the board. A command's deferred answer keeps the
 * deferral's visibility and a second answer edits the first, as in Discord; an update replaces
 * the message the button is on (`messageId`); a form goes to `openForm` (the session asks for its
 * fields at the prompt); the choices of autocomplete are kept for the session.
 */
export class ConsoleResponder implements Responder {
  /** The choices autocomplete answered. */
  choicesGiven: Choice[] = [];
  private deferred: { ephemeral: boolean } | null = null;
  private answer: string | null = null;

  constructor(
    private readonly surface: Surface,
    private readonly opts: { channelId: string; messageId?: string; openForm?: (modal: Modal, messageId: string) => void },
  ) {}

  async choices(choices: Choice[]): Promise<void> {
    this.choicesGiven = choices;
  }

  async defer({ ephemeral }: { ephemeral: boolean }): Promise<void> {
    if (!this.deferred && !this.answer) this.deferred = { ephemeral };
  }

  async deferUpdate(): Promise<void> {}

  async commandReply(reply: Reply): Promise<void> {
    if (this.answer) this.surface.replace(this.answer, reply);
    else this.answer = this.surface.show(reply, { ephemeral: this.deferred ? this.deferred.ephemeral : (reply.ephemeral ?? false) });
  }

  async message(reply: Reply): Promise<void> {
    this.surface.show(reply, { ephemeral: reply.ephemeral ?? false });
  }

  async update(reply: Reply): Promise<void> {
    if (!this.opts.messageId) throw new CatalogError('console.calls.noMessage');
    this.surface.replace(this.opts.messageId, reply);
  }

  async modal(modal: Modal): Promise<void> {
    if (!this.opts.openForm || !this.opts.messageId) throw new CatalogError('console.calls.noForms');
    this.opts.openForm(modal, this.opts.messageId);
  }

  async failure(reply: Reply): Promise<void> {
    this.surface.show(reply, { ephemeral: true });
  }

  async settle(): Promise<void> {}

  /** The console's server has one channel. */
  async channelGuildId(guildId: string, channelId: string): Promise<string | null> {
    return channelId === this.opts.channelId ? guildId : null;
  }
}

/** ctx.fetchAttachment in the console: attachments are local files (`file://` urls), read with the same size cap. */
export async function readLocalAttachment(ref: AttachmentRef, maxBytes: number): Promise<string> {
  if (!ref.url.startsWith('file:')) throw new CatalogError('console.calls.localFiles', { url: ref.url.slice(0, 60) });
  const path = fileURLToPath(ref.url);
  const tooLarge = () => new CatalogError('console.calls.tooLarge', { mb: Math.floor(maxBytes / 1_000_000) });
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CatalogError('console.calls.gone', { name: ref.name });
  }
  if (info.size > maxBytes) throw tooLarge();
  const data = await readFile(path);
  if (data.byteLength > maxBytes) throw tooLarge();
  return data.toString('utf8');
}
