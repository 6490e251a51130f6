/** Every slash command, in one static list: used by the router, by command sync and by the console. */
import type { Command } from '../src/kit/types.js';
import * as predict from './predict.js';
import * as vote from './vote.js';
import * as resolve from './resolve.js';
import * as reopen from './reopen.js';
import * as forecast from './forecast.js';
import * as settings from './settings.js';
import * as scores from './scores.js';
import * as reminders from './reminders.js';

export const commands: readonly Command[] = [predict, vote, resolve, reopen, forecast, settings, reminders, scores];

export const commandsByName: ReadonlyMap<string, Command> = new Map(commands.map((c) => [c.definition.name, c]));
