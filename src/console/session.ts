/**
 * One person at the console: reads a line and runs it as the current member through the same
 * pipeline Discord's interactions take (src/pipeline/: the one builder, the registry's handlers,
 * the one error boundary), and completes what they are typing with the commands' own autocomplete.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApplicationCommandOptionType as T } from 'discord-api-types/v10';
import type { APIInteraction } from 'discord-api-types/v10';
import { guarded } from '../kit/failures.js';
import type { Registry } from '../kit/registry.js';
import { CatalogError, UserError, type AppCtx, type Command, type Member, type Modal } from '../kit/types.js';
import { runInteraction } from '../pipeline/run.js';
import type { Board, Screen } from './board.js';
import { autocompleteInteraction, buttonInteraction, commandInteraction, ConsoleResponder, formInteraction, messageCommandInteraction, type CallPlace, type PressedMessage } from './calls.js';
import { MODAL_LIMITS } from '../kit/render.js';
import { CONSOLE_COMMANDS, helpText, managersOnly } from './help.js';
import { OWNER, type Members } from './members.js';
import { checkOptions, optionsOf, structure, tokenize, type Invocation, type OptionDef, type OptionValue, type Resolvers, type Token } from './parse.js';
import { styles } from './render.js';
import { translator, type Translator } from '../i18n/index.js';

export interface SessionDeps {
  ctx: AppCtx;
  /** Every command, button and form (commands/index.ts). */
  registry: Registry;
  members: Members;
  board: Board;
  screen: Screen;
  guildId: string;
  channel: { id: string; name: string };
  /** Where relative file paths start. */
  cwd: string;
  /** The language the person at the console reads (a Discord locale: en-US, ru, uk; --locale); also the console server's. */
  locale?: string;
}

export class Session {
  member: Member;
  /** Whether any command failed (for the exit status of a script). */
  failed = false;
  quitting = false;
  /** A form a button opened (a Discord modal): the next line fills it in. */
  form: { modal: Modal; messageId: string; on: PressedMessage | null } | null = null;
  /** The message of the last button pressed (a form it opens is submitted with it, as Discord's is). */
  private lastPressed: PressedMessage | null = null;
  private readonly resolvers: Resolvers;
  /** The console's own texts (help, prompts, forms, refusals) in the reader's language. */
  readonly t: Translator;

  constructor(private readonly deps: SessionDeps) {
    this.t = translator(deps.locale);
    this.member = deps.members.get(OWNER);
    this.resolvers = { member: (name) => deps.members.get(name), channel: deps.channel, cwd: deps.cwd };
  }

  prompt(): string {
    return `${this.member.displayName}${this.member.isManager ? ` ${this.t('console.session.manager')}` : ''} › `;
  }

  /** Runs one line; false when it failed. */
  async run(line: string): Promise<boolean> {
    const text = line.trim();
    if (!text || text.startsWith('#')) return true;
    this.deps.board.newLine();
    try {
      if (this.form) {
        if (/^\/(submit|cancel)\b/i.test(text) || !text.startsWith('/')) return await this.fillForm(text);
        this.info(this.t('console.session.formDropped', { title: this.form.modal.title }));
        this.form = null;
      }
      if (/^\d{1,6}$/.test(text)) return await this.press(Number(text), false);
      if (/^\/apps(\s|$)/i.test(text)) return await this.messageCommand(text.slice(5));
      const { tokens, openQuote } = tokenize(text);
      if (openQuote) throw new UserError(this.t('console.session.openQuote', { quote: openQuote }));
      const [first, ...args] = tokens;
      const name = first!.text.replace(/^\//, '').toLowerCase();
      if (!first!.text.startsWith('/') && !this.commandNamed(name) && !CONSOLE_COMMANDS.some((c) => c.name === name)) {
        throw new UserError(this.t('console.session.startWithSlash'));
      }
      switch (name) {
        case 'as':
          return this.switchMember(args);
        case 'whoami':
          this.info(this.t('console.session.whoami', { who: this.describe(this.member) }));
          return true;
        case 'help':
          return this.help(args.map((a) => a.text));
        case 'quit':
        case 'exit':
          this.quitting = true;
          return true;
        case 'click': {
          const n = Number(args[0]?.text);
          if (!Number.isInteger(n)) throw new UserError(this.t('console.session.clickNumber'));
          return await this.press(n, true);
        }
      }
      return await this.runCommand(name, args);
    } catch (error) {
      if (error instanceof UserError) return this.refuse(error instanceof CatalogError ? error.in(this.deps.locale) : error.message);
      // A bug of the console's own (not of a handler): the same boundary answers it.
      await guarded(
        this.deps.ctx.log,
        { interaction: 'console line', guildId: this.deps.guildId, userId: this.member.id },
        () => Promise.reject(error),
        async (reply) => {
          this.deps.board.show(reply, { ephemeral: true });
        },
        this.deps.locale,
      );
      this.failed = true;
      return false;
    }
  }

  private get commands(): readonly Command[] {
    return this.deps.registry.commands;
  }

  private commandNamed(name: string): Command | undefined {
    return this.commands.find((c) => c.definition.name === name);
  }

  /** Runs an interaction through the pipeline; false (and the session failed) when its handler failed. */
  private async dispatch(interaction: APIInteraction, responder: ConsoleResponder): Promise<boolean> {
    const ok = await runInteraction(interaction, responder, this.deps.registry, this.deps.ctx);
    if (!ok) this.failed = true;
    return ok;
  }

  private responder(opts: { messageId?: string } = {}): ConsoleResponder {
    return new ConsoleResponder(this.deps.board, { channelId: this.deps.channel.id, ...opts, openForm: (modal, messageId) => this.openForm(modal, messageId) });
  }

  private place(): CallPlace {
    return { guildId: this.deps.guildId, channelId: this.deps.channel.id, member: this.member, createdAt: this.deps.ctx.now(), locale: this.deps.locale || 'en-US', guildLocale: this.deps.locale || 'en-US' };
  }

  private async runCommand(name: string, args: Token[]): Promise<boolean> {
    const command = this.commandNamed(name);
    if (!command) {
      const known = this.commands.map((c) => `/${c.definition.name}`).join(', ');
      throw new UserError(this.t('console.session.noCommand', { name: name.slice(0, 40), known }));
    }
    if (managersOnly(command) && !this.member.isManager) {
      throw new UserError(this.t('console.session.forManagers', { name, member: this.member.displayName }));
    }
    const inv = structure(command, args, false, this.t);
    const values = checkOptions(inv, this.resolvers, this.t);
    return this.dispatch(commandInteraction(this.place(), name, inv.subcommand, values), this.responder());
  }

  private async press(n: number, explicit: boolean): Promise<boolean> {
    const pressed = this.deps.board.press(n, { explicit });
    if (typeof pressed === 'string') return this.refuse(pressed);
    this.lastPressed = { id: pressed.messageId, embeds: pressed.embeds, ephemeral: pressed.ephemeral };
    return this.dispatch(buttonInteraction(this.place(), pressed.customId, this.lastPressed), this.responder({ messageId: pressed.messageId }));
  }

  /**
   * `/apps NAME: TEXT`: TEXT is posted as the member's message in #console, and the message command
   * NAME runs on it (Discord: right-click a message → Apps → NAME).
   */
  private async messageCommand(rest: string): Promise<boolean> {
    const names = this.deps.registry.messageCommands.map((c) => c.definition.name);
    const m = /^\s*([^:]+?)\s*:\s*([\s\S]*)$/.exec(rest);
    if (!m) throw new UserError(this.t('console.session.appsUsage', { example: names[0] ?? 'NAME', names: names.join(', ') }));
    const command = this.deps.registry.messageCommands.find((c) => c.definition.name.toLowerCase() === m[1]!.toLowerCase());
    if (!command) throw new UserError(this.t('console.session.noMessageCommand', { name: m[1]!.slice(0, 40), names: names.join(', ') }));
    const content = m[2]!.trim();
    const messageId = this.deps.board.show({ content }, { ephemeral: false, header: this.t('console.session.wrote', { member: this.member.displayName }) });
    return this.dispatch(messageCommandInteraction(this.place(), command.definition.name, { id: messageId, content, author: this.member }), this.responder());
  }

  /** Shows a form's fields with their values; the next line fills it in. */
  private openForm(modal: Modal, messageId: string): void {
    this.form = { modal, messageId, on: this.lastPressed?.id === messageId ? this.lastPressed : null };
    const bold = styles(this.deps.screen.color).bold;
    const lines = [bold(this.t('console.session.form', { title: modal.title }))];
    const required = ` ${this.t('console.help.required')}`;
    const empty = this.t('console.session.empty');
    modal.fields.forEach((f, i) => lines.push(`  [${i + 1}] ${f.id}${f.required ? required : ''}: ${f.label}`, `      = ${f.value ? JSON.stringify(f.value) : empty}`));
    lines.push(this.t('console.session.formHelp'));
    this.info(lines.join('\n'));
  }

  /** Fills in and submits the open form, or cancels it. */
  private async fillForm(text: string): Promise<boolean> {
    const { modal, messageId, on } = this.form!;
    if (/^\/cancel\b/i.test(text)) {
      this.form = null;
      this.info(this.t('console.session.formCancelled', { title: modal.title }));
      return true;
    }
    const values = new Map(modal.fields.map((f) => [f.id, f.value ?? '']));
    if (!/^\/submit\b/i.test(text)) {
      const pairs = [...text.matchAll(/([\w-]+)\s*[=:]\s*("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)];
      const rest = text.replace(/([\w-]+)\s*[=:]\s*("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g, '').trim();
      if (!pairs.length || rest) {
        throw new UserError(this.t('console.session.formSyntax', { field: modal.fields[0]?.id ?? 'field' }));
      }
      for (const [, key, raw] of pairs) {
        const field = /^\d+$/.test(key!) ? modal.fields[Number(key) - 1] : modal.fields.find((f) => f.id === key!.toLowerCase());
        if (!field) throw new UserError(this.t('console.session.noField', { key: key!, fields: modal.fields.map((f, i) => `${i + 1} ${f.id}`).join(', ') }));
        const value = raw!.startsWith('"') ? raw!.slice(1, -1).replace(/\\(.)/g, '$1') : raw!.startsWith("'") ? raw!.slice(1, -1) : raw!;
        const max = Math.min(field.maxLength ?? MODAL_LIMITS.value, MODAL_LIMITS.value);
        if (value.length > max) throw new UserError(this.t('console.session.tooLong', { field: field.id, count: value.length, max }));
        values.set(field.id, value);
      }
    }
    const missing = modal.fields.find((f) => f.required && !values.get(f.id)?.trim());
    if (missing) throw new UserError(this.t('console.session.fieldRequired', { field: missing.id }));
    this.form = null;
    return this.dispatch(formInteraction(this.place(), modal.customId, values, on), this.responder({ messageId }));
  }

  /** Refused before reaching Hindsight, as Discord's client refuses a bad option. */
  private refuse(message: string): false {
    const s = styles(this.deps.screen.color);
    this.deps.screen.print(message.split('\n').map((l, i) => `  ${i ? '  ' : s.red('✗ ')}${l}`).join('\n'));
    this.failed = true;
    return false;
  }

  private info(text: string): void {
    this.deps.screen.print(text.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
  }

  private describe(m: Member): string {
    return this.t(m.isManager ? 'console.session.aManager' : 'console.session.aMember', { name: m.displayName });
  }

  private switchMember(args: Token[]): boolean {
    const flags = args.filter((a) => a.text.startsWith('--')).map((a) => a.text);
    const names = args.filter((a) => !a.text.startsWith('--'));
    const unknown = flags.find((f) => f !== '--manager' && f !== '--member');
    if (names.length !== 1 || unknown) throw new UserError(this.t('console.session.asUsage'));
    let member = this.deps.members.get(names[0]!.text);
    if (flags.includes('--manager')) member = this.deps.members.setManager(member, true);
    else if (flags.includes('--member')) member = this.deps.members.setManager(member, false);
    this.member = member;
    this.info(this.t('console.session.nowAs', { who: this.describe(member) }));
    return true;
  }

  private help(words: string[]): boolean {
    this.info(helpText(this.commands, words, styles(this.deps.screen.color).bold, this.t));
    return true;
  }

  // ── Tab completion ────────────────────────────────────────────────────────

  /** Completions for the text before the cursor: [candidates, the part they replace]. */
  async complete(line: string): Promise<[string[], string]> {
    const { tokens, openQuote } = tokenize(line);
    const typingNew = !openQuote && (line === '' || /\s$/.test(line));
    const current: Token = typingNew ? { text: '', start: line.length, colon: -1 } : tokens[tokens.length - 1]!;
    const before = typingNew ? tokens : tokens.slice(0, -1);
    const raw = line.slice(current.start);
    const pick = (candidates: string[]) => [candidates.filter((c) => c.toLowerCase().startsWith(raw.toLowerCase())), raw] as [string[], string];
    if (!before.length) {
      return pick([...this.commands.map((c) => `/${c.definition.name} `), ...CONSOLE_COMMANDS.filter((c) => c.name !== 'click').map((c) => `/${c.name} `)]);
    }
    const name = before[0]!.text.replace(/^\//, '').toLowerCase();
    if (name === 'as') return pick(before.length === 1 ? this.deps.members.names().map((n) => `${n} `) : ['--manager', '--member']);
    if (name === 'help') return before.length === 1 ? pick(this.commands.map((c) => c.definition.name)) : [[], raw];
    const command = this.commandNamed(name);
    if (!command) return [[], raw];
    const branches = branchesAt(command, before.slice(1).map((t) => t.text));
    if (branches) return pick(branches.map((b) => `${b} `));
    const inv = structure(command, before.slice(1), true, this.t);
    if (current.colon === -1) {
      const used = new Set(inv.pairs.map((p) => p.name));
      return pick(inv.leaves.filter((o) => !used.has(o.name)).map((o) => `${o.name}:`));
    }
    const optionName = current.text.slice(0, current.colon).toLowerCase();
    const typed = current.text.slice(current.colon + 1);
    const def = inv.leaves.find((o) => o.name === optionName);
    if (!def) return [[], raw];
    const values = await this.valuesFor(command, inv, def, typed);
    return [values.map((v) => `${optionName}:${quote(v)}${v.endsWith('/') ? '' : ' '}`), raw];
  }

  /** The values an option can take that start with (or, from autocomplete, match) what is typed. */
  private async valuesFor(command: Command, inv: Invocation, def: OptionDef, typed: string): Promise<string[]> {
    const { subcommand, pairs, leaves } = inv;
    const starts = (v: string) => v.toLowerCase().startsWith(typed.toLowerCase());
    if (def.choices?.length) return def.choices.map((c) => String(c.value)).filter(starts);
    if (def.type === T.Boolean) return ['true', 'false'].filter(starts);
    if (def.type === T.User) return this.deps.members.names().map((n) => `@${n}`).filter((n) => starts(n) || starts(n.slice(1)));
    if (def.type === T.Channel) return [`#${this.deps.channel.name}`];
    if (def.type === T.Attachment) return localPaths(this.deps.cwd, typed);
    if (!def.autocomplete) return [];
    // The command's own autocomplete, as Discord would call it while the option is typed.
    const values = new Map<string, OptionValue>();
    for (const p of pairs) {
      if (p.name !== def.name && leaves.find((o) => o.name === p.name)?.type === T.String) values.set(p.name, { type: T.String, value: p.raw });
    }
    const responder = this.responder();
    await runInteraction(autocompleteInteraction(this.place(), command.definition.name, subcommand, values, { name: def.name, value: typed }), responder, this.deps.registry, this.deps.ctx);
    const choices = responder.choicesGiven;
    if (choices.length > 1) {
      // Discord shows the choices' names in a menu; here they are listed above the prompt.
      const width = this.deps.screen.width - 4;
      this.info(choices.map((c) => (c.name.startsWith(`#${c.value} `) ? c.name : `${c.value}: ${c.name}`)).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l)).join('\n'));
    }
    return choices.length === 1 ? [String(choices[0]!.value)] : [];
  }
}

/** The subcommand names still to choose after `words`, or null when the subcommand is chosen (or there is none). */
function branchesAt(command: Command, words: string[]): string[] | null {
  let options = optionsOf(command);
  for (let depth = 0; ; depth++) {
    const branches = options.filter((o) => o.type === T.Subcommand || o.type === T.SubcommandGroup);
    if (!branches.length) return null;
    const word = words[depth]?.toLowerCase();
    if (word === undefined) return branches.map((b) => b.name);
    const next = branches.find((b) => b.name === word);
    if (!next) return null;
    options = next.options ?? [];
  }
}

const quote = (v: string) => (/[\s"']/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : v);

/** Files and folders that complete a typed path. */
function localPaths(cwd: string, typed: string): string[] {
  const dir = typed.endsWith('/') ? typed : dirname(typed);
  const base = typed.endsWith('/') ? '' : typed.slice(dir === '.' && !typed.startsWith('./') ? 0 : dir.length + 1);
  try {
    return readdirSync(resolve(cwd, dir))
      .filter((f) => f.startsWith(base) && !f.startsWith('.'))
      .slice(0, 50)
      .map((f) => {
        const path = dir === '.' && !typed.startsWith('./') ? f : join(dir, f);
        return statSync(resolve(cwd, path)).isDirectory() ? `${path}/` : path;
      });
  } catch {
    return [];
  }
}
