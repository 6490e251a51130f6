/**
 * The evidence views: the card's Evidence field and Add evidence button, the paged list of
 * /predict show, the Add evidence form and the line posted in a claim's thread.
 *
 * A link is shown as the URL itself (linkText: nothing a member typed can mask it), a note is
 * escaped (safe), a member is a mention that never pings (allowed mentions none everywhere).
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { EvidenceItem, EvidenceSummary } from '../ledger/evidence.js';
import { LIMITS } from '../ledger/limits.js';
import { evidenceFormIds, evidenceIds } from './custom-ids.js';
import { DISCORD_LIMITS, fitLines } from './limits.js';
import { COLORS, evidenceLine, sideCounts } from './render.js';
import { EN, LANGUAGES, translator, type Translator } from '../i18n/index.js';
import type { Modal, Reply } from './types.js';

/** The Add evidence form: a link, a note, the side it supports. */
export function evidenceModal(number: number, t: Translator = EN): Modal {
  return {
    customId: evidenceFormIds.encode(number),
    title: t('evidenceForm.title', { number }),
    fields: [
      { id: 'link', label: t('evidenceForm.link'), maxLength: LIMITS.url, required: false, placeholder: 'https://…' },
      { id: 'note', label: t('evidenceForm.note'), style: 'paragraph', maxLength: LIMITS.evidence, required: false },
      // The side is typed in English (the values parseSide reads), whatever the form's language.
      { id: 'side', label: t('evidenceForm.side'), maxLength: 20, required: false, value: 'context' },
    ],
  };
}

/** A page of a claim's items, oldest first, with Previous/Next. */
export function evidencePage(
  number: number,
  list: { items: EvidenceItem[]; total: number; pages: number },
  page: number,
  summary: EvidenceSummary | null,
  t: Translator = EN,
): { embed: APIEmbed; row: APIActionRowComponent<APIButtonComponent> | null } {
  const head = summary ? (summary.total ? `${sideCounts(summary, t)}\n` : '') : list.total ? `${t('evidenceView.sidesHidden')}\n` : '';
  const body = list.items.length
    ? fitLines(list.items.map((i) => evidenceLine(i, { id: true, blind: !summary }, t)), DISCORD_LIMITS.embedDescription - head.length - 10)
    : t('evidenceView.empty');
  const embed: APIEmbed = {
    title: list.pages > 1 ? t('evidenceView.titlePaged', { number, page, pages: list.pages }) : t('evidenceView.title', { number }),
    description: head + body,
    color: COLORS.neutral,
  };
  if (list.pages <= 1) return { embed, row: null };
  const nav = (label: string, to: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: evidenceIds.encode('p', number, Math.max(1, to)),
    disabled,
  });
  return { embed, row: { type: ComponentType.ActionRow, components: [nav(t('render.previous'), page - 1, page <= 1), nav(t('render.next'), page + 1, page >= list.pages)] } };
}

/** Whether an embed is claim #number's evidence list (a page of it, in any language): what /predict show puts under the card. */
export function isEvidenceList(embed: APIEmbed, number: number): boolean {
  const title = embed.title ?? '';
  return LANGUAGES.some((code) => {
    const base = translator(code)('evidenceView.title', { number });
    return title === base || title.startsWith(`${base} (`);
  });
}

/** The message posted in a claim's thread for a new item. */
export function threadPost(number: number, item: EvidenceItem, blind = false, t: Translator = EN): Reply {
  return { content: t('thread.newEvidence', { number, line: evidenceLine(item, { blind }, t) }) };
}
