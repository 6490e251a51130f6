/**
 * The permissions the bot asks for when it is invited: one list, read by `npm start -- --help`
 * (src/console/help.ts) and checked against the README by a test, so the two never disagree.
 * The thread permissions are optional: they add a discussion thread on each claim card when it
 * first comes due (src/jobs/threads.ts), where new evidence is posted; without them rounds are
 * posted all the same.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

export const BOT_PERMISSIONS = [
  { flag: 'ViewChannel', label: 'View Channels', why: 'see the channels rounds are posted in', optional: false },
  { flag: 'SendMessages', label: 'Send Messages', why: 'post scoring rounds', optional: false },
  { flag: 'EmbedLinks', label: 'Embed Links', why: 'claim cards and summaries are embeds', optional: false },
  { flag: 'AttachFiles', label: 'Attach Files', why: 'charts', optional: false },
  { flag: 'ReadMessageHistory', label: 'Read Message History', why: 'a round resumed after a crash checks the channel for its last part', optional: false },
  { flag: 'CreatePublicThreads', label: 'Create Public Threads', why: 'a discussion thread on each claim card when it first comes due', optional: true },
  { flag: 'SendMessagesInThreads', label: 'Send Messages in Threads', why: 'new evidence posted in the claim thread', optional: true },
] as const satisfies readonly { flag: keyof typeof PermissionFlagsBits; label: string; why: string; optional: boolean }[];

const integerOf = (list: readonly { flag: keyof typeof PermissionFlagsBits }[]) => list.reduce((bits, p) => bits | PermissionFlagsBits[p.flag], 0n).toString();

/** The permission integer of the invite link (309237763072: everything, threads included). */
export const BOT_PERMISSIONS_INTEGER = integerOf(BOT_PERMISSIONS);

/** The integer without the optional thread permissions (117760): rounds, no claim threads. */
export const BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER = integerOf(BOT_PERMISSIONS.filter((p) => !p.optional));

/** "View Channels, Send Messages, …, Send Messages in Threads" */
export const BOT_PERMISSION_NAMES = BOT_PERMISSIONS.map((p) => p.label).join(', ');

/** "Create Public Threads, Send Messages in Threads": the ones that add claim threads. */
export const THREAD_PERMISSION_NAMES = BOT_PERMISSIONS.filter((p) => p.optional).map((p) => p.label).join(', ');

/** The invite link, with the application id left for the reader to fill in. */
export const inviteUrl = (applicationId = '<APPLICATION_ID>') =>
  `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS_INTEGER}`;
