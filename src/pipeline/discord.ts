/**
 * The Responder for Discord, on both of its transports. The first answer to an interaction goes
 * the transport's way — the gateway posts the interaction callback over REST, the HTTP endpoint
 * puts it in the response body — and everything after it is the same REST calls to the
 * interaction's webhook (PATCH @original, follow-ups), which need no bot token and do not count
 * against the bot's global rate limit.
 *
 * A first answer not given within `deferAfterMs` is a deferral (Discord's deadline is 3 s); the
 * answer then fills in the placeholder.
 */
import type { REST, RawFile } from '@discordjs/rest';
import {
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  Routes,
  TextInputStyle,
  type APIInteraction,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  type APIModalInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { DISCORD_LIMITS, fitReply, MODAL_LIMITS, truncate } from '../kit/render.js';
import { CatalogError, type Choice, type Modal, type Reply } from '../kit/types.js';
import type { Responder } from './responder.js';

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

/** A modal as Discord takes it (action rows of text inputs), within its limits. */
export function toDiscordModal(modal: Modal): APIModalInteractionResponseCallbackData {
  return {
    custom_id: modal.customId.slice(0, DISCORD_LIMITS.customId),
    title: truncate(modal.title, MODAL_LIMITS.title),
    components: modal.fields.slice(0, MODAL_LIMITS.fields).map((f) => {
      const max = Math.min(f.maxLength ?? MODAL_LIMITS.value, MODAL_LIMITS.value);
      const value = f.value ? truncate(f.value, max) : '';
      return {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: f.id,
            label: truncate(f.label, MODAL_LIMITS.label),
            style: f.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
            required: f.required ?? false,
            max_length: max,
            ...(value ? { value } : {}),
            ...(f.placeholder ? { placeholder: truncate(f.placeholder, MODAL_LIMITS.placeholder) } : {}),
          },
        ],
      };
    }),
  };
}

/** How a transport sends an interaction's first answer. */
export interface FirstAnswer {
  /** Sends it; resolves once it is delivered (the REST calls after it wait for that). */
  send(body: APIInteractionResponse, files: RawFile[]): Promise<void>;
  /** Whether it can carry files (a REST callback can; an HTTP response body cannot: files then follow over REST). */
  carriesFiles: boolean;
}

export interface DiscordResponderOptions {
  /** Defer when nothing was answered by then (ms); none: only when the handler asks. */
  deferAfterMs?: number;
  /** Reports a deferral by the timer that could not be delivered (the next answer then fails and is logged by the boundary). */
  onDeferFailed?: (error: unknown) => void;
}

type State = 'pending' | 'answered' | 'deferred';

export class DiscordResponder implements Responder {
  private state: State = 'pending';
  /** Deferred publicly by the timer (not by the handler): an ephemeral answer then replaces the placeholder. */
  private autoDeferred = false;
  private deferredEphemeral = false;
  /** Resolves once the first answer is delivered. */
  private sent: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly interaction: APIInteraction,
    private readonly rest: REST,
    private readonly first: FirstAnswer,
    private readonly opts: DiscordResponderOptions = {},
  ) {
    if (opts.deferAfterMs !== undefined) this.timer = setTimeout(() => this.deferNow().catch((error: unknown) => opts.onDeferFailed?.(error)), opts.deferAfterMs);
  }

  private get isCommand(): boolean {
    return this.interaction.type === InteractionType.ApplicationCommand;
  }

  /** A form not opened from a message (only a message's form can update it). */
  private get isDetachedForm(): boolean {
    return this.interaction.type === InteractionType.ModalSubmit && !this.interaction.message;
  }

  private respond(body: APIInteractionResponse, state: State, files: RawFile[] = []): Promise<void> {
    if (this.state !== 'pending') throw new Error('interaction already answered');
    this.state = state;
    clearTimeout(this.timer);
    const sending: Promise<void> = this.first.send(body, files).catch((error: unknown) => {
      // Not delivered: the interaction is still unanswered, so a later answer (the error's) tries again.
      if (this.sent === sending) {
        this.state = 'pending';
        this.autoDeferred = false;
      }
      throw error;
    });
    this.sent = sending;
    sending.catch(() => {}); // whoever awaits it sees the failure; it is never unhandled
    return sending;
  }

  /** Nothing was answered in time (or at all): acknowledge now, finish over REST. */
  async deferNow(): Promise<void> {
    if (this.state !== 'pending') return;
    this.autoDeferred = true;
    if (this.interaction.type === InteractionType.ApplicationCommandAutocomplete) {
      await this.respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } }, 'answered');
    } else if (this.isCommand || this.isDetachedForm) {
      await this.respond({ type: InteractionResponseType.DeferredChannelMessageWithSource }, 'deferred');
    } else {
      await this.respond({ type: InteractionResponseType.DeferredMessageUpdate }, 'deferred');
    }
  }

  async settle(): Promise<void> {
    clearTimeout(this.timer);
    await this.deferNow();
  }

  async choices(choices: Choice[]): Promise<void> {
    if (this.state === 'pending') await this.respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } }, 'answered');
  }

  async defer({ ephemeral }: { ephemeral: boolean }): Promise<void> {
    if (this.state !== 'pending') return;
    this.deferredEphemeral = ephemeral;
    await this.respond({ type: InteractionResponseType.DeferredChannelMessageWithSource, ...(ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}) }, 'deferred');
  }

  async deferUpdate(): Promise<void> {
    if (this.state !== 'pending') return;
    // A form not opened from a message has no message to update: its deferral is a (private) placeholder.
    if (this.isDetachedForm) return this.defer({ ephemeral: true });
    await this.respond({ type: InteractionResponseType.DeferredMessageUpdate }, 'deferred');
  }

  async message(reply: Reply): Promise<void> {
    if (this.state !== 'pending') return this.followUp(reply);
    if (reply.files?.length && !this.first.carriesFiles) {
      // The first answer cannot carry the files: defer, then fill the placeholder over REST.
      await this.defer({ ephemeral: Boolean(reply.ephemeral) });
      return this.editOriginal(reply);
    }
    const { data, files } = messageData(reply);
    await this.respond({ type: InteractionResponseType.ChannelMessageWithSource, data }, 'answered', files);
  }

  async commandReply(reply: Reply): Promise<void> {
    if (this.state === 'pending') return this.message(reply);
    if (this.autoDeferred && reply.ephemeral && !this.deferredEphemeral) {
      // Deferred publicly by the timer, the answer is the member's alone: the placeholder goes.
      this.autoDeferred = false;
      await this.deleteOriginal();
      return this.followUp(reply);
    }
    await this.editOriginal(reply);
  }

  async update(reply: Reply): Promise<void> {
    if (this.isDetachedForm) throw new CatalogError('errors.detachedForm');
    const shown = { ...reply, ephemeral: false };
    if (this.state === 'pending' && (!reply.files?.length || this.first.carriesFiles)) {
      const { data, files } = messageData(shown);
      await this.respond({ type: InteractionResponseType.UpdateMessage, data }, 'answered', files);
      return;
    }
    await this.deferUpdate();
    await this.editOriginal(shown);
  }

  async modal(modal: Modal): Promise<void> {
    if (this.state !== 'pending') throw new Error('a form can only be the first answer to a click');
    await this.respond({ type: InteractionResponseType.Modal, data: toDiscordModal(modal) }, 'answered');
  }

  async failure(reply: Reply): Promise<void> {
    if (this.state === 'pending') return this.message(reply);
    if (this.isCommand && this.state === 'deferred' && this.deferredEphemeral) return this.editOriginal(reply);
    // Deferred publicly ("thinking…" in the channel): an error is the member's alone, so the public
    // placeholder goes and the error comes as an ephemeral follow-up.
    if (this.isCommand && this.state === 'deferred') await this.deleteOriginal().catch(() => {});
    await this.followUp(reply);
  }

  async channelGuildId(guildId: string, channelId: string): Promise<string | null> {
    // The server's channel list holds every channel of it, also those the bot cannot view
    // (GET /channels/{id} would answer 403 for those, and a schedule there is paused later, not refused).
    const channels = (await this.rest.get(Routes.guildChannels(guildId))) as { id: string }[];
    return channels.some((c) => c.id === channelId) ? guildId : null;
  }

  private async editOriginal(reply: Reply): Promise<void> {
    await this.sent;
    const { data, files } = messageData(reply);
    const { flags: _flags, ...body } = data;
    await this.rest.patch(Routes.webhookMessage(this.interaction.application_id, this.interaction.token, '@original'), { body, files, auth: false });
  }

  private async followUp(reply: Reply): Promise<void> {
    await this.sent;
    const { data, files } = messageData(reply);
    await this.rest.post(Routes.webhook(this.interaction.application_id, this.interaction.token), { body: data, files, auth: false });
  }

  private async deleteOriginal(): Promise<void> {
    await this.sent;
    await this.rest.delete(Routes.webhookMessage(this.interaction.application_id, this.interaction.token, '@original'), { auth: false });
  }
}
