/**
 * Raw interactions (Discord's JSON, as the endpoint receives it) turned into the kit's calls.
 * An `Exchange` holds the one HTTP response: the first answer goes back in it; once the response
 * is gone (answered, or deferred because the work took too long or carries files), the rest goes
 * over REST to the interaction's webhook (PATCH @original, follow-ups), which Discord does not
 * count against the bot's global limit and which needs no bot token.
 */
import type { REST, RawFile } from '@discordjs/rest';
import {
  ApplicationCommandOptionType,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  type APIApplicationCommandOptionChoice,
} from 'discord-api-types/v10';
import { fitReply } from '../kit/render.js';
import { localeOf } from '../kit/locale.js';
import { UserError, type AutocompleteCall, type CommandCall, type ComponentCall, type Member, type OptionReader, type Reply } from '../kit/types.js';

const DISCORD_EPOCH = 1420070400000n;

export const snowflakeTime = (id: string): Date => new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));

/** A reply as Discord's message JSON (mentions never parsed) and its files. */
export function messageData(reply: Reply, extraFlags = 0): { data: APIInteractionResponseCallbackData; files: RawFile[] } {
  const fitted = fitReply(reply);
  const files = (fitted.files ?? []).map((f) => ({ name: f.name, data: f.data }));
  const flags = (reply.ephemeral ? MessageFlags.Ephemeral : 0) | extraFlags;
  return {
    data: {
      ...(fitted.content !== undefined ? { content: fitted.content } : {}),
      embeds: fitted.embeds ?? [],
      components: fitted.components ?? [],
      ...(fitted.files?.length ? { attachments: fitted.files.map((f, i) => ({ id: String(i), filename: f.name, ...(f.description ? { description: f.description } : {}) })) } : {}),
      allowed_mentions: { parse: [] },
      ...(flags ? { flags } : {}),
    },
    files,
  };
}

type Option = APIApplicationCommandInteractionDataOption;

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

/** What every call carries: the server (always from the interaction itself), channel, member and time. */
export function callBase(i: APIInteraction) {
  return { guildId: i.guild_id ?? '', channelId: i.channel?.id ?? i.channel_id ?? null, member: memberOf(i), createdAt: snowflakeTime(i.id), ...localeOf('locale' in i ? i.locale : null, i.guild_locale) };
}

type State = 'pending' | 'answered' | 'deferred';

/**
 * The one HTTP response of an interaction and the REST route after it. `response` resolves with
 * what goes back in the HTTP response; `deferNow()` sends the deferral when the work runs long.
 */
export class Exchange {
  state: State = 'pending';
  /** Deferred publicly by the timer (not by the handler): an ephemeral answer then replaces the placeholder. */
  private autoDeferred = false;
  private deferredEphemeral = false;
  private resolveResponse!: (body: APIInteractionResponse) => void;
  readonly response = new Promise<APIInteractionResponse>((resolve) => (this.resolveResponse = resolve));
  /** Resolves once the HTTP response has been written (REST calls wait for it). */
  sent: Promise<void> = Promise.resolve();

  constructor(
    readonly interaction: APIInteraction,
    readonly rest: REST,
  ) {}

  get isCommand(): boolean {
    return this.interaction.type === 2;
  }

  private respond(body: APIInteractionResponse, state: State): void {
    if (this.state !== 'pending') throw new Error('interaction already answered');
    this.state = state;
    this.resolveResponse(body);
  }

  /** The deadline is near and nothing was answered: acknowledge now, finish over REST. */
  deferNow(): void {
    if (this.state !== 'pending') return;
    this.autoDeferred = true;
    if (this.interaction.type === 4) this.respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } }, 'answered');
    else if (this.isCommand) this.respond({ type: InteractionResponseType.DeferredChannelMessageWithSource }, 'deferred');
    else this.respond({ type: InteractionResponseType.DeferredMessageUpdate }, 'deferred');
  }

  choices(choices: APIApplicationCommandOptionChoice[]): void {
    if (this.state === 'pending') this.respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } }, 'answered');
  }

  defer(ephemeral: boolean): void {
    if (this.state !== 'pending') return;
    this.deferredEphemeral = ephemeral;
    this.respond({ type: InteractionResponseType.DeferredChannelMessageWithSource, ...(ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}) }, 'deferred');
  }

  deferUpdate(): void {
    if (this.state === 'pending') this.respond({ type: InteractionResponseType.DeferredMessageUpdate }, 'deferred');
  }

  /** A new message answering the interaction (type 4), or a follow-up once answered. */
  async message(reply: Reply): Promise<void> {
    if (this.state === 'pending') {
      if (!reply.files?.length) {
        this.respond({ type: InteractionResponseType.ChannelMessageWithSource, data: messageData(reply).data }, 'answered');
        return;
      }
      // Files go over REST: defer, then fill the placeholder.
      this.defer(Boolean(reply.ephemeral));
      await this.editOriginal(reply);
      return;
    }
    await this.followUp(reply);
  }

  /** The command's answer: the first message, or (deferred/answered) the original edited. */
  async commandReply(reply: Reply): Promise<void> {
    if (this.state === 'pending') return this.message(reply);
    if (this.autoDeferred && reply.ephemeral && !this.deferredEphemeral) {
      // Deferred publicly by the timer, the answer is the member's alone: the placeholder goes.
      this.autoDeferred = false;
      await this.deleteOriginal();
      await this.followUp(reply);
      return;
    }
    await this.editOriginal(reply);
  }

  /** Replaces the message a button is on (type 7, or PATCH once acknowledged). */
  async update(reply: Reply): Promise<void> {
    if (this.state === 'pending' && !reply.files?.length) {
      this.respond({ type: InteractionResponseType.UpdateMessage, data: messageData({ ...reply, ephemeral: false }).data }, 'answered');
      return;
    }
    this.deferUpdate();
    await this.editOriginal({ ...reply, ephemeral: false });
  }

  /** An error answer, the member's alone, in whatever way the interaction still allows. */
  async failure(reply: Reply): Promise<void> {
    if (this.state === 'pending') return this.message(reply);
    if (this.isCommand && this.state === 'deferred' && this.deferredEphemeral) return this.editOriginal(reply);
    if (this.isCommand && this.state === 'deferred') await this.deleteOriginal().catch(() => {});
    await this.followUp(reply);
  }

  async editOriginal(reply: Reply): Promise<void> {
    await this.sent;
    const { data, files } = messageData(reply);
    const { flags: _flags, ...body } = data;
    await this.rest.patch(Routes.webhookMessage(this.interaction.application_id, this.interaction.token, '@original'), { body, files, auth: false });
  }

  async followUp(reply: Reply): Promise<void> {
    await this.sent;
    const { data, files } = messageData(reply);
    await this.rest.post(Routes.webhook(this.interaction.application_id, this.interaction.token), { body: data, files, auth: false });
  }

  async deleteOriginal(): Promise<void> {
    await this.sent;
    await this.rest.delete(Routes.webhookMessage(this.interaction.application_id, this.interaction.token, '@original'), { auth: false });
  }
}

export function commandCall(i: APIInteraction & { data: { name: string; options?: Option[]; resolved?: APIInteractionDataResolved } }, x: Exchange): CommandCall {
  return {
    commandName: i.data.name,
    ...callBase(i),
    options: optionReader(i.data.options ?? [], i.data.resolved),
    async defer(opts) {
      x.defer(Boolean(opts?.ephemeral));
    },
    reply: (reply) => x.commandReply(reply),
    async channelGuildId(channelId) {
      // As the gateway router does: the server's channel list (also channels the bot cannot view).
      const guildId = i.guild_id;
      if (!guildId) return null;
      const channels = (await x.rest.get(Routes.guildChannels(guildId))) as { id: string }[];
      return channels.some((c) => c.id === channelId) ? guildId : null;
    },
  };
}

export function autocompleteCall(i: APIInteraction & { data: { name: string; options?: Option[]; resolved?: APIInteractionDataResolved } }): AutocompleteCall {
  return { commandName: i.data.name, ...callBase(i), options: optionReader(i.data.options ?? [], i.data.resolved) };
}

export function componentCall(i: APIInteraction & { data: { custom_id: string } }, x: Exchange): ComponentCall {
  const message = 'message' in i && i.message ? i.message : null;
  return {
    customId: i.data.custom_id,
    ...callBase(i),
    message: message
      ? { id: message.id, channelId: message.channel_id, embeds: message.embeds ?? [], ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 }
      : null,
    async showModal() {
      // Not yet over HTTP (modals and message commands came to the kit as this endpoint merged).
      throw new UserError('That form cannot be opened through this endpoint yet; use the slash command instead.');
    },
    reply: (reply) => x.message(reply),
    update: (reply) => x.update(reply),
    async deferUpdate() {
      x.deferUpdate();
    },
    editMessage: (reply) => x.update(reply),
    followUp: (reply) => x.message(reply),
  };
}
