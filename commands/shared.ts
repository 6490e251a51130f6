/** Pieces several commands share: the `claim` option and its autocomplete. */
import type { SlashCommandStringOption } from 'discord.js';
import { searchClaims } from '../src/ledger/claims.js';
import { truncate, DISCORD_LIMITS } from '../src/discord/render.js';
import type { AppCtx, AutocompleteCall, Choice } from '../src/discord/types.js';

export const claimOption = (o: SlashCommandStringOption, description = 'The claim: its number (#3) or start typing its text') =>
  o.setName('claim').setDescription(description).setRequired(true).setAutocomplete(true).setMaxLength(100);

/** Up to 25 of this server's claims matching what is typed: "#3 · start of the text". */
export async function claimChoices(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]> {
  const focused = call.options.focused();
  if (!focused || focused.name !== 'claim') return [];
  const rows = await searchClaims(ctx.db, call.guildId, focused.value, DISCORD_LIMITS.choices);
  return rows.map((r) => ({
    name: truncate(`#${r.number} · ${r.status === 'resolved' ? '(resolved) ' : ''}${r.text.replace(/\s+/g, ' ')}`, DISCORD_LIMITS.choiceName),
    value: String(r.number),
  }));
}

/** Option values use dashes (came-true); the ledger uses underscores (came_true). */
export const fromChoice = (value: string) => value.replace(/-/g, '_');
