/**
 * The fake Discord with a real discord.js Client: login over the gateway, commands,
 * autocomplete, deferred replies, buttons, channel messages and request validation.
 */
import { once } from 'node:events';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo } from '../fake-discord/index.js';

const commands = [
  new SlashCommandBuilder()
    .setName('forecast')
    .setDescription('Record a forecast')
    .addStringOption((o) => o.setName('topic').setDescription('What it is about').setRequired(true).setAutocomplete(true))
    .addIntegerOption((o) => o.setName('confidence').setDescription('Percent').setMinValue(0).setMaxValue(100)),
  new SlashCommandBuilder()
    .setName('settings')
    .setDescription('Server settings')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName('show').setDescription('Show the settings')),
  new SlashCommandBuilder().setName('slow').setDescription('Deferred reply'),
  new SlashCommandBuilder()
    .setName('import')
    .setDescription('Import a file')
    .addAttachmentOption((o) => o.setName('file').setDescription('The file').setRequired(true)),
  new SlashCommandBuilder().setName('silent').setDescription('The bot does not answer this one'),
].map((c) => c.toJSON());

const TOPICS = ['inflation', 'interest rates', 'elections', 'energy prices'];

async function onInteraction(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused().toLowerCase();
    await interaction.respond(TOPICS.filter((t) => t.includes(typed)).map((t) => ({ name: t, value: t })));
    return;
  }
  if (interaction.isButton()) {
    await interaction.update({ content: `Voted ${interaction.customId.split(':')[1]}`, embeds: [], components: [] });
    return;
  }
  if (!interaction.isChatInputCommand()) return;
  switch (interaction.commandName) {
    case 'forecast': {
      const embed = new EmbedBuilder()
        .setTitle(`Forecast: ${interaction.options.getString('topic', true)}`)
        .setDescription(`Confidence ${interaction.options.getInteger('confidence') ?? 50}%`);
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('vote:yes').setLabel('Came true').setStyle(ButtonStyle.Success),
        new ButtonBuilder().setCustomId('vote:no').setLabel('Did not').setStyle(ButtonStyle.Danger),
      );
      await interaction.reply({ embeds: [embed], components: [row] });
      return;
    }
    case 'settings': {
      const canManage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
      await interaction.reply({ content: `manager=${canManage}`, flags: MessageFlags.Ephemeral });
      return;
    }
    case 'slow':
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await interaction.editReply({ content: 'done' });
      return;
    case 'import': {
      const file = interaction.options.getAttachment('file', true);
      const text = await (await fetch(file.url)).text();
      await interaction.reply({ content: `imported ${file.name}: ${text}` });
      return;
    }
    default:
      return;
  }
}

describe('fake Discord with a real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: FakeGuildInfo;
  const handlerErrors: unknown[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord();
    guild = fake.addGuild({ name: 'Hindsight Test' });
    client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { api: fake.apiUrl },
      allowedMentions: { parse: [] },
    });
    client.on(Events.InteractionCreate, (interaction) => {
      onInteraction(interaction).catch((error: unknown) => handlerErrors.push(error));
    });
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('logs in over the gateway with the Guilds intent only', () => {
    expect(client.guilds.cache.get(guild.id)?.name).toBe('Hindsight Test');
    expect(client.channels.cache.has(guild.defaultChannelId)).toBe(true);
    expect(fake.identify?.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.identify?.query.encoding).toBe('json');
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.applicationId);
  });

  it('stores application commands put by the bot', async () => {
    await client.application!.commands.set(commands);
    await client.application!.commands.set(commands, guild.id);
    expect(fake.stats.commandPuts.global).toBe(1);
    expect(fake.stats.commandPuts.guild[guild.id]).toBe(1);
    const settings = fake.commands().find((c) => c.name === 'settings');
    expect(settings?.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(settings?.application_id).toBe(fake.applicationId);
    // An identical PUT keeps ids and versions.
    const before = fake.commands();
    await client.application!.commands.set(commands);
    expect(fake.commands().map((c) => [c.id, c.version])).toEqual(before.map((c) => [c.id, c.version]));
    // Guild commands are no longer needed for the rest of the test.
    await client.application!.commands.set([], guild.id);
    expect(fake.commands(guild.id)).toEqual([]);
  });

  it('answers a command with an embed and buttons, then updates on a click', async () => {
    const reply = await fake.sendCommand(guild.id, 'user-1', { name: 'forecast', options: { topic: 'inflation', confidence: 70 } }).reply();
    expect(reply.type).toBe(4);
    expect(reply.ephemeral).toBe(false);
    expect(reply.embeds[0]?.title).toBe('Forecast: inflation');
    expect(reply.embeds[0]?.description).toBe('Confidence 70%');
    expect(reply.components).toHaveLength(1);
    expect(fake.messages(guild.defaultChannelId).map((m) => m.id)).toContain(reply.messageId);

    const click = fake.clickButton(guild.id, 'user-2', { customId: 'vote:yes', messageId: reply.messageId });
    expect((click.payload.message as { id: string }).id).toBe(reply.messageId);
    const updated = await click.reply();
    expect(updated.type).toBe(7);
    expect(updated.messageId).toBe(reply.messageId);
    expect(updated.content).toBe('Voted yes');
    expect(updated.components).toEqual([]);
    expect(fake.message(reply.messageId)?.content).toBe('Voted yes');
  });

  it('gives members permissions (manager bit) and nests subcommands', async () => {
    const asManager = await fake.sendCommand(guild.id, { id: 'manager-1', manager: true }, { name: 'settings', subcommand: 'show' }).reply();
    expect(asManager.content).toBe('manager=true');
    expect(asManager.ephemeral).toBe(true);
    const asMember = await fake.sendCommand(guild.id, 'member-1', { name: 'settings', subcommand: 'show' }).reply();
    expect(asMember.content).toBe('manager=false');
  });

  it('returns autocomplete choices', async () => {
    const choices = await fake.sendAutocomplete(guild.id, 'user-1', { name: 'forecast', focused: 'topic', options: { topic: 'in' } }).choices();
    expect(choices.map((c) => c.name)).toEqual(['inflation', 'interest rates']);
  });

  it('waits for the edit after a deferred reply', async () => {
    const handle = fake.sendCommand(guild.id, 'user-1', { name: 'slow' });
    const reply = await handle.reply();
    expect(reply.deferred).toBe(true);
    expect(reply.source).toBe('edit');
    expect(reply.content).toBe('done');
    expect(reply.ephemeral).toBe(true);
    expect((await handle.response()).type).toBe(5);
  });

  it('serves command attachments from its own HTTP server', async () => {
    const file = fake.attachment({ filename: 'ledger.csv', content: 'a,b\n1,2', contentType: 'text/csv' });
    const reply = await fake.sendCommand(guild.id, 'user-1', { name: 'import', options: { file } }).reply();
    expect(reply.content).toBe('imported ledger.csv: a,b\n1,2');
  });

  it('reports what was received when no reply comes', async () => {
    await expect(fake.sendCommand(guild.id, 'user-1', { name: 'silent' }).reply(150)).rejects.toThrow(/no a visible reply|no callback/);
  });

  it('stores messages the bot sends to channels, with files', async () => {
    const channel = (await client.channels.fetch(guild.defaultChannelId)) as TextChannel;
    const sent = await channel.send({ content: 'Reminder: <@123> check your forecast', files: [{ attachment: Buffer.from('hello'), name: 'note.txt' }] });
    const stored = fake.messages(guild.defaultChannelId).find((m) => m.id === sent.id);
    expect(stored?.content).toBe('Reminder: <@123> check your forecast');
    expect(stored?.files[0]?.data.toString()).toBe('hello');
    expect(stored?.pingedUserIds).toEqual([]); // allowedMentions: { parse: [] }
    await sent.edit({ content: 'edited' });
    expect(fake.message(sent.id)?.content).toBe('edited');
  });

  it('answers 10003 for deleted and 50001 for denied channels', async () => {
    const gone = fake.addChannel(guild.id, { name: 'gone' });
    const denied = fake.addChannel(guild.id, { name: 'denied' });
    fake.deleteChannel(gone.id, { notify: false });
    fake.denyChannel(denied.id, { notify: false });
    const post = (id: string) => client.rest.post(Routes.channelMessages(id), { body: { content: 'hi' } });
    await expect(post(gone.id)).rejects.toMatchObject({ code: 10003, status: 404 });
    await expect(post(denied.id)).rejects.toMatchObject({ code: 50001, status: 403 });
  });

  it('recorded no violations for everything above', () => {
    expect(handlerErrors).toEqual([]);
    fake.assertNoViolations();
    expect(fake.requests.every((r) => r.status !== 0)).toBe(true);
  });

  it('records invalid bodies as violations and rejects them like Discord', async () => {
    const tooLong = client.rest.post(Routes.channelMessages(guild.defaultChannelId), { body: { content: 'x'.repeat(2001) } });
    await expect(tooLong).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(tooLong).rejects.toMatchObject({ code: 50035 });
    expect(fake.violations.at(-1)).toMatchObject({ kind: 'limit', route: '/channels/{channel_id}/messages' });
    expect(fake.violations.at(-1)?.errors.join()).toMatch(/content is 2001 characters; the limit is 2000/);

    const handle = fake.sendCommand(guild.id, 'user-1', { name: 'silent' });
    const noCustomId = client.rest.post(Routes.interactionCallback(handle.id, handle.token), {
      auth: false,
      body: { type: 4, data: { content: 'x', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'No id' }] }] } },
    });
    await expect(noCustomId).rejects.toMatchObject({ code: 50035 });
    expect(fake.violations.at(-1)?.errors.join()).toMatch(/button without custom_id/);

    const badSchema = client.rest.post(Routes.channelMessages(guild.defaultChannelId), { body: { content: 'x', embeds: [{ color: 'red' }] } });
    await expect(badSchema).rejects.toMatchObject({ code: 50035 });
    expect(fake.violations.at(-1)).toMatchObject({ kind: 'schema' });

    expect(() => fake.assertNoViolations()).toThrow(/3 violation\(s\)/);
    fake.clearViolations();
  });
});

describe('fake Discord rate limits and injected failures', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: FakeGuildInfo;

  beforeAll(async () => {
    fake = await startFakeDiscord({ rateLimits: { channelMessages: { limit: 5, windowMs: 600 } } });
    guild = fake.addGuild();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, allowedMentions: { parse: [] } });
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('announces the per-channel bucket so discord.js waits instead of hitting 429', async () => {
    const channel = client.channels.cache.get(guild.defaultChannelId) as TextChannel;
    const started = Date.now();
    await Promise.all(Array.from({ length: 7 }, (_, i) => channel.send(`reminder ${i}`)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500); // the 6th send waited for the window
    expect(fake.messages(guild.defaultChannelId)).toHaveLength(7);
    expect(fake.stats.rateLimited).toBe(0);
    const first = fake.requests.find((r) => r.route === '/channels/{channel_id}/messages');
    expect(first?.status).toBe(200);
  });

  it('answers 429 to clients that ignore the bucket', async () => {
    const id = fake.addChannel(guild.id, { name: 'raw' }).id;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${fake.apiUrl}/v10/channels/${id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: `raw ${i}` }),
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('1');
        expect(await res.json()).toMatchObject({ message: 'You are being rate limited.', global: false });
      } else {
        expect(res.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(fake.stats.rateLimited).toBe(1);
  });

  it('injects failures that discord.js retries (5xx) or waits out (429)', async () => {
    const channel = client.channels.cache.get(guild.defaultChannelId) as TextChannel;
    fake.failNext(2, 500, { match: 'POST /channels/{channel_id}/messages' });
    await channel.send('after two 500s');
    fake.failNext(1, 429, { retryAfterMs: 50 });
    await channel.send('after a 429');
    expect(fake.stats.injectedFailures).toBe(3);
    expect(fake.requests.filter((r) => r.injected).map((r) => r.status)).toEqual([500, 500, 429]);
    fake.assertNoViolations();
  });
});
