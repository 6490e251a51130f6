import { time, TimestampStyles } from '@discordjs/formatters';
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord-api-types/v10';
import { addClaim, claimDetail, deleteClaim, editClaim, listClaims, STATUS_FILTERS, type StatusFilter } from '../src/ledger/claims.js';
import { bundledPacks, exportCsv, exportLedger, importLedger } from '../src/ledger/transfer.js';
import { LIMITS } from '../src/ledger/limits.js';
import { claimCard, listPage, safe, truncate } from '../src/kit/render.js';
import { bySubcommand, ledgerCtx, UserError, type AppCtx, type AutocompleteCall, type Choice, type CommandCall } from '../src/kit/types.js';
import { HEDGE_BANDS, HEDGE_BAND_INFO } from '../src/ledger/hedge.js';
import { draftsList, runExtraction } from '../src/components/drafts.js';
import { evidencePageReply } from '../src/components/evidence.js';
import { removeEvidence } from '../src/ledger/evidence.js';
import { chatInputCommand, type SubcommandArguments, type SubcommandName } from '../src/kit/options.js';
import { claimChoices, claimOption, familyChoices } from '../src/kit/shared-options.js';

const checkByHelp = 'YYYY-MM-DD or a phrase: "in 3 months", "end of 2025", "next Friday"';

const { Subcommand, String: Text, Integer, Attachment } = ApplicationCommandOptionType;

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'predict',
  description: 'The ledger of forecasts: add, browse, edit, import and export claims',
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: Subcommand,
      name: 'add',
      description: 'Add a forecast someone made, to be scored in hindsight',
      options: [
        { type: Text, name: 'claim', description: 'What is forecast, in plain words', required: true, max_length: LIMITS.claimText },
        { type: Text, name: 'check-by', description: `When it can be checked: ${checkByHelp}`, required: true, max_length: 60 },
        { type: Text, name: 'speaker', description: 'Who said it, as the source names them', required: false, max_length: LIMITS.speaker },
        { type: Text, name: 'quote', description: 'Their words, verbatim', required: false, max_length: LIMITS.quote },
        { type: Text, name: 'source-url', description: 'Link to the article', required: false, max_length: LIMITS.url },
        {
          type: Text,
          name: 'family',
          description: 'Category, e.g. negotiations, front-line-goals, ambassador-appointment',
          required: false,
          max_length: LIMITS.family,
          autocomplete: true,
        },
        { type: Text, name: 'criteria', description: 'What would count as "came true"', required: false, max_length: LIMITS.criteria },
      ],
    },
    {
      type: Subcommand,
      name: 'list',
      description: 'Browse the claims of this server',
      options: [
        {
          type: Text,
          name: 'status',
          description: 'Which claims (default: all)',
          required: false,
          choices: [
            { name: 'Open (check date not reached)', value: 'open' },
            { name: 'Due (waiting for a verdict)', value: 'due' },
            { name: 'Resolved', value: 'resolved' },
            { name: 'All', value: 'all' },
          ],
        },
        { type: Text, name: 'family', description: 'Only this family', required: false, max_length: LIMITS.family, autocomplete: true },
        { type: Text, name: 'speaker', description: 'Only speakers whose name contains this', required: false, max_length: 40 },
        { type: Integer, name: 'page', description: 'Page number', required: false, min_value: 1, max_value: 100000 },
      ],
    },
    { type: Subcommand, name: 'show', description: 'Everything about one claim', options: [claimOption()] },
    {
      type: Subcommand,
      name: 'edit',
      description: 'Correct a claim (its author or a manager)',
      options: [
        claimOption(),
        { type: Text, name: 'text', description: 'New plain restatement', required: false, max_length: LIMITS.claimText },
        { type: Text, name: 'check-by', description: `New check date: ${checkByHelp}`, required: false, max_length: 60 },
        { type: Text, name: 'speaker', description: 'New speaker', required: false, max_length: LIMITS.speaker },
        { type: Text, name: 'quote', description: 'New quote', required: false, max_length: LIMITS.quote },
        { type: Text, name: 'source-url', description: 'New article link', required: false, max_length: LIMITS.url },
        { type: Text, name: 'family', description: 'New family', required: false, max_length: LIMITS.family, autocomplete: true },
        { type: Text, name: 'criteria', description: 'New criteria', required: false, max_length: LIMITS.criteria },
        {
          type: Text,
          name: 'hedge',
          description: 'Correct how sure the speaker sounded (managers)',
          required: false,
          choices: [
            ...HEDGE_BANDS.map((b) => ({ name: `${HEDGE_BAND_INFO[b].label} (${HEDGE_BAND_INFO[b].range[0]}–${HEDGE_BAND_INFO[b].range[1]}%)`, value: b })),
            { name: 'none (clear the band)', value: 'none' },
          ],
        },
      ],
    },
    { type: Subcommand, name: 'delete', description: 'Delete a claim (its author or a manager); its history is kept', options: [claimOption()] },
    {
      type: Subcommand,
      name: 'evidence-remove',
      description: 'Remove an evidence item from a claim (managers; the removal is recorded)',
      options: [claimOption(), { type: Integer, name: 'item', description: 'The item’s number, as /predict show lists it', required: true, min_value: 1, max_value: 2147483647 }],
    },
    {
      type: Subcommand,
      name: 'import',
      description: 'Import a bundled pack or a JSON file (managers); importing twice adds once',
      options: [
        {
          type: Text,
          name: 'pack',
          description: 'A bundled pack',
          required: false,
          choices: bundledPacks().map((p) => ({ name: truncate(p.name, 100), value: p.id })),
        },
        { type: Attachment, name: 'file', description: 'A pack or a /predict export (JSON)', required: false },
      ],
    },
    {
      type: Subcommand,
      name: 'extract',
      description: 'Find the forecasts in an article (a link or a file) and review them before they become claims',
      options: [
        { type: Text, name: 'url', description: 'Link to the article (http or https)', required: false, max_length: LIMITS.url },
        { type: Attachment, name: 'file', description: 'The article as plain text or HTML', required: false },
      ],
    },
    { type: Subcommand, name: 'drafts', description: 'Drafts of /predict extract waiting for review (managers: everyone’s)', options: [] },
    {
      type: Subcommand,
      name: 'export',
      description: 'Download this server’s ledger',
      options: [
        {
          type: Text,
          name: 'format',
          description: 'json (re-importable) or csv (spreadsheets); default json',
          required: false,
          choices: [
            { name: 'JSON', value: 'json' },
            { name: 'CSV', value: 'csv' },
          ],
        },
      ],
    },
  ],
});

/** The options of a /predict subcommand, typed from the definition. */
type Args<S extends SubcommandName<typeof definition>> = SubcommandArguments<typeof definition, S>;

const ts = (d: Date) => time(d, TimestampStyles.LongDate);

async function add(call: CommandCall, o: Args<'add'>, ctx: AppCtx) {
  const claim = await addClaim(ledgerCtx(call, ctx), {
    claim: o.claim,
    checkBy: o['check-by'],
    speaker: o.speaker,
    quote: o.quote,
    sourceUrl: o['source-url'],
    family: o.family,
    criteria: o.criteria,
  });
  const detail = await claimDetail(ledgerCtx(call, ctx), claim.number);
  await call.reply({
    content: `Claim #${claim.number} added. It can be scored from ${ts(claim.dueAt)}.`,
    ...claimCard(detail, ctx.now()),
  });
}

async function list(call: CommandCall, o: Args<'list'>, ctx: AppCtx) {
  const status: StatusFilter = o.status ?? 'all';
  if (!STATUS_FILTERS.includes(status)) throw new UserError('Status must be open, due, resolved or all.');
  const state = { status, page: o.page ?? 1, family: o.family, speaker: o.speaker };
  const result = await listClaims(ledgerCtx(call, ctx), state);
  await call.reply(listPage(result, { ...state, page: result.page }, ctx.now()));
}

async function show(call: CommandCall, o: Args<'show'>, ctx: AppCtx) {
  const detail = await claimDetail(ledgerCtx(call, ctx), o.claim);
  const card = claimCard(detail, ctx.now(), { history: true });
  // Every evidence item, a page at a time (Previous/Next open the next pages for the clicker).
  const evidence = await evidencePageReply(ctx.db, call.guildId, detail.claim.number, 1, ctx.now());
  await call.reply({ ...card, embeds: [...(card.embeds ?? []), ...(evidence.embeds ?? [])], components: [...(card.components ?? []), ...(evidence.components ?? [])] });
}

async function evidenceRemove(call: CommandCall, o: Args<'evidence-remove'>, ctx: AppCtx) {
  const { claimNumber } = await removeEvidence(ledgerCtx(call, ctx), { claim: o.claim, id: o.item });
  await call.reply({ ephemeral: true, content: `Evidence item ${o.item} removed from claim #${claimNumber} (recorded in its history).` });
}

async function edit(call: CommandCall, o: Args<'edit'>, ctx: AppCtx) {
  const claim = await editClaim(ledgerCtx(call, ctx), o.claim, {
    claim: o.text,
    checkBy: o['check-by'],
    speaker: o.speaker,
    quote: o.quote,
    sourceUrl: o['source-url'],
    family: o.family,
    criteria: o.criteria,
    ...(o.hedge !== null ? { hedge: o.hedge } : {}),
  });
  await call.reply({ content: `Claim #${claim.number} updated.`, ephemeral: true });
}

async function remove(call: CommandCall, o: Args<'delete'>, ctx: AppCtx) {
  const claim = await deleteClaim(ledgerCtx(call, ctx), o.claim);
  await call.reply({ content: `Claim #${claim.number} (“${safe(claim.text, 200)}”) deleted. Its history is kept.`, ephemeral: true });
}

async function importClaims(call: CommandCall, { pack, file }: Args<'import'>, ctx: AppCtx) {
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

async function extract(call: CommandCall, { url, file }: Args<'extract'>, ctx: AppCtx) {
  if (!url === !file) throw new UserError('Give either a `url` or a `file` (one of the two): a link to the article, or the article as a text or HTML file.');
  await runExtraction(call, ctx, url ? { kind: 'url', url: url.trim() } : { kind: 'file', ref: file! });
}

async function drafts(call: CommandCall, _o: Args<'drafts'>, ctx: AppCtx) {
  await call.reply(await draftsList(ctx, call.guildId, call.member));
}

async function exportClaims(call: CommandCall, o: Args<'export'>, ctx: AppCtx) {
  const format = o.format ?? 'json';
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

const handlers = {
  add,
  list,
  show,
  edit,
  delete: remove,
  'evidence-remove': evidenceRemove,
  import: importClaims,
  export: exportClaims,
  extract,
  drafts,
};

export const execute = bySubcommand(definition, handlers);

export async function autocomplete(call: AutocompleteCall, _args: unknown, ctx: AppCtx): Promise<Choice[]> {
  if (call.focused.name === 'family') return familyChoices(call, ctx);
  return claimChoices(call, ctx);
}
