/**
 * Typed options (src/kit/options.ts): a handler's options are typed from its command's
 * definition, read once by the pipeline and handed to the handler. The `@ts-expect-error` lines
 * are the proof that a renamed or misspelt option, a value outside an option's choices, or a
 * missing subcommand handler does not compile (tsc checks this file: `npx tsc --noEmit -p
 * tsconfig.json`); the tests check what is read at run time.
 */
import { ApplicationCommandOptionType as T } from 'discord-api-types/v10';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as vote from '../../commands/vote.js';
import * as reminders from '../../commands/reminders.js';
import * as predict from '../../commands/predict.js';
import { argumentsOf, chatInputCommand, partialArgumentsOf, subcommandOptions, type ArgumentsOf, type PartialArgumentsOf } from '../../src/kit/options.js';
import { bySubcommand, CatalogError, UserError, type AppCtx, type CommandCall, type OptionReader } from '../../src/kit/types.js';

/** A refusal from the catalogs (a CatalogError, so the member reads it in their language) with this English text. */
const refusal = (message: string) => expect.objectContaining({ name: 'CatalogError', message }) as unknown as CatalogError;

type Values = Record<string, { type: T; value: unknown }>;

/** An OptionReader over plain values, as the console's is (a value of another type reads as null). */
function reader(values: Values, subcommand: string | null = null): OptionReader {
  const get = (type: T) => (name: string) => (values[name]?.type === type ? values[name]!.value : null) as never;
  return {
    subcommand: () => subcommand,
    string: get(T.String),
    integer: get(T.Integer),
    number: get(T.Number),
    boolean: get(T.Boolean),
    channel: get(T.Channel),
    attachment: get(T.Attachment),
    user: get(T.User),
    focused: () => null,
  };
}

const ping = chatInputCommand({
  name: 'ping',
  description: 'Test command',
  options: [
    { type: T.String, name: 'target', description: 'Required text', required: true },
    { type: T.Integer, name: 'times', description: 'Optional integer', required: false },
    { type: T.Number, name: 'level', description: 'Choices', choices: [{ name: 'Low', value: 0.5 }, { name: 'High', value: 2 }] },
    { type: T.Boolean, name: 'loud', description: 'Flag' },
    { type: T.User, name: 'who', description: 'A user' },
    { type: T.Channel, name: 'where', description: 'A channel', required: true },
    { type: T.Attachment, name: 'file', description: 'A file' },
  ],
});

describe('ArgumentsOf', () => {
  it('maps each option name to its value type: required ones are never null, choices are their values', () => {
    expectTypeOf<ArgumentsOf<typeof ping>>().toEqualTypeOf<{
      readonly target: string;
      readonly times: number | null;
      readonly level: 0.5 | 2 | null;
      readonly loud: boolean | null;
      readonly who: { id: string; displayName: string } | null;
      readonly where: { id: string; type: number };
      readonly file: { name: string; url: string; size: number; contentType: string | null } | null;
    }>();
    expectTypeOf<ArgumentsOf<typeof vote.definition>>().toEqualTypeOf<{
      readonly claim: string;
      readonly verdict: 'came-true' | 'partly' | 'did-not' | 'too-early';
      readonly evidence: string | null;
    }>();
  });

  it('is a union discriminated on the subcommand for a command with subcommands', () => {
    type Reminders = ArgumentsOf<typeof reminders.definition>;
    expectTypeOf<Reminders['subcommand']>().toEqualTypeOf<'add' | 'list' | 'remove' | 'pause' | 'resume' | 'run-now'>();
    expectTypeOf<Extract<Reminders, { subcommand: 'remove' }>['options']>().toEqualTypeOf<{ readonly id: number }>();
    expectTypeOf<Extract<ArgumentsOf<typeof predict.definition>, { subcommand: 'export' }>['options']>().toEqualTypeOf<{ readonly format: 'json' | 'csv' | null; readonly from: number | null }>();
  });

  it('makes a renamed or misspelt option, a value outside the choices and a missing subcommand handler compile errors', () => {
    const args = argumentsOf(vote.definition, reader({ claim: { type: T.String, value: '3' }, verdict: { type: T.String, value: 'partly' } }));
    // @ts-expect-error: /vote has no option 'claim-id' (a handler still reading an old name fails to compile)
    expect(args['claim-id']).toBeUndefined();
    // @ts-expect-error: 'maybe' is not one of the verdict choices
    expect(args.verdict === 'maybe').toBe(false);
    const add = subcommandOptions(reminders.definition, 'add', reader({ schedule: { type: T.String, value: 'daily 09:00' }, channel: { type: T.Channel, value: { id: '1', type: 0 } } }));
    // @ts-expect-error: /reminders add has 'timezone', not 'tz'
    expect(add.tz).toBeUndefined();
    // @ts-expect-error: /reminders has no subcommand 'delete'
    expect(() => subcommandOptions(reminders.definition, 'delete', reader({}))).not.toThrow();
    // @ts-expect-error: one handler per subcommand of the definition (here 'add', 'show' and the others are missing)
    bySubcommand(predict.definition, { list: async () => {} });
  });

  it('types what the commands\' handlers are handed: their own definition\'s options', () => {
    expectTypeOf(vote.execute).parameter(1).toEqualTypeOf<ArgumentsOf<typeof vote.definition>>();
    expectTypeOf(reminders.execute).parameter(1).toEqualTypeOf<ArgumentsOf<typeof reminders.definition>>();
    expectTypeOf(reminders.autocomplete).parameter(1).toEqualTypeOf<PartialArgumentsOf<typeof reminders.definition>>();
    expectTypeOf<Extract<PartialArgumentsOf<typeof reminders.definition>, { subcommand: 'add' }>['options']['channel']>().toEqualTypeOf<{ id: string; type: number } | null>();
  });
});

describe('bySubcommand', () => {
  it('hands the subcommand called its options, read already, and calls no other handler', async () => {
    const seen: unknown[] = [];
    const handler = (name: string) => async (_call: CommandCall, options: unknown) => void seen.push([name, options]);
    const execute = bySubcommand(reminders.definition, {
      add: handler('add'),
      list: handler('list'),
      remove: handler('remove'),
      pause: handler('pause'),
      resume: handler('resume'),
      'run-now': handler('run-now'),
    });
    await execute({} as CommandCall, { subcommand: 'pause', options: { id: 4 } }, {} as AppCtx);
    expect(seen).toEqual([['pause', { id: 4 }]]);
  });
});

describe('argumentsOf', () => {
  it('reads every option through the OptionReader, absent optional ones as null', () => {
    const args = argumentsOf(ping, reader({ target: { type: T.String, value: 'x' }, where: { type: T.Channel, value: { id: '9', type: 0 } }, loud: { type: T.Boolean, value: false } }));
    expect(args).toEqual({ target: 'x', times: null, level: null, loud: false, who: null, where: { id: '9', type: 0 }, file: null });
  });

  it('refuses a call without a required option (or with a value not of its type), naming it', () => {
    expect(() => argumentsOf(ping, reader({ where: { type: T.Channel, value: { id: '9', type: 0 } } }))).toThrow(UserError);
    expect(() => argumentsOf(ping, reader({ target: { type: T.Integer, value: 3 }, where: { type: T.Channel, value: { id: '9', type: 0 } } }))).toThrow(/^target: /);
  });

  it('holds a forged call to what Discord enforces: choices, ranges and lengths of the definition', () => {
    // Discord checks these before it sends a call; a forged or replayed payload to the endpoint need not
    // (before, a from: of 2^31 reached SQL and a choice outside the list reached the handler).
    const where = { where: { type: T.Channel, value: { id: '9', type: 0 } } };
    const call = (extra: Values) => () => argumentsOf(ping, reader({ target: { type: T.String, value: 'x' }, ...where, ...extra }));
    expect(call({ level: { type: T.Number, value: 3 } })).toThrow(refusal('Option `level` must be one of: 0.5, 2.'));
    expect(call({ level: { type: T.Number, value: 2 } })).not.toThrow();
    const exportCall = (from: number) => () => argumentsOf(predict.definition, reader({ from: { type: T.Integer, value: from } }, 'export'));
    expect(exportCall(2 ** 31)).toThrow(refusal('Option `from` must be at most 2147483647.'));
    expect(exportCall(0)).toThrow(refusal('Option `from` must be at least 1.'));
    expect(exportCall(1.5)).toThrow(refusal('Option `from` must be a whole number.'));
    expect(exportCall(7)).not.toThrow();
    const limited = chatInputCommand({ name: 'note', description: 'Lengths', options: [{ type: T.String, name: 'text', description: 'Text', required: true, min_length: 2, max_length: 3 }] });
    expect(() => argumentsOf(limited, reader({ text: { type: T.String, value: 'a' } }))).toThrow(refusal('Option `text` must be at least 2 characters long.'));
    expect(() => argumentsOf(limited, reader({ text: { type: T.String, value: '🙂🙂🙂🙂' } }))).toThrow(refusal('Option `text` must be at most 3 characters long (it has 4).'));
    expect(argumentsOf(limited, reader({ text: { type: T.String, value: '🙂🙂🙂' } }))).toEqual({ text: '🙂🙂🙂' });
    // While the member is still typing, nothing is refused.
    expect(partialArgumentsOf(limited, reader({ text: { type: T.String, value: 'a' } }))).toEqual({ text: 'a' });
  });

  it('reads the options of the subcommand called, and refuses an unknown subcommand', () => {
    const args = argumentsOf(reminders.definition, reader({ id: { type: T.Integer, value: 4 } }, 'pause'));
    expect(args).toEqual({ subcommand: 'pause', options: { id: 4 } });
    if (args.subcommand === 'pause') expectTypeOf(args.options.id).toEqualTypeOf<number>();
    expect(() => argumentsOf(reminders.definition, reader({}, 'explode'))).toThrow(refusal('Unknown subcommand.'));
    expect(() => argumentsOf(reminders.definition, reader({}))).toThrow(refusal('Unknown subcommand.'));
  });

  it('reads every option as possibly absent while the member is still typing (autocomplete)', () => {
    expect(subcommandOptions(reminders.definition, 'add', reader({ schedule: { type: T.String, value: 'dai' } }), { partial: true })).toEqual({
      channel: null,
      schedule: 'dai',
      timezone: null,
    });
    expect(partialArgumentsOf(reminders.definition, reader({ schedule: { type: T.String, value: 'dai' } }, 'add'))).toEqual({
      subcommand: 'add',
      options: { channel: null, schedule: 'dai', timezone: null },
    });
    expect(partialArgumentsOf(vote.definition, reader({ claim: { type: T.String, value: '3' } }))).toEqual({ claim: '3', verdict: null, evidence: null });
  });
});
