/** Every slash command, in one static list: used by the router, by command sync and by the console. */
import type { Command, CommandDefinition, ContextMenuDefinition, MessageCommand } from '../src/kit/types.js';
import * as track from './track.js';
import * as predict from './predict.js';
import * as vote from './vote.js';
import * as resolve from './resolve.js';
import * as reopen from './reopen.js';
import * as forecast from './forecast.js';
import * as settings from './settings.js';
import * as scores from './scores.js';
import * as reminders from './reminders.js';
import { localizeDefinitions } from '../src/i18n/commands.js';

export const commands: readonly Command[] = [predict, vote, resolve, reopen, forecast, settings, reminders, scores];

/** Message context-menu commands (Apps → …). */
export const messageCommands: readonly MessageCommand[] = [track];

/** Every definition command sync registers, with the catalogs' localized names and descriptions (src/i18n/commands.ts). */
export const allDefinitions: readonly (CommandDefinition | ContextMenuDefinition)[] = localizeDefinitions([
  ...commands.map((c) => c.definition),
  ...messageCommands.map((c) => c.definition),
]);

export const commandsByName: ReadonlyMap<string, Command> = new Map(commands.map((c) => [c.definition.name, c]));
