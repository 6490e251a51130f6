/** Pieces several commands share: the `claim` option and its autocomplete, family and time-zone autocomplete, choices over ledger values. */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { familiesOf, searchClaims } from '../ledger/claim-queries.js';
import { FAMILIES, FAMILY_NAMES, isKnownFamily } from '../ledger/families.js';
import { truncate, DISCORD_LIMITS } from './render.js';
import type { AppCtx, AutocompleteCall, Choice } from './types.js';
import { guildScope } from '../ledger/context.js';

/** The `claim` option: a number or text, autocompleted from this server's claims. */
export const claimOption = (description = 'The claim: its number (#3) or start typing its text') =>
  ({
    type: ApplicationCommandOptionType.String,
    name: 'claim',
    description,
    required: true,
    autocomplete: true,
    max_length: 100,
  }) as const;

/** Up to 25 of this server's claims matching what is typed: "#3 · start of the text". */
export async function claimChoices(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]> {
  if (call.focused.name !== 'claim') return [];
  const rows = await searchClaims(guildScope(ctx.db, call.guildId), call.focused.value, DISCORD_LIMITS.choices);
  return rows.map((r) => ({
    name: truncate(`#${r.number} · ${r.status === 'resolved' ? '(resolved) ' : ''}${r.text.replace(/\s+/g, ' ')}`, DISCORD_LIMITS.choiceName),
    value: String(r.number),
  }));
}

/** Option values use dashes (came-true); the ledger uses underscores (came_true). */
const toChoice = <V extends string>(value: V) => value.replace(/_/g, '-') as Dashed<V>;
type Dashed<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Dashed<B>}` : S;

/** The choices of an option over ledger values (verdicts, outcomes), named by their labels: one source for both. */
export const choicesOf = <V extends string>(values: readonly V[], labels: Record<V, string>) =>
  values.map((value) => ({ name: labels[value], value: toChoice(value) }));

/** The ledger value a choice stands for; anything else is handed on as typed (the ledger refuses it by name). */
export const fromChoice = <V extends string>(values: readonly V[], choice: string): V | string =>
  values.find((value) => toChoice(value) === choice || value === choice) ?? choice;

/**
 * Families matching what is typed in the focused option: the known families first (src/ledger/
 * families.ts, with what each holds), then the other families this server uses; at most 25.
 */
export async function familyChoices(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]> {
  const typed = call.focused.value.toLowerCase().trim();
  const known = FAMILY_NAMES.filter((f) => f.includes(typed) || FAMILIES[f].toLowerCase().includes(typed)).map((f) => ({
    name: truncate(`${f} · ${FAMILIES[f]}`, DISCORD_LIMITS.choiceName),
    value: f,
  }));
  const own = (await familiesOf(guildScope(ctx.db, call.guildId))).filter((f) => !isKnownFamily(f) && f.includes(typed)).map((f) => ({ name: truncate(f, DISCORD_LIMITS.choiceName), value: f }));
  return [...known, ...own].slice(0, DISCORD_LIMITS.choices);
}

let zones: string[] | null = null;

/** Up to 25 IANA time zones containing what is typed (UTC first): the `timezone` options of /settings and /reminders. */
export function timeZoneChoices(typed: string): Choice[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  const needle = typed.trim().toLowerCase();
  return zones
    .filter((z) => z.toLowerCase().includes(needle))
    .slice(0, DISCORD_LIMITS.choices)
    .map((z) => ({ name: truncate(z, DISCORD_LIMITS.choiceName), value: z }));
}
