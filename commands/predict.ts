import { SlashCommandBuilder } from '@discordjs/builders';
import { time, TimestampStyles } from '@discordjs/formatters';
import { InteractionContextType } from 'discord-api-types/v10';
import { addClaim, claimDetail, deleteClaim, editClaim, listClaims, STATUS_FILTERS, type StatusFilter } from '../src/ledger/claims.js';
import { bundledPacks, exportCsv, exportLedger, importLedger } from '../src/ledger/transfer.js';
import { LIMITS } from '../src/ledger/limits.js';
import { claimCard, listPage, safe, truncate } from '../src/kit/render.js';
import { ledgerCtx, UserError, type AppCtx, type AutocompleteCall, type Choice, type CommandCall } from '../src/kit/types.js';
import { bySubcommand, claimChoices, claimOption, familyChoices } from './shared.js';

const checkByHelp = 'YYYY-MM-DD or a phrase: "in 3 months", "end of 2025", "next Friday"';

export const definition = new SlashCommandBuilder()
  .setName('predict')
  .setDescription('The ledger of forecasts: add, browse, edit, import and export claims')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Add a forecast someone made, to be scored in hindsight')
      .addStringOption((o) => o.setName('claim').setDescription('What is forecast, in plain words').setRequired(true).setMaxLength(LIMITS.claimText))
      .addStringOption((o) => o.setName('check-by').setDescription(`When it can be checked: ${checkByHelp}`).setRequired(true).setMaxLength(60))
      .addStringOption((o) => o.setName('speaker').setDescription('Who said it, as the source names them').setMaxLength(LIMITS.speaker))
      .addStringOption((o) => o.setName('quote').setDescription('Their words, verbatim').setMaxLength(LIMITS.quote))
      .addStringOption((o) => o.setName('source-url').setDescription('Link to the article').setMaxLength(LIMITS.url))
      .addStringOption((o) => o.setName('family').setDescription('Category, e.g. negotiations, front-line-goals, ambassador-appointment').setMaxLength(LIMITS.family).setAutocomplete(true))
      .addStringOption((o) => o.setName('criteria').setDescription('What would count as "came true"').setMaxLength(LIMITS.criteria)),
  )
  .addSubcommand((s) =>
    s
      .setName('list')
      .setDescription('Browse the claims of this server')
      .addStringOption((o) =>
        o
          .setName('status')
          .setDescription('Which claims (default: all)')
          .addChoices(
            { name: 'Open (check date not reached)', value: 'open' },
            { name: 'Due (waiting for a verdict)', value: 'due' },
            { name: 'Resolved', value: 'resolved' },
            { name: 'All', value: 'all' },
          ),
      )
      .addStringOption((o) => o.setName('family').setDescription('Only this family').setMaxLength(LIMITS.family).setAutocomplete(true))
      .addStringOption((o) => o.setName('speaker').setDescription('Only speakers whose name contains this').setMaxLength(40))
      .addIntegerOption((o) => o.setName('page').setDescription('Page number').setMinValue(1).setMaxValue(100000)),
  )
  .addSubcommand((s) =>
    s
      .setName('show')
      .setDescription('Everything about one claim')
      .addStringOption((o) => claimOption(o)),
  )
  .addSubcommand((s) =>
    s
      .setName('edit')
      .setDescription('Correct a claim (its author or a manager)')
      .addStringOption((o) => claimOption(o))
      .addStringOption((o) => o.setName('text').setDescription('New plain restatement').setMaxLength(LIMITS.claimText))
      .addStringOption((o) => o.setName('check-by').setDescription(`New check date: ${checkByHelp}`).setMaxLength(60))
      .addStringOption((o) => o.setName('speaker').setDescription('New speaker').setMaxLength(LIMITS.speaker))
      .addStringOption((o) => o.setName('quote').setDescription('New quote').setMaxLength(LIMITS.quote))
      .addStringOption((o) => o.setName('source-url').setDescription('New article link').setMaxLength(LIMITS.url))
      .addStringOption((o) => o.setName('family').setDescription('New family').setMaxLength(LIMITS.family).setAutocomplete(true))
      .addStringOption((o) => o.setName('criteria').setDescription('New criteria').setMaxLength(LIMITS.criteria)),
  )
  .addSubcommand((s) =>
    s
      .setName('delete')
      .setDescription('Delete a claim (its author or a manager); its history is kept')
      .addStringOption((o) => claimOption(o)),
  )
  .addSubcommand((s) =>
    s
      .setName('import')
      .setDescription('Import a bundled pack or a JSON file (managers); importing twice adds once')
      .addStringOption((o) =>
        o
          .setName('pack')
          .setDescription('A bundled pack')
          .addChoices(...bundledPacks().map((p) => ({ name: truncate(p.name, 100), value: p.id }))),
      )
      .addAttachmentOption((o) => o.setName('file').setDescription('A pack or a /predict export (JSON)')),
  )
  .addSubcommand((s) =>
    s
      .setName('export')
      .setDescription('Download this server’s ledger')
      .addStringOption((o) =>
        o
          .setName('format')
          .setDescription('json (re-importable) or csv (spreadsheets); default json')
          .addChoices({ name: 'JSON', value: 'json' }, { name: 'CSV', value: 'csv' }),
      ),
  )
  .toJSON();

const ts = (d: Date) => time(d, TimestampStyles.LongDate);

async function add(call: CommandCall, ctx: AppCtx) {
  const o = call.options;
  const claim = await addClaim(ledgerCtx(call, ctx), {
    claim: o.string('claim') ?? '',
    checkBy: o.string('check-by') ?? '',
    speaker: o.string('speaker'),
    quote: o.string('quote'),
    sourceUrl: o.string('source-url'),
    family: o.string('family'),
    criteria: o.string('criteria'),
  });
  const detail = await claimDetail(ledgerCtx(call, ctx), claim.number);
  await call.reply({
    content: `Claim #${claim.number} added. It can be scored from ${ts(claim.dueAt)}.`,
    ...claimCard(detail, ctx.now()),
  });
}

async function list(call: CommandCall, ctx: AppCtx) {
  const o = call.options;
  const status = (o.string('status') ?? 'all') as StatusFilter;
  if (!STATUS_FILTERS.includes(status)) throw new UserError('Status must be open, due, resolved or all.');
  const state = { status, page: o.integer('page') ?? 1, family: o.string('family'), speaker: o.string('speaker') };
  const result = await listClaims(ledgerCtx(call, ctx), state);
  await call.reply(listPage(result, { ...state, page: result.page }, ctx.now()));
}

async function show(call: CommandCall, ctx: AppCtx) {
  const detail = await claimDetail(ledgerCtx(call, ctx), call.options.string('claim') ?? '');
  await call.reply(claimCard(detail, ctx.now(), { history: true }));
}

async function edit(call: CommandCall, ctx: AppCtx) {
  const o = call.options;
  const claim = await editClaim(ledgerCtx(call, ctx), o.string('claim') ?? '', {
    claim: o.string('text'),
    checkBy: o.string('check-by'),
    speaker: o.string('speaker'),
    quote: o.string('quote'),
    sourceUrl: o.string('source-url'),
    family: o.string('family'),
    criteria: o.string('criteria'),
  });
  await call.reply({ content: `Claim #${claim.number} updated.`, ephemeral: true });
}

async function remove(call: CommandCall, ctx: AppCtx) {
  const claim = await deleteClaim(ledgerCtx(call, ctx), call.options.string('claim') ?? '');
  await call.reply({ content: `Claim #${claim.number} (“${safe(claim.text, 200)}”) deleted. Its history is kept.`, ephemeral: true });
}

async function importClaims(call: CommandCall, ctx: AppCtx) {
  const pack = call.options.string('pack');
  const file = call.options.attachment('file');
  if (!call.member.isManager) throw new UserError('Only managers (Manage Server) can import claims.');
  if (!pack === !file) throw new UserError('Give either a bundled pack or a JSON file (one of the two).');
  await call.defer({ ephemeral: true });
  let source: { packId: string } | { raw: string };
  if (pack) source = { packId: pack };
  else {
    if (file!.size > LIMITS.maxImportBytes) throw new UserError(`The file is too large (at most ${LIMITS.maxImportBytes / 1_000_000} MB).`);
    source = { raw: await ctx.fetchAttachment(file!, LIMITS.maxImportBytes) };
  }
  const result = await importLedger(ledgerCtx(call, ctx), source);
  const range = result.numbers.length ? ` as #${result.numbers[0]}–#${result.numbers[result.numbers.length - 1]}` : '';
  const origin = result.foreign ? '\nVotes and forecasts in it are kept as imported (marked with their origin) and do not count in this server’s scores.' : '';
  await call.reply({
    ephemeral: true,
    content:
      `Imported ${safe(result.name, 120)}: **${result.added}** added${range}, ` +
      (result.updated ? `**${result.updated}** updated to the pack's corrected text (votes and forecasts kept; see each claim's history), ` : '') +
      `**${result.skipped}** skipped (already in this server${result.updated ? ', unchanged' : ''}).${origin}`,
  });
}

async function exportClaims(call: CommandCall, ctx: AppCtx) {
  const format = call.options.string('format') ?? 'json';
  await call.defer({ ephemeral: true });
  const memberData = call.member.isManager;
  const data = await exportLedger(ctx.db, call.guildId, { memberData, now: ctx.now() });
  const stamp = ctx.now().toISOString().slice(0, 10);
  const body = format === 'csv' ? exportCsv(data) : JSON.stringify(data, null, 2);
  const hidden = data.claims.filter((c) => c.votesHidden).length;
  const notes = [
    memberData ? null : 'Claims only: votes, forecasts and who added or resolved them are exported by managers.',
    memberData && hidden ? `The votes of ${hidden} claim${hidden === 1 ? '' : 's'} still hidden by blind voting are left out.` : null,
  ].filter(Boolean);
  await call.reply({
    ephemeral: true,
    content: `This server’s ledger: ${data.claims.length} claim${data.claims.length === 1 ? '' : 's'} (${format.toUpperCase()}).${notes.length ? `\n${notes.join('\n')}` : ''}`,
    files: [{ name: `hindsight-${stamp}.${format === 'csv' ? 'csv' : 'json'}`, data: Buffer.from(body, 'utf8') }],
  });
}

export const execute = bySubcommand({
  add,
  list,
  show,
  edit,
  delete: remove,
  import: importClaims,
  export: exportClaims,
});

export async function autocomplete(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]> {
  if (call.options.focused()?.name === 'family') return familyChoices(call, ctx);
  return claimChoices(call, ctx);
}
