/**
 * How a transport answers an interaction. The calls the builder makes (build.ts) answer only
 * through this interface, so a handler never knows which transport it is on. Three
 * implementations: the gateway's (the first answer is the interaction callback over REST) and the
 * HTTP endpoint's (the first answer is the HTTP response body) are one class, DiscordResponder
 * (discord.ts), told how to send the first answer; the console's (src/console/calls.ts) shows the
 * answers on its board.
 *
 * Discord's rules, which every implementation follows: an interaction is answered once (a message,
 * a deferral, an update of the clicked message, a form, or choices); everything after the first
 * answer edits it or follows it up.
 */
import type { Choice, Modal, Reply } from '../kit/types.js';

export interface Responder {
  /** Autocomplete: the choices (already within Discord's limits). */
  choices(choices: Choice[]): Promise<void>;
  /** Acknowledge a command now; its answer follows as the placeholder filled in. */
  defer(opts: { ephemeral: boolean }): Promise<void>;
  /** Acknowledge a click or a form now, without a visible answer; the message is edited later. */
  deferUpdate(): Promise<void>;
  /** A command's answer: the first message, or the deferred placeholder filled in (a second answer edits the first). */
  commandReply(reply: Reply): Promise<void>;
  /** A new message: the first answer, or a follow-up once the interaction is answered. */
  message(reply: Reply): Promise<void>;
  /** Replaces the message the button is on (for a form: the message whose button opened it). */
  update(reply: Reply): Promise<void>;
  /** Opens a form (only as the first answer to a click). */
  modal(modal: Modal): Promise<void>;
  /** The answer to a failure, the member's alone, in whatever way the interaction still allows. */
  failure(reply: Reply): Promise<void>;
  /** The handler is done: acknowledge now if nothing was sent (Discord shows "did not respond" otherwise). */
  settle(): Promise<void>;
  /**
   * This server's id if the channel is one of this server's, as the transport can tell (Discord:
   * the server's channel list; an option's resolved channel is not proof); else null.
   */
  channelGuildId(guildId: string, channelId: string): Promise<string | null>;
}
