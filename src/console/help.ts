/** What /help prints in the console (from the command definitions), and `--help` for the program. */
import { ApplicationCommandOptionType as T } from 'discord-api-types/v10';
import { BOT_PERMISSION_NAMES, BOT_PERMISSIONS_INTEGER, BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER, inviteUrl, THREAD_PERMISSION_NAMES } from '../kit/permissions.js';
import { UserError, type Command } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';
import { localizeDefinitions } from '../i18n/commands.js';
import { optionsOf, placeholder, usage, type OptionDef } from './parse.js';

/** Commands Discord shows only to members with a permission (here: Manage Server) are for managers. */
export const managersOnly = (command: Command) => command.definition.default_member_permissions != null;

/** The console's own commands: how each is typed is `console.usage.<name>`, what it does `console.commands.<name>`. */
export const CONSOLE_COMMANDS = [{ name: 'as' }, { name: 'whoami' }, { name: 'help' }, { name: 'click' }, { name: 'apps' }, { name: 'quit' }] as const;

const ownDescription = (t: Translator, name: (typeof CONSOLE_COMMANDS)[number]['name']) => t(`console.commands.${name}`);

/** A definition node's description (or a choice's name) in the reader's language, from the localizations the catalogs add. */
const localized = (t: Translator, node: { description?: string; description_localizations?: Record<string, string> | null }) =>
  (t.locale !== 'en' && node.description_localizations?.[t.locale]) || node.description || '';

const isBranch = (o: OptionDef) => o.type === T.Subcommand || o.type === T.SubcommandGroup;

/** Every runnable form of a command: [path, options, description]. */
/** The command with the catalogs' descriptions added as localizations (the registry keeps the plain definitions). */
const withLocalizations = (command: Command, t: Translator): Command =>
  t.locale === 'en' ? command : { ...command, definition: localizeDefinitions([command.definition])[0]! };

function forms(plain: Command, t: Translator = EN): { path: string[]; leaves: OptionDef[]; description: string; english: string }[] {
  const command = withLocalizations(plain, t);
  const walk = (options: OptionDef[], path: string[], description: string, english: string): ReturnType<typeof forms> =>
    options.some(isBranch)
      ? options.filter(isBranch).flatMap((b) => walk(b.options ?? [], [...path, b.name], localized(t, b), b.description))
      : [{ path, leaves: options, description, english }];
  return walk(optionsOf(command), [], localized(t, command.definition as never), command.definition.description);
}

export function commandList(commands: readonly Command[], bold: (s: string) => string, t: Translator = EN): string {
  const lines = [t('console.help.intro'), ''];
  const managers = t('console.help.managers');
  for (const command of commands) {
    for (const form of forms(command, t)) {
      // A description that already says "(managers)" (in English, so in every catalog) gets no mark.
      const mark = managersOnly(command) && !/\(managers\)/.test(form.english) ? `   ${managers}` : '';
      lines.push(`  ${bold(usage(command, form.path, form.leaves, t))}${mark}`);
      lines.push(`      ${form.description}`);
    }
  }
  lines.push('', t('console.help.own'));
  const usages = CONSOLE_COMMANDS.map((c) => t(`console.usage.${c.name}`));
  const width = Math.max(...usages.map((u) => u.length));
  CONSOLE_COMMANDS.forEach((c, i) => lines.push(`  ${bold(usages[i]!.padEnd(width))}  ${ownDescription(t, c.name)}`));
  lines.push('', t('console.help.footer'));
  return lines.join('\n');
}

/**
 * One command explained, or only the subcommands under `path` (`/help predict edit`): each form
 * with its options. A path naming no subcommand is refused with the ones there are.
 */
export function commandDetail(command: Command, bold: (s: string) => string, path: readonly string[] = [], t: Translator = EN): string {
  const words = path.map((w) => w.toLowerCase());
  const all = forms(command, t);
  const chosen = all.filter((f) => words.every((w, i) => f.path[i] === w));
  if (!chosen.length) {
    const depth = words.findIndex((_, i) => !all.some((f) => words.slice(0, i + 1).every((w, j) => f.path[j] === w)));
    const known = [...new Set(all.filter((f) => words.slice(0, depth).every((w, j) => f.path[j] === w)).map((f) => f.path[depth]).filter(Boolean))];
    const where = `/${[command.definition.name, ...words.slice(0, depth)].join(' ')}`;
    throw new UserError(
      known.length
        ? t('console.help.noSubcommand', { where, word: words[depth]!.slice(0, 40), known: known.join(', ') })
        : t('console.help.noSubcommands', { where, name: command.definition.name }),
    );
  }
  const lines = [`${bold(`/${command.definition.name}`)}: ${localized(t, withLocalizations(command, t).definition as never)}${managersOnly(command) ? ` ${t('console.help.managersOnly')}` : ''}`];
  for (const form of chosen) {
    lines.push('', `  ${bold(usage(command, form.path, form.leaves, t))}`);
    if (form.path.length) lines.push(`  ${form.description}`);
    for (const o of form.leaves) {
      const choiceName = (c: { name: string; name_localizations?: Record<string, string> | null }) => (t.locale !== 'en' && c.name_localizations?.[t.locale]) || c.name;
      const choices = o.choices?.length ? ` ${t('console.help.oneOf', { choices: o.choices.map((c) => `${c.value} (${choiceName(c)})`).join(', ') })}` : '';
      const kind = o.choices?.length ? '' : ` ${placeholder(o, t)}.${o.autocomplete ? ` ${t('console.help.tabSuggests')}` : ''}`;
      lines.push(`    ${o.name}${o.required ? ` ${t('console.help.required')}` : ''}: ${localized(t, o)}.${kind}${choices}`.replace(/\.\./g, '.'));
    }
  }
  if (!words.length && chosen.length > 1) lines.push('', t('console.help.explainsOne', { name: command.definition.name }));
  return lines.join('\n');
}

/**
 * What `/help …` prints: the list (no words), one command, one of its subcommands
 * (`/help predict edit`), or one of the console's own commands.
 */
export function helpText(commands: readonly Command[], words: readonly string[], bold: (s: string) => string, t: Translator = EN): string {
  if (!words.length) return commandList(commands, bold, t);
  const name = words[0]!.replace(/^\//, '').toLowerCase();
  const command = commands.find((c) => c.definition.name === name);
  if (command) return commandDetail(command, bold, words.slice(1), t);
  const own = CONSOLE_COMMANDS.find((c) => c.name === name);
  if (!own) throw new UserError(t('console.help.noCommand', { name: name.slice(0, 40) }));
  return `${bold(t(`console.usage.${own.name}`))}: ${ownDescription(t, own.name)}`;
}

/** `npm start -- --help` */
export const PROGRAM_HELP = `Hindsight keeps a server's ledger of forecasts from the news, to be scored in hindsight.

Usage: npm start [-- --help]      (builds dist/ when the sources changed; npm run dev runs the TypeScript directly)

Two ways to run it:

  In Discord   1. In the Discord developer portal, create an application, add a bot to it and
                  copy the bot's token.
               2. Invite the bot to your server with the "bot" and "applications.commands" scopes
                  and the bot permissions
                    ${BOT_PERMISSION_NAMES}
                  (permission integer ${BOT_PERMISSIONS_INTEGER}), with the link
                    ${inviteUrl()}
                  ${THREAD_PERMISSION_NAMES} add a discussion thread on each claim card
                  when it first comes due, where new evidence is posted; without them
                  (${BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER}) rounds are posted all the same.
               3. Start it with the token:  DISCORD_TOKEN=... npm start
               It logs in, registers its slash commands and answers in every server it is in.
               DISCORD_GUILD_ID=<server id> registers them in that server only (at once, for testing).
               README.md, "Creating the Discord application", has the details.

  Console      Without DISCORD_TOKEN it opens a local console instead: a pretend server with one
               channel, #console, and the bundled article pack imported. Type the same slash
               commands as in Discord, e.g.
                 /predict list status:due
                 /vote claim:1 verdict:came-true
                 /as bob --manager
               Replies show as text; type a button's number to press it. /help lists everything.
               With input piped in (not a terminal) it runs one command per line, prints each with
               its reply, and exits 1 if any command failed, else 0:
                 printf '/predict list status:due\\n' | npm start --silent
               --locale ru (or uk, en-US) answers in that language, as Discord does for a
               member whose Discord is set to it:  npm start -- --locale ru

Both keep the ledger in an embedded database in HINDSIGHT_DATA_DIR (default ./data), or in
PostgreSQL when DATABASE_URL is set. LOG_LEVEL sets the log level (default info; warn in the
console, where logs go to standard error). Settings may also be put in a .env file.
`;
