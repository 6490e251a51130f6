/**
 * The permissions the bot asks for when it is invited: one list, read by `npm start -- --help`
 * (src/console/help.ts) and checked against the README by a test, so the two never disagree.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

export const BOT_PERMISSIONS = [
  { flag: 'ViewChannel', label: 'View Channels', why: 'see the channels rounds are posted in' },
  { flag: 'SendMessages', label: 'Send Messages', why: 'post scoring rounds' },
  { flag: 'EmbedLinks', label: 'Embed Links', why: 'claim cards and summaries are embeds' },
  { flag: 'AttachFiles', label: 'Attach Files', why: 'charts' },
  { flag: 'ReadMessageHistory', label: 'Read Message History', why: 'a round resumed after a crash checks the channel for its last part' },
] as const satisfies readonly { flag: keyof typeof PermissionFlagsBits; label: string; why: string }[];

/** The permission integer of the invite link (117760). */
export const BOT_PERMISSIONS_INTEGER = BOT_PERMISSIONS.reduce((bits, p) => bits | PermissionFlagsBits[p.flag], 0n).toString();

/** "View Channels, Send Messages, …, Read Message History" */
export const BOT_PERMISSION_NAMES = BOT_PERMISSIONS.map((p) => p.label).join(', ');

/** The invite link, with the application id left for the reader to fill in. */
export const inviteUrl = (applicationId = '<APPLICATION_ID>') =>
  `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS_INTEGER}`;
