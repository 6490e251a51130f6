/**
 * The registry: every slash command, message command, button and form by the name or custom-id
 * prefix the pipeline routes by. Built once (commands/index.ts) from the static lists, and handed
 * to every transport, so the gateway, the HTTP endpoint and the console serve the same handlers.
 */
import { CatalogError } from './errors.js';
import { t } from '../i18n/index.js';
import type { Button, Command, CommandDefinition, ContextMenuDefinition, Form, MessageCommand } from './types.js';

export interface Registry {
  /** Every slash command, in order (help, completion). */
  readonly commands: readonly Command[];
  /** Every message command ("Apps → …"). */
  readonly messageCommands: readonly MessageCommand[];
  /** Every definition command sync registers. */
  readonly definitions: readonly (CommandDefinition | ContextMenuDefinition)[];
  /** The slash command of that name, or a CatalogError. */
  command(name: string): Command;
  /** The message context-menu command of that name, or a CatalogError. */
  messageCommand(name: string): MessageCommand;
  /** The button family a custom id belongs to (by its prefix), or a CatalogError. */
  button(customId: string): Button;
  /** The form family a custom id belongs to (by its prefix), or a CatalogError. */
  form(customId: string): Form;
}

export interface RegistryParts {
  commands: readonly Command[];
  messageCommands?: readonly MessageCommand[];
  buttons?: readonly Button[];
  forms?: readonly Form[];
  /** What command sync registers, when not the commands' own definitions (commands/index.ts: with the catalogs' localizations). */
  definitions?: readonly (CommandDefinition | ContextMenuDefinition)[];
}

const prefixOf = (customId: string) => customId.split(':', 1)[0] ?? '';

/** In English; a member sees it in their language (a CatalogError). */
export const UNKNOWN_COMMAND = t('en', 'errors.unknownCommand');

function index<T>(items: readonly T[], key: (item: T) => string, what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(key(item))) throw new Error(`two ${what} named ${key(item)}`);
    map.set(key(item), item);
  }
  return map;
}

export function createRegistry(parts: RegistryParts): Registry {
  const commands = index(parts.commands, (c) => c.definition.name, 'commands');
  const menus = index(parts.messageCommands ?? [], (c) => c.definition.name, 'message commands');
  const buttons = index(parts.buttons ?? [], (b) => b.ids.prefix, 'button families');
  const forms = index(parts.forms ?? [], (f) => f.ids.prefix, 'form families');
  return {
    commands: parts.commands,
    messageCommands: parts.messageCommands ?? [],
    definitions: parts.definitions ?? [...parts.commands.map((c) => c.definition), ...(parts.messageCommands ?? []).map((c) => c.definition)],
    command(name) {
      const command = commands.get(name);
      if (!command) throw new CatalogError('errors.unknownCommand');
      return command;
    },
    messageCommand(name) {
      const command = menus.get(name);
      if (!command) throw new CatalogError('errors.unknownCommand');
      return command;
    },
    button(customId) {
      const button = buttons.get(prefixOf(customId));
      if (!button) throw new CatalogError('errors.unknownButton');
      return button;
    },
    form(customId) {
      const form = forms.get(prefixOf(customId));
      if (!form) throw new CatalogError('errors.unknownForm');
      return form;
    },
  };
}
