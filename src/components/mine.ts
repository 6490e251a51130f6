/** /predict mine: a member's own forecasts and votes, open and resolved, with their score so far; and its Previous/Next. */
import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import { myClaims } from '../ledger/leaderboard.js';
import { OUTCOME_LABELS, VERDICT_LABELS, type Verdict } from '../ledger/rules.js';
import { mineIds } from '../kit/custom-ids.js';
import { COLORS, fitLines, DISCORD_LIMITS, safe } from '../kit/render.js';
import { formatScore, formatSigned } from '../kit/score-text.js';
import { button, UserError, type AppCtx, type Reply } from '../kit/types.js';
import { FORGED } from './vote.js';
import { getMemberSettings, setNotify, type MemberSettings } from '../ledger/notices.js';
import { guildScope } from '../ledger/context.js';

type Mine = Awaited<ReturnType<typeof myClaims>>;

/** The member's direct-message setting, as the footer says it. */
export function dmSettingText(settings: MemberSettings): string {
  if (!settings.notify) return 'Direct messages: off (/predict notify)';
  return settings.dmRefusedAt ? 'Direct messages: on, but Discord refused the last one (your privacy settings)' : 'Direct messages: on';
}

export function minePage(result: Mine, now: Date, settings?: MemberSettings): Reply {
  const lines = result.items.map((c) => {
    const state =
      c.status === 'resolved' ? OUTCOME_LABELS[c.outcome ?? 'void'] : c.dueAt > now ? `open, check ${c.checkBy}` : 'due';
    const what = [
      c.forecast !== null ? `forecast ${c.forecast}%` : null,
      c.vote ? `vote ${VERDICT_LABELS[c.vote as Verdict] ?? c.vote}` : null,
      c.brier !== null ? `Brier **${formatScore(c.brier)}**` : null,
    ]
      .filter(Boolean)
      .join(' · ');
    return `**#${c.number}** ${safe(c.text, 120)} · *${state}* · ${what}`;
  });
  const s = result.score;
  const headline = s
    ? `Your score so far: mean Brier **${formatScore(s.brier)}** over ${s.claims} scored claim${s.claims === 1 ? '' : 's'} · vs crowd ${formatSigned(s.relative)} (lower is better)`
    : 'No scored forecasts yet: a forecast is scored once its claim resolves.';
  const embed: APIEmbed = {
    title: 'Your forecasts and votes',
    description: fitLines([headline, '', ...(lines.length ? lines : ['You have not forecast or voted on any claim yet. Use the buttons on a claim card, /forecast or /vote.'])], DISCORD_LIMITS.embedDescription),
    color: COLORS.open,
    footer: { text: `Page ${result.page} of ${result.pages} · ${result.total} claim${result.total === 1 ? '' : 's'}${settings ? ` · ${dmSettingText(settings)}` : ''}` },
  };
  const components: NonNullable<Reply['components']> =
    result.pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: '◀ Previous', custom_id: mineIds.encode(result.page - 1, 'p'), disabled: result.page <= 1 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Next ▶', custom_id: mineIds.encode(result.page + 1, 'n'), disabled: result.page >= result.pages },
            ],
          },
        ]
      : [];
  return { ephemeral: true, embeds: [embed], components };
}

export async function mineReply(ctx: AppCtx, guildId: string, userId: string, page: number): Promise<Reply> {
  const scope = guildScope(ctx.db, guildId);
  const [result, settings] = await Promise.all([myClaims(scope, userId, { page }), getMemberSettings(scope, userId)]);
  return minePage(result, ctx.now(), settings);
}

/** /predict notify: turns the member's direct messages on or off in this server (`dm` left out: says what it is). */
export async function notifyReply(ctx: AppCtx, guildId: string, userId: string, dm: string | null | undefined): Promise<string> {
  if (dm !== null && dm !== undefined && dm !== 'on' && dm !== 'off') throw new UserError('`dm` must be on or off.');
  const scope = guildScope(ctx.db, guildId);
  const settings = dm ? await setNotify(scope, userId, dm === 'on', ctx.now()) : await getMemberSettings(scope, userId);
  const what = settings.notify
    ? `Direct messages are **on**: when a claim you forecast or voted on in this server resolves or is reopened, Hindsight sends you a direct message (at most one per claim and event). Discord delivers them only if your privacy settings allow direct messages from this server's members; if it refuses one, none is tried again until you run \`/predict notify dm:on\` again.`
    : 'Direct messages are **off**: Hindsight sends you none. `/predict notify dm:on` turns them on.';
  const refused = settings.notify && settings.dmRefusedAt ? '\nDiscord refused the last one (your privacy settings): allow direct messages from this server, then run `/predict notify dm:on`.' : '';
  return `${what}${refused}`;
}

export const mineButton = button({
  ids: mineIds,
  forged: FORGED,
  async handle(call, { page }, ctx) {
    // Always the clicker's own ledger: the id carries only the page.
    await call.update(await mineReply(ctx, call.guildId, call.member.id, page));
  },
});
