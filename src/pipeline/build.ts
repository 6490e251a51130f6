/**
 * The one builder: a raw interaction (Discord's JSON, as the gateway's INTERACTION_CREATE carries
 * it, as the HTTP endpoint receives it, and as the console writes it from a typed line) becomes
 * the kit's call, answering through a Responder. Nothing here knows the transport.
 *
 * What a call carries is read from the interaction itself: the server (never from an id the member
 * could forge), the channel, the member with whether they hold Manage Server, the time (the
 * interaction id's snowflake), and the options with their resolved users, channels and files.
 */
import {
  ApplicationCommandOptionType,
  ComponentType,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIMessageApplicationCommandInteraction,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
} from 'discord-api-types/v10';
import type { OptionReader } from '../kit/options.js';
import type { AutocompleteCall, CallBase, ClickedMessage, CommandCall, ComponentCall, Member, MessageCommandCall, ModalCall } from '../kit/types.js';
import type { Responder } from './responder.js';
import { localeOf } from '../kit/locale.js';

const DISCORD_EPOCH = 1420070400000n;

/** When an interaction (any snowflake) was made. */
export const snowflakeTime = (id: string): Date => new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));

type Option = APIApplicationCommandInteractionDataOption;

/** The one option reader: over the interaction's options and their resolved data. */
export function optionReader(options: readonly Option[], resolved: APIInteractionDataResolved | undefined): OptionReader {
  let sub: string | null = null;
  let leaves: readonly Option[] = options;
  const first = options[0];
  if (first && (first.type === ApplicationCommandOptionType.Subcommand || first.type === ApplicationCommandOptionType.SubcommandGroup)) {
    sub = first.name;
    leaves = (first.options ?? []) as readonly Option[];
    const inner = leaves[0];
    if (first.type === ApplicationCommandOptionType.SubcommandGroup && inner && inner.type === ApplicationCommandOptionType.Subcommand) {
      sub = `${first.name} ${inner.name}`;
      leaves = (inner.options ?? []) as readonly Option[];
    }
  }
  const get = (name: string) => leaves.find((o) => o.name === name) as (Option & { value?: unknown; focused?: boolean }) | undefined;
  const typed = <T>(name: string, type: ApplicationCommandOptionType, check: (v: unknown) => v is T): T | null => {
    const o = get(name);
    return o && o.type === type && check(o.value) ? o.value : null;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  return {
    subcommand: () => sub,
    string: (name) => typed(name, ApplicationCommandOptionType.String, isString),
    integer: (name) => typed(name, ApplicationCommandOptionType.Integer, isNumber),
    number: (name) => typed(name, ApplicationCommandOptionType.Number, isNumber),
    boolean: (name) => typed(name, ApplicationCommandOptionType.Boolean, isBoolean),
    channel: (name) => {
      const o = get(name);
      const channel = o?.type === ApplicationCommandOptionType.Channel && isString(o.value) ? resolved?.channels?.[o.value] : undefined;
      return channel ? { id: channel.id, type: channel.type } : null;
    },
    attachment: (name) => {
      const o = get(name);
      const a = o?.type === ApplicationCommandOptionType.Attachment && isString(o.value) ? resolved?.attachments?.[o.value] : undefined;
      return a ? { name: a.filename, url: a.url, size: a.size, contentType: a.content_type ?? null } : null;
    },
    user: (name) => {
      const o = get(name);
      const user = o?.type === ApplicationCommandOptionType.User && isString(o.value) ? resolved?.users?.[o.value] : undefined;
      if (!user) return null;
      const nick = resolved?.members?.[user.id]?.nick;
      return { id: user.id, displayName: nick ?? user.global_name ?? user.username };
    },
    focused: () => {
      const o = leaves.find((x) => (x as { focused?: boolean }).focused) as (Option & { value?: unknown }) | undefined;
      return o ? { name: o.name, value: String(o.value ?? '') } : null;
    },
  };
}

function memberOf(i: APIInteraction): Member {
  const user = i.member?.user ?? i.user;
  const permissions = BigInt(i.member?.permissions ?? '0');
  return {
    id: user?.id ?? '0',
    displayName: i.member?.nick ?? user?.global_name ?? user?.username ?? 'someone',
    isManager: (permissions & (PermissionFlagsBits.ManageGuild | PermissionFlagsBits.Administrator)) !== 0n,
  };
}

/**
 * What every call carries: the server (always from the interaction itself), channel, member and time,
 * and the languages: the member's `locale` (with `t` in it) and the server's `guild_locale`.
 */
export function callBase(i: APIInteraction): CallBase {
  return {
    guildId: i.guild_id ?? '',
    channelId: i.channel?.id ?? i.channel_id ?? null,
    member: memberOf(i),
    createdAt: snowflakeTime(i.id),
    ...localeOf('locale' in i ? i.locale : null, i.guild_locale),
  };
}

/** A slash command (its options are read by the pipeline, beside the call). */
export function commandCall(i: APIChatInputApplicationCommandInteraction, r: Responder): CommandCall {
  return {
    commandName: i.data.name,
    ...callBase(i),
    defer: (opts) => r.defer({ ephemeral: opts?.ephemeral ?? false }),
    reply: (reply) => r.commandReply(reply),
    channelGuildId: (channelId) => (i.guild_id ? r.channelGuildId(i.guild_id, channelId) : Promise.resolve(null)),
  };
}

export function commandOptions(i: APIChatInputApplicationCommandInteraction | APIApplicationCommandAutocompleteInteraction): OptionReader {
  return optionReader((i.data.options ?? []) as readonly Option[], i.data.resolved);
}

export function autocompleteCall(i: APIApplicationCommandAutocompleteInteraction, options: OptionReader): AutocompleteCall {
  return { commandName: i.data.name, ...callBase(i), focused: options.focused() ?? { name: '', value: '' } };
}

/** A message command ("Apps → …"): the message it was used on, from the interaction's resolved data. */
export function messageCommandCall(i: APIMessageApplicationCommandInteraction, r: Responder): MessageCommandCall {
  const message = i.data.resolved.messages[i.data.target_id];
  return {
    commandName: i.data.name,
    ...callBase(i),
    target: {
      id: i.data.target_id,
      authorId: message?.author.id ?? '0',
      content: message?.content ?? '',
      embedUrls: (message?.embeds ?? []).map((e) => e.url).filter((u): u is string => !!u),
    },
    defer: (opts) => r.defer({ ephemeral: opts?.ephemeral ?? false }),
    reply: (reply) => r.commandReply(reply),
  };
}

/** The bot's message an interaction came from (a button on it, or a form a button on it opened), or null. */
function clickedMessage(i: APIMessageComponentInteraction | APIModalSubmitInteraction): ClickedMessage | null {
  const message = 'message' in i && i.message ? i.message : null;
  return message ? { id: message.id, channelId: message.channel_id, embeds: message.embeds ?? [], ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 } : null;
}

/** A click on a button (or a select menu's choice). */
export function componentCall(i: APIMessageComponentInteraction, r: Responder): ComponentCall {
  return {
    customId: i.data.custom_id,
    values: 'values' in i.data ? [...i.data.values] : [],
    ...callBase(i),
    message: clickedMessage(i),
    showModal: (modal) => r.modal(modal),
    reply: (reply) => r.message(reply),
    update: (reply) => r.update(reply),
    deferUpdate: () => r.deferUpdate(),
    editMessage: (reply) => r.update(reply),
    followUp: (reply) => r.message(reply),
  };
}

/** The text inputs of a submitted form, by id (in action rows, or in labels). */
export function modalFields(i: APIModalSubmitInteraction): Map<string, string> {
  const fields = new Map<string, string>();
  for (const top of i.data.components as readonly unknown[]) {
    const c = top as { type: number; components?: unknown[]; component?: unknown };
    const inputs = c.type === ComponentType.ActionRow ? (c.components ?? []) : c.type === ComponentType.Label ? [c.component] : [];
    for (const input of inputs as { type?: number; custom_id?: unknown; value?: unknown }[]) {
      if (input?.type === ComponentType.TextInput && typeof input.custom_id === 'string' && typeof input.value === 'string') fields.set(input.custom_id, input.value);
    }
  }
  return fields;
}

/** A submitted form. */
export function modalCall(i: APIModalSubmitInteraction, r: Responder): ModalCall {
  return {
    customId: i.data.custom_id,
    ...callBase(i),
    fields: modalFields(i),
    message: clickedMessage(i),
    reply: (reply) => r.message(reply),
    update: (reply) => r.update(reply),
    deferUpdate: () => r.deferUpdate(),
    editMessage: (reply) => r.update(reply),
    followUp: (reply) => r.message(reply),
  };
}
