/**
 * Reviewing what /predict extract found: the intake shared by the slash command and the "Track
 * forecasts" message command, the draft's card (one candidate per page, ephemeral), its buttons
 * (Accept / Edit / Discard / Previous / Next) and the Edit form. Buttons carry only the draft id
 * and the candidate's index; the draft's state is read from the database and the server from the
 * interaction, so a draft survives a restart and no id reaches another server's drafts.
 */
import { TimestampStyles, time } from '@discordjs/formatters';
import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbedField } from 'discord-api-types/v10';
import {
  acceptCandidate,
  createDraft,
  discardCandidate,
  dropCondition,
  duplicateClaims,
  editCandidate,
  foldQuote,
  getDraft,
  listDrafts,
  MAX_DRAFT_CANDIDATES,
  type Draft,
  type DraftCandidate,
} from '../ledger/drafts.js';
import { HEDGE_BANDS, HEDGE_BAND_INFO } from '../ledger/hedge.js';
import { getSettings } from '../ledger/settings.js';
import { todayIn } from '../ledger/dates.js';
import { LIMITS } from '../ledger/limits.js';
import { MAX_CANDIDATES, MAX_TEXT_CHARS, type ArticleInput } from '../extract/types.js';
import { COLORS, safe } from '../kit/render.js';
import { assertReadableLanguage } from '../kit/locale.js';
import type { Translator } from '../i18n/index.js';
import { draftEditIds, draftIds } from '../kit/custom-ids.js';
import { button as buttonFamily, form, ledgerCtx, UserError, type AppCtx, type AttachmentRef, type Member, type Modal, type Reply } from '../kit/types.js';
import { guildScope } from '../ledger/context.js';

export const FORGED_DRAFT = 'That button is not one Hindsight made (or it is from an older version). Run /predict extract again.';

export type ArticleSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; ref: AttachmentRef }
  | { kind: 'text'; text: string; origin: string };

/** What the intake needs of a command call (slash or message command). */
export interface IntakeCall {
  guildId: string;
  member: Member;
  t: Translator;
  defer(opts?: { ephemeral?: boolean }): Promise<void>;
  reply(reply: Reply): Promise<void>;
}

/** Refuses a member when the server keeps extraction to managers. */
export async function assertMayExtract(ctx: AppCtx, guildId: string, member: Member): Promise<void> {
  if (member.isManager) return;
  const settings = await getSettings(guildScope(ctx.db, guildId));
  if (settings.extractBy !== 'members') {
    throw new UserError('Only managers (Manage Server) can turn articles into claims in this server. A manager can open it to members with /settings extract-by:members (their forecasts then wait for a manager).');
  }
}

async function readSource(ctx: AppCtx, guildId: string, source: ArticleSource): Promise<ArticleInput & { origin: string | null }> {
  const tools = ctx.articles!;
  const scope = { guildId, work: ctx.work };
  if (source.kind === 'url') {
    const article = await tools.fetchUrl(source.url, scope);
    return { ...article, url: article.url ?? source.url, origin: null };
  }
  if (source.kind === 'text') return { ...(await tools.fromFile(source.text, 'message.txt', 'text/plain', scope)), origin: source.origin };
  const { ref } = source;
  if (ref.size > LIMITS.maxImportBytes) throw new UserError(`The file is too large (at most ${LIMITS.maxImportBytes / 1_000_000} MB).`);
  const content = await ctx.fetchAttachment(ref, LIMITS.maxImportBytes);
  return { ...(await tools.fromFile(content, ref.name, ref.contentType, scope)), origin: ref.name };
}

/** Reads an article, finds its forecasts and shows the first as a draft card (ephemeral). Writes no claim. */
export async function runExtraction(call: IntakeCall, ctx: AppCtx, source: ArticleSource): Promise<void> {
  if (!ctx.articles) throw new UserError('Reading articles is not available in this installation.');
  // Acknowledge first (ephemerally): reading a link may take seconds; every answer below is private.
  await call.defer({ ephemeral: true });
  await assertMayExtract(ctx, call.guildId, call.member);
  const article = await readSource(ctx, call.guildId, source);
  if (!article.text.trim()) throw new UserError('There is no text to read in that article.');
  await assertReadableLanguage(article.text, call.t);
  const settings = await getSettings(guildScope(ctx.db, call.guildId));
  const now = ctx.now();
  // The engine reads horizons against the article's own date; `today` is for articles without one.
  const candidates = await ctx.articles.candidates(article, { today: todayIn(settings.timezone, now), guildId: call.guildId, work: ctx.work });
  const name = describeArticle(article);
  const unread = unreadNote(article.text.length);
  if (!candidates.length) {
    await call.reply({ ephemeral: true, content: `I found no forecasts in ${name}. Nothing was saved.${unread ? ` ${unread}` : ''}` });
    return;
  }
  const draft = await createDraft(guildScope(ctx.db, call.guildId), call.member.id, article, candidates, now);
  const intro =
    `${foundNote(candidates.length, draft.candidates.length, name)} ${draft.candidates.length === 1 ? 'Review it' : 'Review them one by one'}: nothing enters the ledger until it is accepted. ` +
    `This draft lasts until ${time(draft.expiresAt, TimestampStyles.ShortDateTime)}.${unread ? ` ${unread}` : ''}`;
  await call.reply({ ...(await draftCard(ctx, draft, 0, call.member, { notice: intro })), ephemeral: true });
}

const count = (n: number) => n.toLocaleString('en-US');

/** What was found and what the draft keeps: every forecast past the draft's size is said, not dropped silently. */
export function foundNote(found: number, kept: number, name: string): string {
  const capped = found >= MAX_CANDIDATES;
  const head = `Found ${capped ? 'at least ' : ''}**${count(found)}** forecast${found === 1 ? '' : 's'} in ${name}${capped ? ` (the search stops at ${count(MAX_CANDIDATES)})` : ''}.`;
  if (kept >= found) return head;
  return (
    `${head} This draft keeps the first **${kept}** in reading order (a draft holds at most ${MAX_DRAFT_CANDIDATES}); ` +
    `${capped ? `at least ${count(found - kept)} others` : `the other ${count(found - kept)}`} are not shown. To review them, extract from the rest of the article on its own (a shorter file).`
  );
}

/** Said when the text was longer than the extractor reads, or nothing. */
export function unreadNote(length: number): string | null {
  if (length <= MAX_TEXT_CHARS) return null;
  return `Only the first ${count(MAX_TEXT_CHARS)} characters of its ${count(length)} were read: forecasts past that point were not looked for.`;
}

function describeArticle(a: { title?: string | null; outlet?: string | null; publishedOn?: string | null; url?: string | null; origin?: string | null }): string {
  const parts = [a.title ? `**${safe(a.title, 150)}**` : a.origin ? safe(a.origin, 80) : a.url ? safe(a.url, 120) : 'the text', a.outlet ? safe(a.outlet, 60) : null, a.publishedOn];
  return parts.filter(Boolean).join(' · ');
}

const STATE_LABELS: Record<DraftCandidate['state'], string> = {
  pending: 'waiting for review',
  proposed: 'proposed: a manager must accept it',
  accepted: 'accepted',
  discarded: 'discarded',
};

const button = (label: string, custom_id: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger, disabled = false): APIButtonComponent => ({
  type: ComponentType.Button,
  label,
  custom_id,
  style,
  disabled,
});

export interface CardOptions {
  notice?: string;
  /** Ask to confirm adding a duplicate (after a first Accept). */
  confirmDuplicate?: number[];
}

/** The card of candidate `index` of a draft, as `viewer` sees it. */
export async function draftCard(ctx: AppCtx, draft: Draft, index: number, viewer: Member, opts: CardOptions = {}): Promise<Reply> {
  const i = Math.min(Math.max(index, 0), draft.candidates.length - 1);
  const c = draft.candidates[i]!;
  const open = c.state === 'pending' || c.state === 'proposed';
  const dups = open ? ((await duplicateClaims(guildScope(ctx.db, draft.guildId), [c.quote])).get(foldQuote(c.quote)) ?? []) : [];
  const band = HEDGE_BAND_INFO[c.hedge];
  const fields: APIEmbedField[] = [
    { name: 'Speaker', value: c.speaker ? safe(c.speaker, 200) : '*not attributed*', inline: true },
    { name: 'Family', value: c.family ? safe(c.family, 60) : '*none*', inline: true },
    {
      name: 'Band',
      value: `${band.label} (${band.range[0]}–${band.range[1]}%, implied ${Math.round(band.probability * 1000) / 10}%) · from “${safe(c.hedgePhrase, 80)}”`,
    },
    { name: 'Restatement', value: safe(c.restatement, 1000) },
    {
      name: 'Check by',
      value: c.checkBy ? `${c.checkBy}${c.checkByPhrase ? ` · ${safe(c.checkByPhrase, 200)}` : ''}` : '**none found**: press Edit and give a date before accepting',
    },
  ];
  if (c.condition) fields.push({ name: 'Condition (proposed)', value: `${safe(c.condition, 300)}\nAccept adds it as an event the claim waits on (scored only if it comes true, void if not); drop it to add a plain claim.` });
  if (c.anchor) fields.push({ name: 'Anchor to confirm', value: `${safe(c.anchor, 200)}: check the date above is when it happens (Edit to change it)` });
  if (c.why.length) fields.push({ name: 'Why', value: c.why.map((w) => `• ${safe(w, 200)}`).join('\n') });
  if (dups.length) fields.push({ name: '⚠ Duplicate', value: `The same quote is already claim ${dups.map((n) => `#${n}`).join(', ')}. Accepting adds it again (you will be asked to confirm).` });
  const status = c.state === 'accepted' ? `accepted as claim #${c.claimNumber}` : c.state === 'proposed' && c.proposedBy ? `proposed by <@${c.proposedBy}>: a manager must accept it` : STATE_LABELS[c.state];
  fields.push({ name: 'Status', value: status + (c.edited ? ' · edited' : '') });
  const article = describeArticle(draft.article);
  fields.push({ name: 'Article', value: `${article}${draft.article.url && !article.includes(draft.article.url) ? `\n${safe(draft.article.url, 300)}` : ''}\nDraft expires ${time(draft.expiresAt, TimestampStyles.RelativeTime)}` });

  const canAccept = open && (viewer.isManager || c.state === 'pending');
  const acceptLabel = viewer.isManager ? 'Accept' : 'Propose';
  const last = draft.candidates.length - 1;
  const rows: Reply['components'] = [
    {
      type: ComponentType.ActionRow,
      components: [
        button(acceptLabel, draftIds.encode('a', draft.id, i), ButtonStyle.Success, !canAccept),
        button('Edit', draftIds.encode('e', draft.id, i), ButtonStyle.Primary, !open),
        button('Discard', draftIds.encode('d', draft.id, i), ButtonStyle.Danger, !open),
        button('◀ Previous', draftIds.encode('p', draft.id, Math.max(i - 1, 0)), ButtonStyle.Secondary, i === 0),
        button('Next ▶', draftIds.encode('n', draft.id, Math.min(i + 1, last)), ButtonStyle.Secondary, i === last),
      ],
    },
  ];
  if (c.condition && open && canAccept) {
    rows.push({ type: ComponentType.ActionRow, components: [button('Drop the condition', draftIds.encode('k', draft.id, i), ButtonStyle.Secondary)] });
  }
  if (opts.confirmDuplicate?.length && canAccept) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        button(`Yes, add it again (duplicate of #${opts.confirmDuplicate[0]})`, draftIds.encode('c', draft.id, i), ButtonStyle.Danger),
        button('No, keep it for now', draftIds.encode('v', draft.id, i), ButtonStyle.Secondary),
      ],
    });
  }
  return {
    ...(opts.notice ? { content: opts.notice } : {}),
    embeds: [
      {
        title: `Forecast ${i + 1} of ${draft.candidates.length}${c.state === 'pending' ? '' : ` · ${c.state}`}`,
        description: `> ${safe(c.quote, 1500).replace(/\n/g, '\n> ')}`,
        color: c.state === 'accepted' ? COLORS.resolved : c.state === 'discarded' ? COLORS.neutral : dups.length ? COLORS.flagged : COLORS.open,
        fields,
        footer: { text: `Draft ${draft.id} · ${draft.candidates.filter((x) => x.state === 'accepted').length} accepted · ${draft.candidates.filter((x) => x.state === 'discarded').length} discarded · ${draft.candidates.filter((x) => x.state === 'pending' || x.state === 'proposed').length} to review` },
      },
    ],
    components: rows,
    ephemeral: true,
  };
}

/** The next candidate still to review after `index` (wrapping), or `index` when none is left. */
function nextOpen(draft: Draft, index: number): number {
  const n = draft.candidates.length;
  for (let step = 1; step <= n; step++) {
    const j = (index + step) % n;
    const s = draft.candidates[j]!.state;
    if (s === 'pending' || s === 'proposed') return j;
  }
  return index;
}

function summary(draft: Draft): string {
  const count = (s: DraftCandidate['state']) => draft.candidates.filter((c) => c.state === s).length;
  const n = draft.candidates.length;
  return `${n === 1 ? 'The forecast is' : `All ${n} forecasts are`} reviewed: ${count('accepted')} accepted, ${count('discarded')} discarded${count('proposed') ? `, ${count('proposed')} proposed` : ''}.`;
}

const allReviewed = (draft: Draft) => draft.candidates.every((c) => c.state === 'accepted' || c.state === 'discarded');

/** The Edit form: the five fields a reviewer can change, pre-filled. (The quote stays verbatim.) */
export function editModal(draft: Draft, index: number): Modal {
  const c = draft.candidates[index]!;
  return {
    customId: draftEditIds.encode(draft.id, index),
    title: `Edit forecast ${index + 1} of ${draft.candidates.length}`,
    fields: [
      { id: 'restatement', label: 'Restatement (no stronger than the quote)', style: 'paragraph', required: true, maxLength: LIMITS.claimText, value: c.restatement },
      { id: 'speaker', label: 'Speaker (as the article names them)', maxLength: LIMITS.speaker, value: c.speaker ?? '' },
      { id: 'check-by', label: 'Check by (YYYY-MM-DD or "end of next year")', maxLength: 60, value: c.checkBy ?? '', placeholder: c.anchor ? `confirm the date of: ${c.anchor}` : 'YYYY-MM-DD' },
      { id: 'band', label: 'Band (almost-no-chance … almost-certain)', required: true, maxLength: 20, value: c.hedge, placeholder: HEDGE_BANDS.join(', ') },
      { id: 'family', label: 'Family (e.g. negotiations)', maxLength: LIMITS.family, value: c.family ?? '' },
    ],
  };
}

export const draftButton = buttonFamily({
  ids: draftIds,
  forged: FORGED_DRAFT,
  async handle(call, { action, id, index }, ctx) {
    const lctx = ledgerCtx(call, ctx);
    if (action === 'e') {
      const draft = await getDraft(lctx, id, ctx.now());
      if (draft.ownerId !== call.member.id && !call.member.isManager) throw new UserError('Only the member who ran this extraction or a manager can review its forecasts.');
      if (!draft.candidates[index]) throw new UserError(FORGED_DRAFT);
      await call.showModal(editModal(draft, index));
      return;
    }
    if (action === 'p' || action === 'n' || action === 'v') {
      const draft = await getDraft(lctx, id, ctx.now());
      if (draft.ownerId !== call.member.id && !call.member.isManager) throw new UserError('Only the member who ran this extraction or a manager can review its forecasts.');
      if (!draft.candidates[index]) throw new UserError(FORGED_DRAFT);
      await call.update(await draftCard(ctx, draft, index, call.member));
      return;
    }
    if (action === 'k') {
      const draft = await dropCondition(lctx, id, index);
      await call.update(await draftCard(ctx, draft, index, call.member, { notice: `Forecast ${index + 1}: condition dropped; it is accepted as a plain claim.` }));
      return;
    }
    if (action === 'd') {
      const draft = await discardCandidate(lctx, id, index);
      const notice = allReviewed(draft) ? summary(draft) : `Forecast ${index + 1} discarded.`;
      await call.update(await draftCard(ctx, draft, nextOpen(draft, index), call.member, { notice }));
      return;
    }
    const { draft, result } = await acceptCandidate(lctx, id, index, { confirmDuplicate: action === 'c' });
    if (result.kind === 'duplicate') {
      await call.update(
        await draftCard(ctx, draft, index, call.member, {
          notice: `⚠ The same quote is already claim ${result.of.map((n) => `#${n}`).join(', ')}. Add it again anyway?`,
          confirmDuplicate: result.of,
        }),
      );
      return;
    }
    const done = allReviewed(draft) ? ` ${summary(draft)}` : '';
    const notice =
      result.kind === 'accepted'
        ? `Claim #${result.claim.number} added from forecast ${index + 1} (${HEDGE_BAND_INFO[draft.candidates[index]!.hedge].label}).${done}`
        : `Forecast ${index + 1} proposed: a manager accepts it from /predict drafts.`;
    await call.update(await draftCard(ctx, draft, nextOpen(draft, index), call.member, { notice }));
  },
});

export const draftEditForm = form({
  ids: draftEditIds,
  forged: FORGED_DRAFT,
  async submit(call, parsed, ctx) {
    const field = (id: string) => call.fields.get(id);
    const { draft, refused } = await editCandidate(ledgerCtx(call, ctx), parsed.id, parsed.index, {
      ...(field('restatement') !== undefined ? { restatement: field('restatement')! } : {}),
      ...(field('speaker') !== undefined ? { speaker: field('speaker')! } : {}),
      ...(field('check-by') !== undefined ? { checkBy: field('check-by')! } : {}),
      ...(field('band') !== undefined ? { hedge: field('band')! } : {}),
      ...(field('family') !== undefined ? { family: field('family')! } : {}),
    });
    // the good fields are saved; each refused one is named with why, to fix with Edit again
    const notice = refused.length
      ? `Forecast ${parsed.index + 1} updated, except ${refused.map((r) => `**${r.label}**`).join(' and ')} (not saved): ${refused.map((r) => `${r.label}: ${safe(r.message, 300)}`).join(' ')} Press Edit to fix ${refused.length === 1 ? 'it' : 'them'}.`
      : `Forecast ${parsed.index + 1} updated. Accept it when it reads right.`;
    await call.update(await draftCard(ctx, draft, parsed.index, call.member, { notice }));
  },
});

/** /predict drafts: the live drafts this member may review (managers: everyone's, proposals first). */
export async function draftsList(ctx: AppCtx, guildId: string, member: Member): Promise<Reply> {
  const drafts = await listDrafts(guildScope(ctx.db, guildId), ctx.now(), member.isManager ? undefined : member.id);
  if (!drafts.length) return { ephemeral: true, content: 'There are no drafts to review. /predict extract (or Apps → Track forecasts on a message) makes one.' };
  const open = (d: Draft) => d.candidates.findIndex((c) => c.state === 'proposed' || c.state === 'pending');
  const proposed = (d: Draft) => d.candidates.filter((c) => c.state === 'proposed').length;
  const sorted = [...drafts].sort((a, b) => proposed(b) - proposed(a));
  const lines = sorted.map((d) => {
    const left = d.candidates.filter((c) => c.state === 'pending' || c.state === 'proposed').length;
    return `**Draft ${d.id}** · ${describeArticle(d.article)} · by <@${d.ownerId}> · ${left} to review${proposed(d) ? ` (${proposed(d)} proposed)` : ''} · expires ${time(d.expiresAt, TimestampStyles.RelativeTime)}`;
  });
  const buttons = sorted.slice(0, 25).map((d) => button(`Open draft ${d.id}`, draftIds.encode('v', d.id, Math.max(open(d), 0)), proposed(d) ? ButtonStyle.Primary : ButtonStyle.Secondary));
  const rows: NonNullable<Reply['components']> = [];
  for (let i = 0; i < buttons.length; i += 5) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return { ephemeral: true, embeds: [{ title: 'Drafts to review', description: lines.join('\n').slice(0, 4000), color: COLORS.neutral }], components: rows };
}
