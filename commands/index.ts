/**
 * Every slash command and message command, in one static list, and the registry the pipeline
 * routes by: these commands with the buttons and forms of src/components/. Used by every
 * transport (gateway, HTTP endpoint, console) and by command sync.
 */
import type { Command, CommandDefinition, ContextMenuDefinition, MessageCommand } from '../src/kit/types.js';
import { createRegistry } from '../src/kit/registry.js';
import { buttons, forms } from '../src/components/index.js';
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

/** A command module, its handlers' options checked against its own definition. */
const command = <D extends CommandDefinition>(module: Command<D>): Command => module as unknown as Command;

export const commands: readonly Command[] = [command(predict), command(vote), command(resolve), command(reopen), command(forecast), command(settings), command(reminders), command(scores)];

/** Message context-menu commands (Apps → …). */
export const messageCommands: readonly MessageCommand[] = [track];

/** Every definition command sync registers, with the catalogs' localized names and descriptions (src/i18n/commands.ts). */
export const allDefinitions: readonly (CommandDefinition | ContextMenuDefinition)[] = localizeDefinitions([
  ...commands.map((c) => c.definition),
  ...messageCommands.map((c) => c.definition),
]);

/** The one registry: every command, message command, button and form. */
export const registry = createRegistry({ commands, messageCommands, buttons, forms, definitions: allDefinitions });
