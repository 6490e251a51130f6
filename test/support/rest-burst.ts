/**
 * A process sending scoring-round messages the way the bot does (the app's REST client, pointed
 * where the app would point it, and its poster), for the REST-exit test: CHANNELS (comma list),
 * PER_CHANNEL messages each, all at once. Prints `done <n>` when every post succeeded.
 * With WAIT_FOR_GO set it prints `ready` once loaded and sends nothing before a line on stdin, so a
 * test can start several of these and let them go together: their bursts overlap however long
 * each took to start.
 */
import { loadConfig } from '../../src/config.js';
import { restApi, restHeaders } from '../../src/app.js';
import { createRestClient } from '../../src/discord/client.js';
import { restPoster } from '../../src/discord/poster.js';

const config = loadConfig();
const poster = restPoster(createRestClient(restApi(config), config.DISCORD_TOKEN!, restHeaders(config)));
const channels = (process.env.CHANNELS ?? '').split(',').filter(Boolean);
const per = Number(process.env.PER_CHANNEL ?? '1');
const tag = process.env.TAG ?? String(process.pid);
if (process.env.WAIT_FOR_GO) {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
}
const posts = channels.flatMap((channel) =>
  Array.from({ length: per }, (_, i) => poster.post(channel, { content: `Scoring round ${tag} · part ${i + 1}` }, { nonce: `${tag}.${channel.slice(-6)}.${i}` })),
);
const results = await Promise.allSettled(posts);
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  process.stdout.write(`failed ${failed.length}: ${String((failed[0] as PromiseRejectedResult).reason)}\n`);
  process.exit(1);
}
process.stdout.write(`done ${results.length}\n`);
process.exit(0);
