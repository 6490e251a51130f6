/** /predict mine: a member's own forecasts and votes, open and resolved, with their score so far; and its Previous/Next. */
import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import { myClaims } from '../ledger/leaderboard.js';
import { VERDICTS, type Verdict } from '../ledger/rules.js';
import { mineIds } from '../kit/custom-ids.js';
import { COLORS, fitLines, DISCORD_LIMITS, safe } from '../kit/render.js';
import { formatScore, formatSigned } from '../kit/score-text.js';
import { button, CatalogError, type AppCtx, type Reply } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';
import { FORGED } from './vote.js';
import { getMemberSettings, setNotify, type MemberSettings } from '../ledger/notices.js';
import { guildScope } from '../ledger/context.js';

type Mine = Awaited<ReturnType<typeof myClaims>>;

/** The member's direct-message setting, as the footer says it. */
export function dmSettingText(settings: MemberSettings, t: Translator = EN): string {
  if (!settings.notify) return t('mine.dmOff');
  return settings.dmRefusedAt ? t('mine.dmRefused') : t('mine.dmOn');
}

export function minePage(result: Mine, now: Date, settings?: MemberSettings, t: Translator = EN): Reply {
  const lines = result.items.map((c) => {
    const state =
      c.status === 'resolved' ? t(`outcomes.${c.outcome ?? 'void'}`) : c.dueAt > now ? t('mine.open', { date: c.checkBy }) : t('mine.due');
    const what = [
      c.forecast !== null ? t('mine.forecast', { probability: t.number(c.forecast) }) : null,
      c.vote ? t('mine.vote', { verdict: (VERDICTS as readonly string[]).includes(c.vote) ? t(`verdicts.${c.vote as Verdict}`) : c.vote }) : null,
      c.brier !== null ? `Brier **${formatScore(c.brier)}**` : null,
    ]
      .filter(Boolean)
      .join(' · ');
    return `**#${c.number}** ${safe(c.text, 120)} · *${state}* · ${what}`;
  });
  const s = result.score;
  const headline = s
    ? t('mine.score', { brier: formatScore(s.brier), count: s.claims, relative: formatSigned(s.relative) })
    : t('mine.noScore');
  const embed: APIEmbed = {
    title: t('mine.title'),
    description: fitLines([headline, '', ...(lines.length ? lines : [t('mine.empty')])], DISCORD_LIMITS.embedDescription),
    color: COLORS.open,
    footer: { text: `${t('mine.footer', { page: result.page, pages: result.pages, count: result.total })}${settings ? ` · ${dmSettingText(settings, t)}` : ''}` },
  };
  const components: NonNullable<Reply['components']> =
    result.pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('components.previous'), custom_id: mineIds.encode(result.page - 1, 'p'), disabled: result.page <= 1 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('components.next'), custom_id: mineIds.encode(result.page + 1, 'n'), disabled: result.page >= result.pages },
            ],
          },
        ]
      : [];
  return { ephemeral: true, embeds: [embed], components };
}

export async function mineReply(ctx: AppCtx, guildId: string, userId: string, page: number, t: Translator = EN): Promise<Reply> {
  const [result, settings] = await Promise.all([myClaims(guildScope(ctx.db, guildId), userId, { page }), getMemberSettings(guildScope(ctx.db, guildId), userId)]);
  return minePage(result, ctx.now(), settings, t);
}

/** /predict notify: turns the member's direct messages on or off in this server (`dm` left out: says what it is). */
export async function notifyReply(ctx: AppCtx, guildId: string, userId: string, dm: string | null | undefined, t: Translator = EN): Promise<string> {
  if (dm !== null && dm !== undefined && dm !== 'on' && dm !== 'off') throw new CatalogError('mine.badDm');
  const settings = dm ? await setNotify(guildScope(ctx.db, guildId), userId, dm === 'on', ctx.now()) : await getMemberSettings(guildScope(ctx.db, guildId), userId);
  const what = settings.notify ? t('mine.notifyOn') : t('mine.notifyOff');
  return settings.notify && settings.dmRefusedAt ? `${what}\n${t('mine.notifyRefused')}` : what;
}

export const mineButton = button({
  ids: mineIds,
  forged: FORGED,
  async handle(call, { page }, ctx) {
    // Always the clicker's own ledger: the id carries only the page.
    await call.update(await mineReply(ctx, call.guildId, call.member.id, page, call.t));
  },
});
