/**
 * Command sync at start-up: compare our definitions with what the API has (globally, or in the
 * one development guild) and overwrite only when they differ, so restarts do not burn Discord's
 * daily command-creation limit.
 */
import { Routes, type REST } from 'discord.js';
import type { Logger } from '../log.js';
import type { CommandDefinition, ContextMenuDefinition } from '../kit/types.js';

type AnyDefinition = CommandDefinition | ContextMenuDefinition;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Fields Discord adds or fills in that our definitions do not set. */
const SERVER_FIELDS = new Set(['id', 'application_id', 'version', 'guild_id', 'dm_permission', 'name_localized', 'description_localized']);

/** Values that mean the same as an absent field. */
function isDefault(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value) && value.length === 0 && key !== 'contexts') return true;
  if (value === false && ['required', 'autocomplete', 'nsfw'].includes(key)) return true;
  // Context-menu commands have no description; Discord answers "".
  if (key === 'description' && value === '') return true;
  if (key === 'integration_types' && Array.isArray(value) && value.length === 1 && value[0] === 0) return true;
  if ((key === 'name_localizations' || key === 'description_localizations') && typeof value === 'object' && !Object.keys(value as object).length) return true;
  return false;
}

/** A canonical form: server-only fields and defaults dropped, keys sorted, numbers in strings normalised. */
export function canonical(value: unknown, key = ''): Json {
  if (Array.isArray(value)) return value.map((v) => canonical(v, key));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (SERVER_FIELDS.has(k) || isDefault(k, v)) continue;
      out[k] = canonical(v, k);
    }
    return out;
  }
  if (key === 'default_member_permissions' && value !== null) return String(value);
  return value as Json;
}

export function sameCommands(ours: readonly AnyDefinition[], theirs: readonly unknown[]): boolean {
  const byName = (list: readonly unknown[]) =>
    // A command without `type` is a chat-input command (type 1).
    JSON.stringify(
      [...list]
        .map((c) => canonical({ type: 1, ...(c as object) }) as { name: string; type: number })
        .sort((a, b) => a.type - b.type || a.name.localeCompare(b.name)),
    );
  return byName(ours) === byName(theirs);
}

export async function syncCommands(
  rest: REST,
  applicationId: string,
  definitions: readonly AnyDefinition[],
  log: Logger,
  guildId?: string,
): Promise<'unchanged' | 'updated'> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  // Without with_localizations Discord leaves the localizations out, and they would always differ.
  const current = (await rest.get(route, { query: new URLSearchParams({ with_localizations: 'true' }) })) as unknown[];
  if (sameCommands(definitions, current)) {
    log.info({ scope: guildId ? `guild ${guildId}` : 'global', commands: definitions.length }, 'slash commands up to date');
    return 'unchanged';
  }
  await rest.put(route, { body: definitions });
  log.info({ scope: guildId ? `guild ${guildId}` : 'global', commands: definitions.length }, 'slash commands updated');
  return 'updated';
}
