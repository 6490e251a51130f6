/**
 * The bot permissions the invite asks for: the one list behind `--help` and the README's invite
 * integer (test/unit/permissions.test.ts checks the README against it).
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

export interface BotPermission {
  name: string;
  bit: bigint;
  why: string;
}

export const BOT_PERMISSIONS: readonly BotPermission[] = [
  { name: 'View Channels', bit: PermissionFlagsBits.ViewChannel, why: 'see the channels rounds are posted in' },
  { name: 'Send Messages', bit: PermissionFlagsBits.SendMessages, why: 'post rounds' },
  { name: 'Embed Links', bit: PermissionFlagsBits.EmbedLinks, why: 'claim cards' },
  { name: 'Attach Files', bit: PermissionFlagsBits.AttachFiles, why: 'charts' },
  { name: 'Read Message History', bit: PermissionFlagsBits.ReadMessageHistory, why: 'a round resumed after a crash checks the channel for its last part' },
  { name: 'Create Public Threads', bit: PermissionFlagsBits.CreatePublicThreads, why: 'a thread on each claim card when it first comes due (optional: without it, rounds go on without threads)' },
  { name: 'Send Messages in Threads', bit: PermissionFlagsBits.SendMessagesInThreads, why: 'new evidence posted in the claim thread (optional, with the above)' },
];

/** The invite link's `permissions=` integer. */
export const BOT_PERMISSION_INTEGER = BOT_PERMISSIONS.reduce((all, p) => all | p.bit, 0n).toString();
