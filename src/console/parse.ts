/**
 * Reading a typed slash command the way Discord's client would: words and quoted values, the
 * subcommand as the second word, `name:value` options checked against the command's definition
 * (types, required, choices, ranges, lengths). Problems are UserErrors worded for the member.
 */
import { statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApplicationCommandOptionType as T, ChannelType } from 'discord-api-types/v10';
import { CatalogError, UserError, type AttachmentRef, type Command, type Member } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';

/** One word of a line, unquoted. `colon` is the index in `text` of the first unquoted ':' (or -1). */
export interface Token {
  text: string;
  start: number;
  colon: number;
}

/** Splits a line into words. A quote opens only at the start of a word or of an option's value, and closes only before a space. */
export function tokenize(line: string): { tokens: Token[]; openQuote: string | null } {
  const tokens: Token[] = [];
  let current: Token | null = null;
  let quote: string | null = null;
  let valueStart = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      const next = line[i + 1];
      if (ch === '\\' && quote === '"' && (next === '"' || next === '\\')) {
        current!.text += next;
        i++;
      } else if (ch === quote && (next === undefined || /\s/.test(next))) {
        quote = null;
      } else {
        current!.text += ch;
      }
      continue;
    }
    if (/\s/.test(ch)) {
      if (current) tokens.push(current);
      current = null;
      continue;
    }
    if (!current) {
      current = { text: '', start: i, colon: -1 };
      valueStart = true;
    }
    if ((ch === '"' || ch === "'") && valueStart) {
      quote = ch;
      valueStart = false;
      continue;
    }
    valueStart = false;
    if (ch === ':' && current.colon === -1) {
      current.colon = current.text.length;
      valueStart = true;
    }
    current.text += ch;
  }
  if (current) tokens.push(current);
  return { tokens, openQuote: quote };
}

/** A definition's option, read loosely (the discord.js union is narrowed by `type` at run time). */
export interface OptionDef {
  type: number;
  name: string;
  description: string;
  /** Added from the catalogs (src/i18n/commands.ts) where the definitions are localized. */
  description_localizations?: Record<string, string> | null;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; name_localizations?: Record<string, string> | null; value: string | number }[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  options?: OptionDef[];
}

export const optionsOf = (command: Command): OptionDef[] => (command.definition.options ?? []) as unknown as OptionDef[];
const isBranch = (o: OptionDef) => o.type === T.Subcommand || o.type === T.SubcommandGroup;

export type OptionValue =
  | { type: T.String; value: string }
  | { type: T.Integer | T.Number; value: number }
  | { type: T.Boolean; value: boolean }
  | { type: T.User; value: Member }
  | { type: T.Channel; value: { id: string; type: number } }
  | { type: T.Attachment; value: AttachmentRef };

/** What option values can refer to in the console. */
export interface Resolvers {
  /** A console member by name (`alice`, `@alice`). */
  member(name: string): Member;
  channel: { id: string; name: string };
  /** Where relative file paths start. */
  cwd: string;
}

export interface Invocation {
  command: Command;
  /** `list`, or `group sub` (as the router reports it), or null. */
  subcommand: string | null;
  /** The options that apply (the subcommand's). */
  leaves: OptionDef[];
  /** name:value pairs as typed, in order; bare words after a text option are part of its value. */
  pairs: { name: string; raw: string; token: Token }[];
  /** The words that chose the subcommand. */
  path: string[];
}

const fmt = (command: Command, path: string[]) => `/${[command.definition.name, ...path].join(' ')}`;

/**
 * Finds the subcommand and the name:value pairs. `lenient` (for Tab completion) keeps going
 * where a run would stop, and returns what it has so far.
 */
export function structure(command: Command, args: Token[], lenient = false, t: Translator = EN): Invocation {
  let leaves = optionsOf(command);
  const path: string[] = [];
  let rest = args;
  while (leaves.some(isBranch)) {
    const word = rest[0];
    const names = leaves.filter(isBranch).map((o) => o.name);
    if (!word || word.colon !== -1) {
      if (lenient) return { command, subcommand: null, leaves: [], pairs: [], path };
      throw new UserError(t('console.parse.needsSubcommand', { command: fmt(command, path), names: names.join(', '), example: fmt(command, [...path, names[0] ?? '']) }));
    }
    const branch = leaves.find((o) => isBranch(o) && o.name === word.text.toLowerCase());
    if (!branch) {
      if (lenient) return { command, subcommand: null, leaves: [], pairs: [], path: [...path, word.text] };
      throw new UserError(t('console.parse.noSubcommand', { command: fmt(command, path), word: word.text.slice(0, 40), names: names.join(', ') }));
    }
    path.push(branch.name);
    leaves = branch.options ?? [];
    rest = rest.slice(1);
  }
  const pairs: Invocation['pairs'] = [];
  for (const token of rest) {
    if (token.colon === -1) {
      const last = pairs[pairs.length - 1];
      const def = last && leaves.find((o) => o.name === last.name);
      if (last && def?.type === T.String) {
        last.raw += ` ${token.text}`; // an unquoted value with spaces, as Discord's client allows
        continue;
      }
      if (lenient) continue;
      const example = leaves[0] ? t('console.parse.example', { name: leaves[0].name }) : '';
      throw new UserError(
        leaves.length
          ? t('console.parse.notAnOption', { word: token.text.slice(0, 40), example, list: optionList(command, path, leaves, t) })
          : t('console.parse.noOptions', { command: fmt(command, path) }),
      );
    }
    pairs.push({ name: token.text.slice(0, token.colon).toLowerCase(), raw: token.text.slice(token.colon + 1), token });
  }
  return { command, subcommand: path.length ? path.join(' ') : null, leaves, pairs, path };
}

const optionList = (command: Command, path: string[], leaves: OptionDef[], t: Translator) =>
  t('console.parse.optionList', { command: fmt(command, path), names: leaves.map((o) => o.name).join(', ') });

/** Checks every pair against the definition and converts it, as Discord's client does before sending. */
export function checkOptions(inv: Invocation, resolvers: Resolvers, t: Translator = EN): Map<string, OptionValue> {
  const values = new Map<string, OptionValue>();
  for (const pair of inv.pairs) {
    const def = inv.leaves.find((o) => o.name === pair.name);
    if (!def) {
      throw new UserError(
        inv.leaves.length
          ? t('console.parse.noSuchOption', { command: fmt(inv.command, inv.path), name: pair.name.slice(0, 40), list: optionList(inv.command, inv.path, inv.leaves, t) })
          : t('console.parse.noOptions', { command: fmt(inv.command, inv.path) }),
      );
    }
    if (values.has(def.name)) throw new UserError(t('console.parse.twice', { name: def.name }));
    values.set(def.name, convert(def, pair.raw, resolvers, t));
  }
  const missing = inv.leaves.filter((o) => o.required && !values.has(o.name));
  if (missing.length) {
    const names = new Intl.ListFormat(t.locale, { type: 'conjunction' }).format(missing.map((o) => `\`${o.name}\``));
    throw new UserError(t('console.parse.required', { count: missing.length, names, usage: usage(inv.command, inv.path, inv.leaves, t) }));
  }
  return values;
}

/** Lower case, spaces and underscores as dashes: `Came true`, `came_true` and `came-true` match. */
const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_]+/g, '-');

const length = (s: string) => Array.from(s).length;

function convert(def: OptionDef, raw: string, resolvers: Resolvers, t: Translator): OptionValue {
  const name = def.name;
  const typed = raw.length > 40 ? `${raw.slice(0, 39)}…` : raw;
  if (raw.trim() === '') throw new UserError(t('console.parse.noValue', { name, placeholder: placeholder(def, t) }));
  if (def.choices?.length) {
    const choice = def.choices.find((c) => String(c.value) === raw) ?? def.choices.find((c) => norm(String(c.value)) === norm(raw) || norm(c.name) === norm(raw));
    if (!choice) throw new UserError(t('console.parse.oneOf', { name, choices: def.choices.map((c) => String(c.value)).join(', '), typed }));
    raw = String(choice.value);
  }
  switch (def.type) {
    case T.String: {
      if (def.min_length !== undefined && length(raw) < def.min_length) throw new UserError(t('console.parse.minLength', { name, count: def.min_length }));
      if (def.max_length !== undefined && length(raw) > def.max_length) {
        throw new UserError(t('console.parse.maxLength', { name, count: def.max_length, has: length(raw) }));
      }
      return { type: T.String, value: raw };
    }
    case T.Integer:
    case T.Number: {
      const integer = def.type === T.Integer;
      const ok = integer ? /^[+-]?\d+$/.test(raw.trim()) : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim());
      const value = Number(raw);
      if (!ok || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
        throw new UserError(t(integer ? 'console.parse.wholeNumber' : 'console.parse.number', { name, typed }));
      }
      if (def.min_value !== undefined && value < def.min_value) throw new UserError(t('console.parse.atLeast', { name, min: def.min_value }));
      if (def.max_value !== undefined && value > def.max_value) throw new UserError(t('console.parse.atMost', { name, max: def.max_value }));
      return { type: def.type, value };
    }
    case T.Boolean: {
      const word = raw.trim().toLowerCase();
      if (['true', 'yes', 'on'].includes(word)) return { type: T.Boolean, value: true };
      if (['false', 'no', 'off'].includes(word)) return { type: T.Boolean, value: false };
      throw new UserError(t('console.parse.boolean', { name, typed }));
    }
    case T.User: {
      const mention = /^<@!?(\d+)>$/.exec(raw.trim());
      const member = resolvers.member(mention ? mention[1]! : raw.trim().replace(/^@/, ''));
      return { type: T.User, value: member };
    }
    case T.Channel: {
      const word = raw.trim().replace(/^<#(\d+)>$/, '$1').replace(/^#/, '');
      if (word !== resolvers.channel.name && word !== resolvers.channel.id) {
        throw new UserError(t('console.parse.oneChannel', { name, channel: resolvers.channel.name, typed }));
      }
      return { type: T.Channel, value: { id: resolvers.channel.id, type: ChannelType.GuildText } };
    }
    case T.Attachment:
      return { type: T.Attachment, value: localAttachment(def.name, raw, resolvers.cwd) };
    default:
      throw new UserError(t('console.parse.unsupported', { name, type: def.type }));
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
};

/** `file:path/to/pack.json`: a local file stands in for an upload (read later by ctx.fetchAttachment). */
function localAttachment(option: string, raw: string, cwd: string): AttachmentRef {
  const path = resolve(cwd, raw.trim());
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CatalogError('console.parse.notAFile', { name: option, path: raw });
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new CatalogError('console.parse.noFile', { name: option, path: raw, cwd });
  }
  return { name: basename(path), url: pathToFileURL(path).href, size, contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? null };
}

/** How a value of this option is written, for usage lines. */
export function placeholder(o: OptionDef, t: Translator = EN): string {
  if (o.choices?.length) return o.choices.map((c) => String(c.value)).join('|');
  const range = (unit: string) =>
    o.min_value !== undefined && o.max_value !== undefined
      ? `<${unit} ${o.min_value}–${o.max_value}>`
      : o.min_value !== undefined
        ? `<${unit} ≥ ${o.min_value}>`
        : o.max_value !== undefined
          ? `<${unit} ≤ ${o.max_value}>`
          : `<${unit}>`;
  switch (o.type) {
    case T.Integer:
      return range(t('console.placeholder.wholeNumber'));
    case T.Number:
      return range(t('console.placeholder.number'));
    case T.Boolean:
      return 'true|false';
    case T.User:
      return '@member';
    case T.Channel:
      return '#channel';
    case T.Attachment:
      return t('console.placeholder.file');
    default:
      return o.name === 'claim' && o.autocomplete ? t('console.placeholder.claim') : t('console.placeholder.text');
  }
}

/** `/vote claim:<number or text> verdict:came-true|partly|did-not|too-early [evidence:<text>]` */
export function usage(command: Command, path: string[], leaves: OptionDef[], t: Translator = EN): string {
  const parts = leaves.map((o) => (o.required ? `${o.name}:${placeholder(o, t)}` : `[${o.name}:${placeholder(o, t)}]`));
  return [fmt(command, path), ...parts].join(' ');
}
