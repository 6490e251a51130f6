// Experiment preload (bench only, never used by the bot itself): what the change proposed for
// src/discord/client.ts would do. Discord does not count interaction follow-ups and edits of
// @original (POST/PATCH /webhooks/{application}/{interaction token}) against the bot's global
// 50 requests/s, but @discordjs/rest counts every request except the interaction callback.
// Here those webhook requests go through a second REST manager without a global limit; their
// per-route buckets and 429 handling stay as they are.
//
// Loaded into the bot's child process with NODE_OPTIONS="--import ./bench/webhooks-exempt.mjs"
// (bench/votes.ts, rows marked "proposed fix"). Plain .mjs so that it needs no TypeScript loader.
import { createRequire } from 'node:module';

// discord.js is CommonJS: patch the very @discordjs/rest instance it requires.
const require = createRequire(createRequire(import.meta.url).resolve('discord.js'));
const { REST } = require('@discordjs/rest');

const webhookManagers = new WeakMap();
const queueRequest = REST.prototype.queueRequest;
REST.prototype.queueRequest = function (request) {
  if (request.auth === false && request.fullRoute.startsWith('/webhooks/') && this.options.globalRequestsPerSecond !== Number.POSITIVE_INFINITY) {
    let webhooks = webhookManagers.get(this);
    if (!webhooks) {
      webhooks = new REST({ ...this.options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
      webhookManagers.set(this, webhooks);
    }
    return queueRequest.call(webhooks, request);
  }
  return queueRequest.call(this, request);
};
