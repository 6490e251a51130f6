import { time, TimestampStyles } from '@discordjs/formatters';
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord-api-types/v10';
import { addClaim, deletableClaim, editClaim } from '../src/ledger/claims.js';
import { guildScope } from '../src/ledger/context.js';
import { claimDetail, listClaims, searchClaims, STATUS_FILTERS, type StatusFilter } from '../src/ledger/claim-queries.js';
import { memberNames } from '../src/ledger/audit.js';
import { bundledPacks, exportFiles, importLedger } from '../src/ledger/transfer.js';
import { LIMITS } from '../src/ledger/limits.js';
import { claimCard, DISCORD_LIMITS, listPage, safe, truncate } from '../src/kit/render.js';
import { describeChanges } from '../src/kit/audit-text.js';
import { serverT } from '../src/kit/locale.js';
import { bySubcommand, CatalogError, ledgerCtx, UserError, type AppCtx, type AutocompleteCall, type Choice, type CommandCall } from '../src/kit/types.js';
import { deleteQuestion } from '../src/components/delete.js';
import { HEDGE_BANDS, HEDGE_BAND_INFO } from '../src/ledger/hedge.js';
import { draftsList, runExtraction } from '../src/components/drafts.js';
import { evidencePageReply } from '../src/components/evidence.js';
import { removeEvidence } from '../src/ledger/evidence.js';
import { mineReply, notifyReply } from '../src/components/mine.js';
import { chatInputCommand, type SubcommandArguments, type SubcommandName } from '../src/kit/options.js';
import { claimChoices, claimOption, familyChoices } from '../src/kit/shared-options.js';
import { QUERY_MAX } from '../src/kit/custom-ids.js';

/** The highest claim number the ledger can hold (PostgreSQL's integer). */
const MAX_CLAIM_NUMBER = 2_147_483_647;

const checkByHelp = 'YYYY-MM-DD, "in 3 months", "end of next year"; conditional: "90 days after"';

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
        {
          type: Text,
          name: 'condition',
          description: 'Only if this claim or event comes true (#4); then check-by may be "90 days after"',
          required: false,
          autocomplete: true,
          max_length: 100,
        },
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
            { name: 'Waiting on a condition', value: 'waiting' },
            { name: 'All', value: 'all' },
          ],
        },
        { type: Text, name: 'family', description: 'Only this family', required: false, max_length: LIMITS.family, autocomplete: true },
        { type: Text, name: 'speaker', description: 'Only speakers whose name contains this', required: false, max_length: 40 },
        { type: Text, name: 'query', description: 'Words to find in the claim, its quote or its speaker', required: false, max_length: QUERY_MAX },
        { type: Integer, name: 'page', description: 'Page number', required: false, min_value: 1, max_value: 100000 },
      ],
    },
    { type: Subcommand, name: 'show', description: 'Everything about one claim', options: [claimOption()] },
    {
      type: Subcommand,
      name: 'mine',
      description: 'Your forecasts and votes, open and resolved, with your score so far',
      options: [{ type: Integer, name: 'page', description: 'Page number', required: false, min_value: 1, max_value: 100000 }],
    },
    {
      type: Subcommand,
      name: 'notify',
      description: 'A direct message when a claim you forecast or voted on resolves or is reopened',
      options: [
        {
          type: Text,
          name: 'dm',
          description: 'On or off (leave out to see your setting)',
          required: false,
          choices: [
            { name: 'On', value: 'on' },
            { name: 'Off', value: 'off' },
          ],
        },
      ],
    },
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
          name: 'condition',
          description: 'Hang it on this claim or event (#4), or none to drop its condition',
          required: false,
          autocomplete: true,
          max_length: 100,
        },
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
        { type: Integer, name: 'from', description: 'Start at this claim number (a large ledger comes in several replies)', required: false, min_value: 1, max_value: MAX_CLAIM_NUMBER },
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
    condition: o.condition,
  });
  const detail = await claimDetail(ledgerCtx(call, ctx), claim.number);
  // A public post: in the server's language.
  const pt = await serverT(call, ctx);
  const condition = detail.condition?.number ?? '';
  const when =
    claim.status === 'waiting'
      ? claim.conditionDays !== null
        ? pt('predict.addedWaitsDays', { condition, count: claim.conditionDays })
        : pt('predict.addedWaitsDate', { condition, date: claim.checkBy })
      : claim.status === 'resolved'
        ? pt('predict.addedResolved', { note: claim.resolutionNote ?? pt(`outcomes.${claim.outcome ?? 'void'}`) })
        : pt('predict.addedDue', { when: ts(claim.dueAt) });
  await call.reply({
    content: `${pt('predict.added', { number: claim.number })} ${when}`,
    ...claimCard(detail, ctx.now(), {}, pt),
  });
}

async function list(call: CommandCall, o: Args<'list'>, ctx: AppCtx) {
  const status: StatusFilter = o.status ?? 'all';
  if (!STATUS_FILTERS.includes(status)) throw new CatalogError('predict.badStatus');
  const state = { status, page: o.page ?? 1, family: o.family, speaker: o.speaker, query: o.query };
  const result = await listClaims(ledgerCtx(call, ctx), state);
  await call.reply(listPage(result, { ...state, page: result.page }, ctx.now(), await serverT(call, ctx)));
}

async function mine(call: CommandCall, o: Args<'mine'>, ctx: AppCtx) {
  await call.reply(await mineReply(ctx, call.guildId, call.member.id, o.page ?? 1, call.t));
}

async function notify(call: CommandCall, o: Args<'notify'>, ctx: AppCtx) {
  await call.reply({ ephemeral: true, content: await notifyReply(ctx, call.guildId, call.member.id, o.dm, call.t) });
}

async function show(call: CommandCall, o: Args<'show'>, ctx: AppCtx) {
  const detail = await claimDetail(ledgerCtx(call, ctx), o.claim);
  // Before the check date the crowd's median is shown only to a member who forecast: then the card is theirs alone.
  const crowdBeforeDue = detail.crowd !== null && detail.claim.dueAt > ctx.now();
  // Public in the server's language; the member's own (ephemeral) card in theirs.
  const t = crowdBeforeDue ? call.t : await serverT(call, ctx);
  const card = claimCard(detail, ctx.now(), { history: true }, t);
  // Every evidence item, a page at a time (Previous/Next open the next pages for the clicker).
  const evidence = await evidencePageReply(guildScope(ctx.db, call.guildId), detail.claim.number, 1, ctx.now(), t);
  await call.reply({
    ...card,
    embeds: [...(card.embeds ?? []), ...(evidence.embeds ?? [])],
    components: [...(card.components ?? []), ...(evidence.components ?? [])],
    ...(crowdBeforeDue ? { ephemeral: true } : {}),
  });
}

async function evidenceRemove(call: CommandCall, o: Args<'evidence-remove'>, ctx: AppCtx) {
  const { claimNumber } = await removeEvidence(ledgerCtx(call, ctx), { claim: o.claim, item: o.item });
  await call.reply({ ephemeral: true, content: call.t('predict.evidenceRemoved', { item: o.item, number: claimNumber }) });
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
    condition: o.condition,
    ...(o.hedge !== null ? { hedge: o.hedge } : {}),
  });
  const updated = call.t('predict.updated', { number: claim.number, changes: describeChanges(claim.changes) });
  const due = 'checkBy' in claim.changes ? ` ${call.t('predict.addedDue', { when: ts(claim.dueAt) })}` : '';
  await call.reply({ content: `${updated}${due}`, ephemeral: true });
}

/** /predict delete asks first: the claim, what deleting does, and Delete / Keep buttons (checked again on the click: src/components/delete.ts). */
async function remove(call: CommandCall, o: Args<'delete'>, ctx: AppCtx) {
  const claim = await deletableClaim(ledgerCtx(call, ctx), o.claim);
  await call.reply(deleteQuestion(claim, call.t));
}

async function importClaims(call: CommandCall, { pack, file }: Args<'import'>, ctx: AppCtx) {
  if (!call.member.isManager) throw new CatalogError('predict.importManagers');
  if (!pack === !file) throw new CatalogError('predict.importOneOfTwo');
  await call.defer({ ephemeral: true });
  let source: { packId: string } | { raw: string };
  if (pack) source = { packId: pack };
  else {
    if (file!.size > LIMITS.maxImportBytes) throw new CatalogError('drafts.tooLarge', { mb: LIMITS.maxImportBytes / 1_000_000 });
    source = { raw: await ctx.fetchAttachment(file!, LIMITS.maxImportBytes) };
  }
  // The file is parsed and checked on the worker pool; only the writing happens here, in batches.
  const result = await importLedger(ledgerCtx(call, ctx), source, {
    prepare: (raw, scope) => ctx.work.run(call.guildId, 'import.prepare', { raw, scope }),
  });
  const { t } = call;
  const name = safe(result.name, 120);
  const added = result.numbers.length
    ? t('predict.importAddedRange', { count: result.added, first: result.numbers[0]!, last: result.numbers[result.numbers.length - 1]! })
    : t('predict.importAdded', { count: result.added });
  const parts = [
    added,
    ...(result.updated ? [t('predict.importUpdated', { count: result.updated })] : []),
    result.updated ? t('predict.importSkippedUnchanged', { count: result.skipped }) : t('predict.importSkipped', { count: result.skipped }),
  ];
  // Said only of what was imported: a file whose claims were all here already brought no votes or forecasts.
  const origin = result.foreign && result.added ? `\n${t('predict.importForeign')}` : '';
  const nothing = !result.added && !result.updated && result.skipped ? `\n${t('predict.importNothingNew')}` : '';
  await call.reply({
    ephemeral: true,
    content: `${t('predict.imported', { name, parts: parts.join(', ') })}${origin}${nothing}`,
  });
}

async function extract(call: CommandCall, { url, file }: Args<'extract'>, ctx: AppCtx) {
  if (!url === !file) throw new CatalogError('predict.extractOneOfTwo');
  await runExtraction(call, ctx, url ? { kind: 'url', url: url.trim() } : { kind: 'file', ref: file! });
}

async function drafts(call: CommandCall, _o: Args<'drafts'>, ctx: AppCtx) {
  await call.reply(await draftsList(ctx, call.guildId, call.member, call.t));
}

async function exportClaims(call: CommandCall, o: Args<'export'>, ctx: AppCtx) {
  const format = o.format ?? 'json';
  const from = o.from ?? 1;
  // Discord enforces the option's range; a forged or replayed payload may not: refuse it here, as Discord would.
  if (!Number.isSafeInteger(from) || from < 1 || from > MAX_CLAIM_NUMBER) throw new CatalogError('predict.exportBadFrom', { max: MAX_CLAIM_NUMBER });
  await call.defer({ ephemeral: true });
  const memberData = call.member.isManager;
  // Names beside member ids in the CSV, where the server's audit trail knows them (member data: managers only).
  const names = format === 'csv' && memberData ? new Map([...(await memberNames(guildScope(ctx.db, call.guildId))), [call.member.id, call.member.displayName]]) : undefined;
  const batch = await exportFiles(guildScope(ctx.db, call.guildId), { memberData, now: ctx.now(), format, from, ...(names ? { names } : {}) });
  const stamp = ctx.now().toISOString().slice(0, 10);
  const ext = format === 'csv' ? 'csv' : 'json';
  const whole = batch.next === null && from === 1 && batch.files.length === 1;
  const claimsIn = batch.files.reduce((n, f) => n + f.claims, 0);
  const { t } = call;
  if (!claimsIn && from > 1) {
    await call.reply({ ephemeral: true, content: t('predict.exportNone', { from }) });
    return;
  }
  const range = (f: { first: number; last: number }) => (f.first === f.last ? `#${f.first}` : `#${f.first}–#${f.last}`);
  const trimmed = batch.trimmed.map((n) => `#${n}`).join(', ');
  const notes = [
    memberData ? null : t('predict.exportClaimsOnly'),
    memberData && batch.hidden ? t('predict.exportHidden', { count: batch.hidden }) : null,
    batch.trimmed.length ? t(batch.trimmed.length === 1 ? 'predict.exportTrimmedOne' : 'predict.exportTrimmedMany', { claims: trimmed }) : null,
    batch.files.length > 1 && format === 'json' ? t('predict.exportFiles', { count: batch.files.length, ranges: batch.files.map(range).join(', ') }) : null,
    batch.next !== null ? t('predict.exportMore', { command: `/predict export${format === 'csv' ? ' format:csv' : ''} from:${batch.next}` }) : null,
  ].filter(Boolean);
  const heading = whole
    ? t('predict.exportWhole', { count: claimsIn, format: format.toUpperCase() })
    : t('predict.exportPart', { count: claimsIn, format: format.toUpperCase(), range: range({ first: batch.files[0]!.first, last: batch.files.at(-1)!.last }) });
  await call.reply({
    ephemeral: true,
    content: `${heading}${notes.length ? `\n${notes.join('\n')}` : ''}`,
    files: batch.files.map((f) => ({ name: whole ? `hindsight-${stamp}.${ext}` : `hindsight-${stamp}-claims-${f.first}-${f.last}.${ext}`, data: Buffer.from(f.body, 'utf8') })),
  });
}

const handlers = {
  add,
  list,
  mine,
  notify,
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
  if (call.focused.name === 'condition') {
    // Any claim or event of the server, as for `claim` (one whose condition failed is refused with a reason when chosen).
    const rows = await searchClaims(guildScope(ctx.db, call.guildId), call.focused.value, DISCORD_LIMITS.choices);
    return rows.map((r) => ({ name: truncate(`#${r.number} · ${r.status === 'resolved' ? `${call.t('predict.resolvedMark')} ` : ''}${r.text.replace(/\s+/g, ' ')}`, DISCORD_LIMITS.choiceName), value: String(r.number) }));
  }
  return claimChoices(call, ctx);
}
