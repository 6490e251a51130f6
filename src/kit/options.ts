/**
 * Typed options: a command's handler gets its options as an object typed from the command's own
 * definition (as yuudachi's `ArgumentsOf` does), so a renamed or misspelt option, a wrong value
 * type or a choice that no longer exists is a compile error, not a `null` at run time.
 *
 *   export const definition = chatInputCommand({ name: 'vote', options: [{ type: String, name: 'claim', required: true, … }] });
 *   export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
 *     args.claim; // string
 *     args.evidence; // string | null
 *   }
 *
 * The options are read once, by the pipeline (src/pipeline/run.ts: `argumentsOf` over the
 * interaction's options), and handed to the handler: no handler reads options itself.
 *
 * Values: string, integer and number options give numbers and strings (a choice list gives the
 * union of its values), boolean, channel, user and attachment what the OptionReader returns; an
 * optional option adds `| null`. A command with subcommands gives a union discriminated on
 * `subcommand` (`bySubcommand` runs one typed handler per subcommand).
 */
import { ApplicationCommandOptionType as T, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { CatalogError } from './errors.js';
import { t } from '../i18n/index.js';

export type CommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;

export interface AttachmentRef {
  name: string;
  url: string;
  size: number;
  contentType: string | null;
}

/** Reads the options of a slash command as the interaction carries them (src/pipeline/build.ts makes the one reader). */
export interface OptionReader {
  subcommand(): string | null;
  string(name: string): string | null;
  integer(name: string): number | null;
  number(name: string): number | null;
  boolean(name: string): boolean | null;
  channel(name: string): { id: string; type: number } | null;
  attachment(name: string): AttachmentRef | null;
  /** A user option: their id and the name the server shows for them. */
  user(name: string): { id: string; displayName: string } | null;
  /** The option being typed, during autocomplete. */
  focused(): { name: string; value: string } | null;
}

/** What the types read of an option definition. */
interface OptionShape {
  readonly type: T;
  readonly name: string;
  readonly required?: boolean;
  readonly choices?: readonly { readonly value: string | number }[];
  readonly options?: readonly OptionShape[];
  readonly min_value?: number;
  readonly max_value?: number;
  readonly min_length?: number;
  readonly max_length?: number;
}

interface ValueTypes {
  [T.String]: string;
  [T.Integer]: number;
  [T.Number]: number;
  [T.Boolean]: boolean;
  [T.Channel]: NonNullable<ReturnType<OptionReader['channel']>>;
  [T.User]: NonNullable<ReturnType<OptionReader['user']>>;
  [T.Attachment]: AttachmentRef;
}

type ValueOf<O extends OptionShape> = O extends { readonly choices: readonly { readonly value: infer V }[] }
  ? V
  : O['type'] extends keyof ValueTypes
    ? ValueTypes[O['type']]
    : never;

type Given<O extends OptionShape> = O extends { readonly required: true } ? ValueOf<O> : ValueOf<O> | null;

/** The options of one (sub)command, by name. */
export type OptionsOf<Options extends readonly OptionShape[] | undefined> = Options extends readonly OptionShape[]
  ? { readonly [O in Options[number] as O['name']]: Given<O> }
  : Record<never, never>;

type TopOptions<D extends CommandDefinition> = D extends { readonly options: infer Options extends readonly OptionShape[] } ? Options : undefined;
type Subcommand<D extends CommandDefinition> = Extract<NonNullable<TopOptions<D>>[number], { readonly type: T.Subcommand }>;

/** The names of a command's subcommands. */
export type SubcommandName<D extends CommandDefinition> = Subcommand<D>['name'];

/** The options of one subcommand, by name. */
export type SubcommandArguments<D extends CommandDefinition, S extends SubcommandName<D>> = OptionsOf<Extract<Subcommand<D>, { readonly name: S }>['options']>;

/** A command's options as its handler reads them: by name, or per subcommand (discriminated on `subcommand`). */
export type ArgumentsOf<D extends CommandDefinition> = [Subcommand<D>] extends [never]
  ? OptionsOf<TopOptions<D>>
  : { [S in SubcommandName<D>]: { readonly subcommand: S; readonly options: SubcommandArguments<D, S> } }[SubcommandName<D>];

/**
 * A slash command's definition, as sent to Discord, with its literal names and choices kept for
 * `ArgumentsOf` (a `const` type parameter: no `as const` needed, and still checked against
 * discord-api-types' shape, so a misplaced field is a compile error too).
 */
export const chatInputCommand = <const D extends CommandDefinition>(definition: D): D => definition;

/** Every option may be absent (autocomplete: the member is still typing). */
export type Loose<A> = { readonly [K in keyof A]: A[K] | null };

function read(option: OptionShape, reader: OptionReader): unknown {
  switch (option.type) {
    case T.String:
      return reader.string(option.name);
    case T.Integer:
      return reader.integer(option.name);
    case T.Number:
      return reader.number(option.name);
    case T.Boolean:
      return reader.boolean(option.name);
    case T.Channel:
      return reader.channel(option.name);
    case T.User:
      return reader.user(option.name);
    case T.Attachment:
      return reader.attachment(option.name);
    default:
      throw new Error(`option ${option.name}: type ${option.type} has no reader`);
  }
}

/**
 * Reads options as their definitions type them. A required option the call lacks (or whose value
 * is not of its type) is the member's mistake, named; with `partial` (autocomplete, where the
 * member is still typing) every option may be null instead.
 */
export function readOptions<const Options extends readonly OptionShape[] | undefined>(options: Options, reader: OptionReader): OptionsOf<Options>;
export function readOptions<const Options extends readonly OptionShape[] | undefined>(
  options: Options,
  reader: OptionReader,
  mode: { partial: true },
): Loose<OptionsOf<Options>>;
export function readOptions(options: readonly OptionShape[] | undefined, reader: OptionReader, mode?: { partial: true }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const option of options ?? []) {
    const value = read(option, reader);
    if (value === null && option.required && !mode?.partial) throw new CatalogError('input.required', { option: option.name });
    if (value !== null && !mode?.partial) checkBounds(option, value);
    out[option.name] = value;
  }
  return out;
}

/**
 * What Discord enforces before it sends a call (choices, ranges, lengths), checked again: a forged
 * or replayed payload to the endpoint, or another client, may not hold to them. Worded as the
 * console words them (src/console/parse.ts).
 */
function checkBounds(option: OptionShape, value: unknown): void {
  const option_ = option.name;
  if (option.choices?.length && !option.choices.some((c) => c.value === value)) {
    throw new CatalogError('input.oneOf', { option: option_, choices: option.choices.map((c) => String(c.value)).join(', ') });
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (option.type === T.Integer && !Number.isSafeInteger(value))) throw new CatalogError(option.type === T.Integer ? 'input.wholeNumber' : 'input.number', { option: option_ });
    if (option.min_value !== undefined && value < option.min_value) throw new CatalogError('input.atLeast', { option: option_, min: option.min_value });
    if (option.max_value !== undefined && value > option.max_value) throw new CatalogError('input.atMost', { option: option_, max: option.max_value });
  }
  if (typeof value === 'string') {
    const length = Array.from(value).length;
    if (option.min_length !== undefined && length < option.min_length) throw new CatalogError('input.minLength', { option: option_, count: option.min_length });
    if (option.max_length !== undefined && length > option.max_length) throw new CatalogError('input.maxLength', { option: option_, count: option.max_length, length });
  }
}

const subcommandOf = (definition: CommandDefinition, name: string | null) =>
  (definition.options as readonly OptionShape[] | undefined)?.find((o) => o.type === T.Subcommand && o.name === name);

export const UNKNOWN_SUBCOMMAND = t('en', 'input.unknownSubcommand');

/** The subcommand called (by name), or a UserError when the definition has none of that name. */
export function subcommandCalled<D extends CommandDefinition>(definition: D, reader: OptionReader): SubcommandName<D> {
  const sub = subcommandOf(definition, reader.subcommand());
  if (!sub) throw new CatalogError('input.unknownSubcommand');
  return sub.name as SubcommandName<D>;
}

/** The options of one subcommand of a definition, as `readOptions` reads them. */
export function subcommandOptions<D extends CommandDefinition, const S extends SubcommandName<D>>(definition: D, name: S, reader: OptionReader): SubcommandArguments<D, S>;
export function subcommandOptions<D extends CommandDefinition, const S extends SubcommandName<D>>(
  definition: D,
  name: S,
  reader: OptionReader,
  mode: { partial: true },
): Loose<SubcommandArguments<D, S>>;
export function subcommandOptions(definition: CommandDefinition, name: string, reader: OptionReader, mode?: { partial: true }): unknown {
  const options = subcommandOf(definition, name)?.options;
  return mode ? readOptions(options, reader, mode) : readOptions(options, reader);
}

/** A command's options while the member is still typing (autocomplete): each may be absent. */
export type PartialArgumentsOf<D extends CommandDefinition> = [Subcommand<D>] extends [never]
  ? Loose<OptionsOf<TopOptions<D>>>
  : { [S in SubcommandName<D>]: { readonly subcommand: S; readonly options: Loose<SubcommandArguments<D, S>> } }[SubcommandName<D>];

const hasSubcommands = (definition: CommandDefinition) => (definition.options as readonly OptionShape[] | undefined)?.some((o) => o.type === T.Subcommand) ?? false;

/** A call's options, typed from its command's definition (a required option missing is a UserError naming it). */
export function argumentsOf<D extends CommandDefinition>(definition: D, reader: OptionReader): ArgumentsOf<D> {
  if (!hasSubcommands(definition)) return readOptions(definition.options as readonly OptionShape[] | undefined, reader) as ArgumentsOf<D>;
  const subcommand = subcommandCalled(definition, reader);
  return { subcommand, options: subcommandOptions(definition, subcommand, reader) } as ArgumentsOf<D>;
}

/** A call's options as far as they are typed (autocomplete): every option may be null. */
export function partialArgumentsOf<D extends CommandDefinition>(definition: D, reader: OptionReader): PartialArgumentsOf<D> {
  if (!hasSubcommands(definition)) return readOptions(definition.options as readonly OptionShape[] | undefined, reader, { partial: true }) as PartialArgumentsOf<D>;
  const subcommand = subcommandCalled(definition, reader);
  return { subcommand, options: subcommandOptions(definition, subcommand, reader, { partial: true }) } as PartialArgumentsOf<D>;
}
