/**
 * The peer: the floor any vote bot pays. A minimal discord.js 14 bot with our client's intents,
 * caches and sweepers (it is built by src/discord/client.ts's createClient), that stores a vote
 * with one upsert (postgres.js, same PostgreSQL, same pool size, the same votes table and
 * last-click-wins rule) and answers the click with one ephemeral reply (callback type 4). No
 * audit, no round check, no card refresh. It answers autocomplete with one choice, so the memory
 * bench can tell when it has handled every event before.
 *
 *   DISCORD_TOKEN, DISCORD_API_URL, DATABASE_URL   as the bot takes them
 */
import { Events, MessageFlags } from 'discord.js';
import postgres from 'postgres';
import { createClient } from '../src/discord/client.js';

const VERDICTS: Record<string, string> = { came_true: 'Came true', partly: 'Partly', did_not: 'Did not', too_early: 'Too early' };

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const client = createClient(process.env.DISCORD_API_URL ?? 'https://discord.com/api');

client.on(Events.InteractionCreate, async (interaction) => {
  try {
    if (interaction.isAutocomplete()) {
      await interaction.respond([{ name: 'peer', value: 'peer' }]);
      return;
    }
    if (!interaction.isButton() || !interaction.inGuild()) return;
    const [, number, verdict] = interaction.customId.split(':');
    if (!number || !verdict || !VERDICTS[verdict]) return;
    await sql`
      insert into votes (guild_id, claim_id, round, user_id, verdict, cast_at)
      select ${interaction.guildId}, c.id, c.round, ${interaction.user.id}, ${verdict}::verdict, ${interaction.createdAt}
      from claims c where c.guild_id = ${interaction.guildId} and c.number = ${Number(number)}
      on conflict (claim_id, round, user_id) do update
        set verdict = excluded.verdict, cast_at = excluded.cast_at where votes.cast_at <= excluded.cast_at`;
    await interaction.reply({ content: `You voted **${VERDICTS[verdict]}** on claim #${number}.`, flags: MessageFlags.Ephemeral });
  } catch (error) {
    process.stderr.write(`peer: ${error instanceof Error ? error.message : String(error)}\n`);
  }
});
client.once(Events.ClientReady, () => process.stdout.write('peer ready\n'));

const stop = async () => {
  await client.destroy();
  await sql.end({ timeout: 5 });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

// Open the pool and load postgres.js's type table before the first click (our bot does it by migrating at start).
await Promise.all(Array.from({ length: 10 }, () => sql`select 1 from votes limit 1`));
await client.login(process.env.DISCORD_TOKEN);
