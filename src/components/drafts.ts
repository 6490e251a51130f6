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
  type CandidateEdit,
  type DraftCandidate,
} from '../ledger/drafts.js';
import { HEDGE_BANDS, HEDGE_BAND_INFO } from '../ledger/hedge.js';
import { getSettings } from '../ledger/settings.js';
import { guildScope } from '../ledger/context.js';
import { todayIn } from '../ledger/dates.js';
import { LIMITS } from '../ledger/limits.js';
import { MAX_CANDIDATES, MAX_TEXT_CHARS, type ArticleInput } from '../extract/types.js';
import { readAnchor, readCheckByPhrase, readWhy } from '../extract/why.js';
import { COLORS, safe, truncate } from '../kit/render.js';
import { assertReadableLanguage } from '../kit/locale.js';
import { EN, type Translator } from '../i18n/index.js';
import { draftEditIds, draftIds } from '../kit/custom-ids.js';
import { button as buttonFamily, CatalogError, form, ledgerCtx, type AppCtx, type AttachmentRef, type Member, type Modal, type Reply } from '../kit/types.js';

/** What a forged or outdated draft button is refused with (a catalog key). */
export const FORGED_DRAFT = 'drafts.forged';

export type ArticleSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; ref: AttachmentRef }
  | { kind: 'text'; text: string; origin: 'message' };

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
    throw new CatalogError('drafts.managersOnly');
  }
}

async function readSource(ctx: AppCtx, guildId: string, source: ArticleSource, t: Translator): Promise<ArticleInput & { origin: string | null }> {
  const tools = ctx.articles!;
  const scope = { guildId, work: ctx.work };
  if (source.kind === 'url') {
    const article = await tools.fetchUrl(source.url, scope);
    return { ...article, url: article.url ?? source.url, origin: null };
  }
  if (source.kind === 'text') return { ...(await tools.fromFile(source.text, 'message.txt', 'text/plain', scope)), origin: t('drafts.aMessage') };
  const { ref } = source;
  if (ref.size > LIMITS.maxImportBytes) throw new CatalogError('drafts.tooLarge', { mb: LIMITS.maxImportBytes / 1_000_000 });
  const content = await ctx.fetchAttachment(ref, LIMITS.maxImportBytes);
  return { ...(await tools.fromFile(content, ref.name, ref.contentType, scope)), origin: ref.name };
}

/** Reads an article, finds its forecasts and shows the first as a draft card (ephemeral). Writes no claim. */
export async function runExtraction(call: IntakeCall, ctx: AppCtx, source: ArticleSource): Promise<void> {
  if (!ctx.articles) throw new CatalogError('drafts.noArticles');
  // Acknowledge first (ephemerally): reading a link may take seconds; every answer below is private.
  await call.defer({ ephemeral: true });
  await assertMayExtract(ctx, call.guildId, call.member);
  const { t } = call;
  const article = await readSource(ctx, call.guildId, source, t);
  if (!article.text.trim()) throw new CatalogError('drafts.noText');
  await assertReadableLanguage(article.text, call.t);
  const settings = await getSettings(guildScope(ctx.db, call.guildId));
  const now = ctx.now();
  // The engine reads horizons against the article's own date; `today` is for articles without one.
  const candidates = await ctx.articles.candidates(article, { today: todayIn(settings.timezone, now), guildId: call.guildId, work: ctx.work });
  const name = describeArticle(article, t);
  const unread = unreadNote(article.text.length, t);
  if (!candidates.length) {
    await call.reply({ ephemeral: true, content: `${t('drafts.noneFound', { name })}${unread ? ` ${unread}` : ''}` });
    return;
  }
  const draft = await createDraft(guildScope(ctx.db, call.guildId), call.member.id, article, candidates, now);
  const intro =
    `${foundNote(candidates.length, draft.candidates.length, name, t)} ${t(draft.candidates.length === 1 ? 'drafts.reviewOne' : 'drafts.reviewMany')} ` +
    `${t('drafts.lasts', { when: time(draft.expiresAt, TimestampStyles.ShortDateTime) })}${unread ? ` ${unread}` : ''}`;
  await call.reply({ ...(await draftCard(ctx, draft, 0, call.member, t, { notice: intro })), ephemeral: true });
}

/** What was found and what the draft keeps: every forecast past the draft's size is said, not dropped silently. */
export function foundNote(found: number, kept: number, name: string, t: Translator = EN): string {
  const capped = found >= MAX_CANDIDATES;
  const head = capped
    ? t('drafts.foundAtLeast', { count: found, shown: t.number(found), name, max: t.number(MAX_CANDIDATES) })
    : t('drafts.found', { count: found, shown: t.number(found), name });
  if (kept >= found) return head;
  const others = capped ? t('drafts.othersAtLeast', { count: found - kept, shown: t.number(found - kept) }) : t('drafts.others', { count: found - kept, shown: t.number(found - kept) });
  return `${head} ${t('drafts.keeps', { kept, max: MAX_DRAFT_CANDIDATES, others })}`;
}


/** An event anchor in the reader's language when the extractor named it; the article's words as they are. */
export function anchorIn(anchor: string, t: Translator = EN): string {
  const a = readAnchor(anchor);
  return a ? t(`extractWhy.anchor.${a.key}`, a.day ? { day: a.day } : {}) : anchor;
}

/** A check-by phrase in the reader's language when the extractor wrote it; the article's words as they are. */
export function checkByPhraseIn(phrase: string, t: Translator = EN): string {
  const p = readCheckByPhrase(phrase);
  if (!p) return phrase;
  return p.key === 'noHorizon' ? t('extractWhy.checkBy.noHorizon', { count: p.count }) : t('extractWhy.checkBy.asBefore', { phrase: checkByPhraseIn(p.phrase, t) });
}

/**
 * A why line of a candidate (stored in English, src/extract/why.ts) in the reader's language; a line
 * this version does not know is shown as it is.
 */
export function whyIn(line: string, t: Translator = EN): string {
  const w = readWhy(line);
  if (!w) return line;
  switch (w.key) {
    case 'attributed':
      return t('extractWhy.attributed', { form: t(`extractWhy.form.${w.form}`), verb: w.verb });
    case 'attributedInterview':
      return t('extractWhy.attributedInterview');
    case 'unattributed':
      return t('extractWhy.unattributed', { form: t(`extractWhy.form.${w.form}`) });
    case 'expectation':
      return t('extractWhy.expectation', { phrase: w.phrase });
    case 'cue':
      return t(`extractWhy.cue.${w.kind}`, { phrase: w.phrase });
    case 'hedge':
      return t('extractWhy.hedge', { phrase: w.phrase });
    case 'hedgeNegated':
      return t('extractWhy.hedgeNegated', { phrase: w.phrase, band: t(`bands.${w.band}`) });
    case 'anchored':
      return t('extractWhy.anchored', { anchor: anchorIn(w.anchor, t) });
    case 'repeated':
      return t('extractWhy.repeated', { count: w.count });
  }
}

/** Said when the text was longer than the extractor reads, or nothing. */
export function unreadNote(length: number, t: Translator = EN): string | null {
  if (length <= MAX_TEXT_CHARS) return null;
  return t('drafts.unread', { read: t.number(MAX_TEXT_CHARS), length: t.number(length) });
}

function describeArticle(a: { title?: string | null; outlet?: string | null; publishedOn?: string | null; url?: string | null; origin?: string | null }, t: Translator): string {
  const parts = [a.title ? `**${safe(a.title, 150)}**` : a.origin ? safe(a.origin, 80) : a.url ? safe(a.url, 120) : t('drafts.theText'), a.outlet ? safe(a.outlet, 60) : null, a.publishedOn];
  return parts.filter(Boolean).join(' · ');
}

const button = (label: string, custom_id: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger, disabled = false): APIButtonComponent => ({
  type: ComponentType.Button,
  label,
  custom_id,
  style,
  disabled,
});

export interface CardOptions {
  /** Said above the card (already in the viewer's language). */
  notice?: string;
  /** Ask to confirm adding a duplicate (after a first Accept). */
  confirmDuplicate?: number[];
}

/** The card of candidate `index` of a draft, as `viewer` sees it. */
export async function draftCard(ctx: AppCtx, draft: Draft, index: number, viewer: Member, t: Translator, opts: CardOptions = {}): Promise<Reply> {
  const i = Math.min(Math.max(index, 0), draft.candidates.length - 1);
  const c = draft.candidates[i]!;
  const open = c.state === 'pending' || c.state === 'proposed';
  const dups = open ? ((await duplicateClaims(guildScope(ctx.db, draft.guildId), [c.quote])).get(foldQuote(c.quote)) ?? []) : [];
  const band = HEDGE_BAND_INFO[c.hedge];
  const fields: APIEmbedField[] = [
    { name: t('drafts.card.speaker'), value: c.speaker ? safe(c.speaker, 200) : t('drafts.card.notAttributed'), inline: true },
    { name: t('drafts.card.family'), value: c.family ? safe(c.family, 60) : t('drafts.card.none'), inline: true },
    {
      name: t('drafts.card.band'),
      value: t('drafts.card.bandValue', {
        band: t(`drafts.bands.${c.hedge}`),
        low: band.range[0],
        high: band.range[1],
        implied: t.number(Math.round(band.probability * 1000) / 10),
        phrase: safe(c.hedgePhrase, 80),
      }),
    },
    { name: t('drafts.card.restatement'), value: safe(c.restatement, 1000) },
    {
      name: t('drafts.card.checkBy'),
      value: c.checkBy ? `${c.checkBy}${c.checkByPhrase ? ` · ${safe(checkByPhraseIn(c.checkByPhrase, t), 200)}` : ''}` : t('drafts.card.noDate'),
    },
  ];
  if (c.condition) fields.push({ name: t('drafts.card.condition'), value: `${safe(c.condition, 300)}\n${t('drafts.card.conditionHelp')}` });
  if (c.anchor) fields.push({ name: t('drafts.card.anchor'), value: t('drafts.card.anchorHelp', { anchor: safe(anchorIn(c.anchor, t), 200) }) });
  if (c.why.length) fields.push({ name: t('drafts.card.why'), value: c.why.map((w) => `• ${safe(whyIn(w, t), 200)}`).join('\n') });
  if (dups.length) fields.push({ name: t('drafts.card.duplicate'), value: t('drafts.card.duplicateHelp', { claims: dups.map((n) => `#${n}`).join(', ') }) });
  const status =
    c.state === 'accepted'
      ? t('drafts.state.acceptedAs', { number: c.claimNumber ?? '' })
      : c.state === 'proposed' && c.proposedBy
        ? t('drafts.state.proposedBy', { member: `<@${c.proposedBy}>` })
        : t(`drafts.state.${c.state}`);
  fields.push({ name: t('drafts.card.status'), value: status + (c.edited ? ` · ${t('drafts.state.edited')}` : '') });
  const article = describeArticle(draft.article, t);
  fields.push({
    name: t('drafts.card.article'),
    value: `${article}${draft.article.url && !article.includes(draft.article.url) ? `\n${safe(draft.article.url, 300)}` : ''}\n${t('drafts.card.expires', { when: time(draft.expiresAt, TimestampStyles.RelativeTime) })}`,
  });

  const canAccept = open && (viewer.isManager || c.state === 'pending');
  const acceptLabel = viewer.isManager ? t('drafts.button.accept') : t('drafts.button.propose');
  const last = draft.candidates.length - 1;
  const rows: Reply['components'] = [
    {
      type: ComponentType.ActionRow,
      components: [
        button(acceptLabel, draftIds.encode('a', draft.id, i), ButtonStyle.Success, !canAccept),
        button(t('drafts.button.edit'), draftIds.encode('e', draft.id, i), ButtonStyle.Primary, !open),
        button(t('drafts.button.discard'), draftIds.encode('d', draft.id, i), ButtonStyle.Danger, !open),
        button(t('components.previous'), draftIds.encode('p', draft.id, Math.max(i - 1, 0)), ButtonStyle.Secondary, i === 0),
        button(t('components.next'), draftIds.encode('n', draft.id, Math.min(i + 1, last)), ButtonStyle.Secondary, i === last),
      ],
    },
  ];
  if (c.condition && open && canAccept) {
    rows.push({ type: ComponentType.ActionRow, components: [button(t('drafts.button.dropCondition'), draftIds.encode('k', draft.id, i), ButtonStyle.Secondary)] });
  }
  if (opts.confirmDuplicate?.length && canAccept) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        button(t('drafts.button.addAgain', { number: opts.confirmDuplicate[0]! }), draftIds.encode('c', draft.id, i), ButtonStyle.Danger),
        button(t('drafts.button.notNow'), draftIds.encode('v', draft.id, i), ButtonStyle.Secondary),
      ],
    });
  }
  return {
    ...(opts.notice ? { content: opts.notice } : {}),
    embeds: [
      {
        title: `${t('drafts.card.title', { index: i + 1, total: draft.candidates.length })}${c.state === 'pending' ? '' : ` · ${t(`drafts.stateShort.${c.state}`)}`}`,
        description: `> ${safe(c.quote, 1500).replace(/\n/g, '\n> ')}`,
        color: c.state === 'accepted' ? COLORS.resolved : c.state === 'discarded' ? COLORS.neutral : dups.length ? COLORS.flagged : COLORS.open,
        fields,
        footer: {
          text: t('drafts.card.footer', {
            id: draft.id,
            accepted: draft.candidates.filter((x) => x.state === 'accepted').length,
            discarded: draft.candidates.filter((x) => x.state === 'discarded').length,
            open: draft.candidates.filter((x) => x.state === 'pending' || x.state === 'proposed').length,
          }),
        },
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

function summary(draft: Draft, t: Translator): string {
  const count = (s: DraftCandidate['state']) => draft.candidates.filter((c) => c.state === s).length;
  const proposed = count('proposed') ? t('drafts.proposedPart', { proposed: count('proposed') }) : '';
  const vars = { count: draft.candidates.length, accepted: count('accepted'), discarded: count('discarded'), proposed };
  return draft.candidates.length === 1 ? t('drafts.summaryOne', vars) : t('drafts.summaryAll', vars);
}

const allReviewed = (draft: Draft) => draft.candidates.every((c) => c.state === 'accepted' || c.state === 'discarded');

/** The Edit form: the five fields a reviewer can change, pre-filled. (The quote stays verbatim.) */
export function editModal(draft: Draft, index: number, t: Translator = EN): Modal {
  const c = draft.candidates[index]!;
  return {
    customId: draftEditIds.encode(draft.id, index),
    title: t('editForm.title', { index: index + 1, total: draft.candidates.length }),
    fields: [
      { id: 'restatement', label: t('editForm.restatement'), style: 'paragraph', required: true, maxLength: LIMITS.claimText, value: c.restatement },
      { id: 'speaker', label: t('editForm.speaker'), maxLength: LIMITS.speaker, value: c.speaker ?? '' },
      // Dates and bands are typed as the ledger reads them (ISO dates, English phrases, the bands' names).
      {
        id: 'check-by',
        label: t('editForm.checkBy'),
        maxLength: 60,
        value: c.checkBy ?? '',
        placeholder: c.anchor ? truncate(t('editForm.confirmDate', { anchor: c.anchor }), 100) : t('editForm.datePlaceholder'),
      },
      { id: 'band', label: t('editForm.band'), required: true, maxLength: 20, value: c.hedge, placeholder: HEDGE_BANDS.join(', ') },
      { id: 'family', label: t('editForm.family'), maxLength: LIMITS.family, value: c.family ?? '' },
    ],
  };
}

export const draftButton = buttonFamily({
  ids: draftIds,
  forged: FORGED_DRAFT,
  async handle(call, { action, id, index }, ctx) {
    const lctx = ledgerCtx(call, ctx);
    if (action === 'e') {
      const draft = await getDraft(guildScope(ctx.db, call.guildId), id, ctx.now());
      if (draft.ownerId !== call.member.id && !call.member.isManager) throw new CatalogError('drafts.notYours');
      if (!draft.candidates[index]) throw new CatalogError(FORGED_DRAFT);
      await call.showModal(editModal(draft, index, call.t));
      return;
    }
    if (action === 'p' || action === 'n' || action === 'v') {
      const draft = await getDraft(guildScope(ctx.db, call.guildId), id, ctx.now());
      if (draft.ownerId !== call.member.id && !call.member.isManager) throw new CatalogError('drafts.notYours');
      if (!draft.candidates[index]) throw new CatalogError(FORGED_DRAFT);
      await call.update(await draftCard(ctx, draft, index, call.member, call.t));
      return;
    }
    if (action === 'k') {
      const draft = await dropCondition(lctx, id, index);
      await call.update(await draftCard(ctx, draft, index, call.member, call.t, { notice: call.t('drafts.conditionDropped', { index: index + 1 }) }));
      return;
    }
    if (action === 'd') {
      const draft = await discardCandidate(lctx, id, index);
      const notice = allReviewed(draft) ? summary(draft, call.t) : call.t('drafts.discarded', { index: index + 1 });
      await call.update(await draftCard(ctx, draft, nextOpen(draft, index), call.member, call.t, { notice }));
      return;
    }
    const { draft, result } = await acceptCandidate(lctx, id, index, { confirmDuplicate: action === 'c' });
    if (result.kind === 'duplicate') {
      await call.update(
        await draftCard(ctx, draft, index, call.member, call.t, {
          notice: call.t('drafts.duplicateAsk', { claims: result.of.map((n) => `#${n}`).join(', ') }),
          confirmDuplicate: result.of,
        }),
      );
      return;
    }
    const done = allReviewed(draft) ? ` ${summary(draft, call.t)}` : '';
    const notice =
      result.kind === 'accepted'
        ? `${call.t('drafts.accepted', { number: result.claim.number, index: index + 1, band: call.t(`drafts.bands.${draft.candidates[index]!.hedge}`) })}${done}`
        : call.t('drafts.proposed', { index: index + 1 });
    await call.update(await draftCard(ctx, draft, nextOpen(draft, index), call.member, call.t, { notice }));
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
    const t = call.t;
    const fieldName = (r: { field: keyof CandidateEdit }) => t(`drafts.fields.${r.field}`);
    const notice = refused.length
      ? t(refused.length === 1 ? 'drafts.updatedExceptOne' : 'drafts.updatedExceptMany', {
          index: parsed.index + 1,
          fields: new Intl.ListFormat(t.locale, { type: 'conjunction' }).format(refused.map((r) => `**${fieldName(r)}**`)),
          reasons: refused.map((r) => `${fieldName(r)}: ${safe(r.message, 300)}`).join(' '),
        })
      : t('drafts.updated', { index: parsed.index + 1 });
    await call.update(await draftCard(ctx, draft, parsed.index, call.member, t, { notice }));
  },
});

/** /predict drafts: the live drafts this member may review (managers: everyone's, proposals first). */
export async function draftsList(ctx: AppCtx, guildId: string, member: Member, t: Translator = EN): Promise<Reply> {
  const drafts = await listDrafts(guildScope(ctx.db, guildId), ctx.now(), member.isManager ? undefined : member.id);
  if (!drafts.length) return { ephemeral: true, content: t('drafts.noDrafts') };
  const open = (d: Draft) => d.candidates.findIndex((c) => c.state === 'proposed' || c.state === 'pending');
  const proposed = (d: Draft) => d.candidates.filter((c) => c.state === 'proposed').length;
  const sorted = [...drafts].sort((a, b) => proposed(b) - proposed(a));
  const lines = sorted.map((d) => {
    const left = d.candidates.filter((c) => c.state === 'pending' || c.state === 'proposed').length;
    return t(proposed(d) ? 'drafts.listLineProposed' : 'drafts.listLine', {
      id: d.id,
      article: describeArticle(d.article, t),
      owner: `<@${d.ownerId}>`,
      open: left,
      proposed: proposed(d),
      when: time(d.expiresAt, TimestampStyles.RelativeTime),
    });
  });
  const buttons = sorted.slice(0, 25).map((d) => button(t('drafts.button.open', { id: d.id }), draftIds.encode('v', d.id, Math.max(open(d), 0)), proposed(d) ? ButtonStyle.Primary : ButtonStyle.Secondary));
  const rows: NonNullable<Reply['components']> = [];
  for (let i = 0; i < buttons.length; i += 5) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return { ephemeral: true, embeds: [{ title: t('drafts.listTitle'), description: lines.join('\n').slice(0, 4000), color: COLORS.neutral }], components: rows };
}
