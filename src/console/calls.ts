/**
 * The console's side of src/discord/types.ts: the same CommandCall, ComponentCall and
 * AutocompleteCall that Discord interactions become, built from a typed line or a picked button,
 * so every command and button handler runs unchanged.
 */
import { stat, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ApplicationCommandOptionType as T } from 'discord-api-types/v10';
import {
  UserError,
  type AttachmentRef,
  type AutocompleteCall,
  type CommandCall,
  type ComponentCall,
  type Member,
  type Modal,
  type ModalCall,
  type OptionReader,
  type Reply,
} from '../kit/types.js';
import type { OptionValue } from './parse.js';
import type { Translator } from '../i18n/index.js';

/** Where the calls' answers go: new messages, and edits of shown ones. */
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
  locale: string;
  guildLocale: string | null;
  t: Translator;
}

/** Reads options that parse.ts already checked against the definition. */
export function consoleOptions(
  subcommand: string | null,
  values: ReadonlyMap<string, OptionValue>,
  focused: { name: string; value: string } | null = null,
): OptionReader {
  const get = (name: string, ...types: T[]) => {
    const o = values.get(name);
    return o && types.includes(o.type) ? o.value : null;
  };
  return {
    subcommand: () => subcommand,
    string: (name) => get(name, T.String) as string | null,
    integer: (name) => get(name, T.Integer) as number | null,
    number: (name) => get(name, T.Number) as number | null,
    boolean: (name) => get(name, T.Boolean) as boolean | null,
    channel: (name) => get(name, T.Channel) as { id: string; type: number } | null,
    attachment: (name) => get(name, T.Attachment) as AttachmentRef | null,
    user: (name) => {
      const member = get(name, T.User) as Member | null;
      return member ? { id: member.id, displayName: member.displayName } : null;
    },
    focused: () => focused,
  };
}

export function commandCall(place: CallPlace, commandName: string, options: OptionReader, surface: Surface): CommandCall {
  let deferred: { ephemeral: boolean } | null = null;
  let answer: string | null = null;
  return {
    ...place,
    commandName,
    options,
    async defer(opts) {
      if (deferred || answer) return;
      deferred = { ephemeral: opts?.ephemeral ?? false };
    },
    async reply(reply) {
      // As in Discord: a deferred answer keeps the deferral's visibility; a second answer edits the first.
      if (answer) surface.replace(answer, reply);
      else answer = surface.show(reply, { ephemeral: deferred ? deferred.ephemeral : (reply.ephemeral ?? false) });
    },
    // The console's server has one channel.
    channelGuildId: async (channelId) => (channelId === place.channelId ? place.guildId : null),
  };
}

/**
 * A click on button `customId` of message `messageId`. A form the handler opens goes to `openForm`
 * (the session asks for its fields at the prompt).
 */
export function componentCall(
  place: CallPlace,
  customId: string,
  messageId: string,
  surface: Surface,
  openForm: (modal: Modal, messageId: string) => void = () => {
    throw new UserError('Forms cannot be filled in here.');
  },
): ComponentCall {
  const answer = async (reply: Reply) => void surface.show(reply, { ephemeral: reply.ephemeral ?? false });
  const edit = async (reply: Reply) => surface.replace(messageId, reply);
  return {
    ...place,
    customId,
    async showModal(modal) {
      openForm(modal, messageId);
    },
    message: null,
    reply: answer,
    followUp: answer,
    update: edit,
    editMessage: edit,
    async deferUpdate() {},
  };
}

/** A submitted form, opened from a button of message `messageId`. */
export function modalCall(place: CallPlace, customId: string, fields: ReadonlyMap<string, string>, messageId: string, surface: Surface): ModalCall {
  const answer = async (reply: Reply) => void surface.show(reply, { ephemeral: reply.ephemeral ?? false });
  const edit = async (reply: Reply) => surface.replace(messageId, reply);
  return { ...place, customId, fields, reply: answer, followUp: answer, update: edit, editMessage: edit, async deferUpdate() {} };
}

export function autocompleteCall(place: CallPlace, commandName: string, options: OptionReader): AutocompleteCall {
  return { ...place, commandName, options };
}

/** ctx.fetchAttachment in the console: attachments are local files (`file://` urls), read with the same size cap. */
export async function readLocalAttachment(ref: AttachmentRef, maxBytes: number): Promise<string> {
  if (!ref.url.startsWith('file:')) throw new UserError(`In the console, attachments are local files: give a path, e.g. file:./pack.json (not ${ref.url.slice(0, 60)}).`);
  const path = fileURLToPath(ref.url);
  const tooLarge = () => new UserError(`The file is too large (at most ${Math.floor(maxBytes / 1_000_000)} MB).`);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UserError(`Could not read ${ref.name}: there is no such file any more.`);
  }
  if (info.size > maxBytes) throw tooLarge();
  const data = await readFile(path);
  if (data.byteLength > maxBytes) throw tooLarge();
  return data.toString('utf8');
}
