/**
 * Documented Discord limits that the OpenAPI schema does not encode (or encodes more loosely):
 * message content, embed totals, legacy component layout, button shape, autocomplete choices,
 * modals and application command definitions.
 */
import { asArray, asNumber, asString, isObject, type JsonObject } from './util.js';

const IS_COMPONENTS_V2 = 1 << 15;
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

/** Code points, the way Discord counts characters. */
function len(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    this.list.push(`${where} ${message}`);
  }
  max(where: string, value: unknown, limit: number): void {
    if (len(value) > limit) this.add(where, `is ${len(value)} characters; the limit is ${limit}`);
  }
  range(where: string, value: unknown, min: number, limit: number): void {
    if (typeof value !== 'string' || len(value) < min) this.add(where, `must be a string of at least ${min} character(s)`);
    else this.max(where, value, limit);
  }
}

type MessageMode = 'create' | 'edit';

/** Runs the checks that apply to this route; returns readable problems (empty when fine). */
export function checkLimits(method: string, template: string, body: unknown, fileCount: number): string[] {
  const p = new Problems();
  const route = `${method} ${template}`;
  switch (route) {
    case 'POST /channels/{channel_id}/messages':
    case 'POST /webhooks/{webhook_id}/{webhook_token}':
      checkMessage(p, 'body', body, 'create', fileCount);
      break;
    case 'PATCH /channels/{channel_id}/messages/{message_id}':
    case 'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original':
    case 'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}':
      checkMessage(p, 'body', body, 'edit', fileCount);
      break;
    case 'POST /interactions/{interaction_id}/{interaction_token}/callback':
      checkCallback(p, body, fileCount);
      break;
    case 'PUT /applications/{application_id}/commands':
    case 'PUT /applications/{application_id}/guilds/{guild_id}/commands':
      checkCommandList(p, body);
      break;
    case 'POST /applications/{application_id}/commands':
    case 'POST /applications/{application_id}/guilds/{guild_id}/commands':
    case 'PATCH /applications/{application_id}/commands/{command_id}':
    case 'PATCH /applications/{application_id}/guilds/{guild_id}/commands/{command_id}':
      if (isObject(body)) checkCommand(p, 'body', body, method === 'PATCH');
      break;
    default:
      break;
  }
  return p.list;
}

function checkCallback(p: Problems, body: unknown, fileCount: number): void {
  if (!isObject(body)) return;
  const data = body.data;
  switch (body.type) {
    case 4:
      checkMessage(p, 'body.data', data, 'create', fileCount);
      break;
    case 7:
      if (data != null) checkMessage(p, 'body.data', data, 'edit', fileCount);
      break;
    case 8:
      checkChoices(p, 'body.data.choices', isObject(data) ? data.choices : undefined, true);
      break;
    case 9:
      checkModal(p, 'body.data', data);
      break;
    default:
      break;
  }
}

function checkMessage(p: Problems, where: string, message: unknown, mode: MessageMode, fileCount: number): void {
  if (!isObject(message)) {
    if (mode === 'create' && fileCount === 0) p.add(where, 'is an empty message (no content, embeds, components, files, stickers or poll)');
    return;
  }
  const flags = asNumber(message.flags) ?? 0;
  const embeds = asArray(message.embeds);
  const components = asArray(message.components);
  p.max(`${where}.content`, message.content, 2000);
  checkEmbeds(p, `${where}.embeds`, embeds);
  if (flags & IS_COMPONENTS_V2) {
    if (len(message.content) > 0) p.add(`${where}.content`, 'must be empty with the IS_COMPONENTS_V2 flag');
    if (embeds.length > 0) p.add(`${where}.embeds`, 'must be empty with the IS_COMPONENTS_V2 flag');
    const total = countComponents(components);
    if (total > 40) p.add(`${where}.components`, `has ${total} components in total; the limit is 40`);
  } else {
    checkActionRows(p, `${where}.components`, components);
  }
  checkCustomIdsUnique(p, `${where}.components`, components);
  if (mode === 'create') {
    const empty =
      len(message.content) === 0 &&
      embeds.length === 0 &&
      components.length === 0 &&
      fileCount === 0 &&
      asArray(message.sticker_ids).length === 0 &&
      !isObject(message.poll);
    if (empty) p.add(where, 'is an empty message (no content, embeds, components, files, stickers or poll)');
  }
}

function checkEmbeds(p: Problems, where: string, embeds: unknown[]): void {
  if (embeds.length > 10) p.add(where, `has ${embeds.length} embeds; the limit is 10`);
  let total = 0;
  embeds.forEach((embed, i) => {
    if (!isObject(embed)) return;
    const at = `${where}[${i}]`;
    p.max(`${at}.title`, embed.title, 256);
    p.max(`${at}.description`, embed.description, 4096);
    total += len(embed.title) + len(embed.description);
    const footer = isObject(embed.footer) ? embed.footer : undefined;
    const author = isObject(embed.author) ? embed.author : undefined;
    if (footer) {
      p.max(`${at}.footer.text`, footer.text, 2048);
      total += len(footer.text);
    }
    if (author) {
      p.max(`${at}.author.name`, author.name, 256);
      total += len(author.name);
    }
    const fields = asArray(embed.fields);
    if (fields.length > 25) p.add(`${at}.fields`, `has ${fields.length} fields; the limit is 25`);
    fields.forEach((field, j) => {
      if (!isObject(field)) return;
      p.range(`${at}.fields[${j}].name`, field.name, 1, 256);
      p.range(`${at}.fields[${j}].value`, field.value, 1, 1024);
      total += len(field.name) + len(field.value);
    });
  });
  if (total > 6000) p.add(where, `total embed text is ${total} characters; the limit is 6000`);
}

function checkActionRows(p: Problems, where: string, rows: unknown[]): void {
  if (rows.length > 5) p.add(where, `has ${rows.length} action rows; the limit is 5`);
  rows.forEach((row, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(row) || row.type !== 1) {
      p.add(at, 'must be an action row (type 1) without the IS_COMPONENTS_V2 flag');
      return;
    }
    const children = asArray(row.components).filter(isObject);
    const selects = children.filter((c) => SELECT_TYPES.has(asNumber(c.type) ?? -1));
    if (selects.length > 0 && children.length > 1) p.add(at, 'mixes a select menu with other components; a select needs its own row');
    if (children.length > 5) p.add(at, `has ${children.length} components; the limit is 5`);
    children.forEach((child, j) => checkInteractive(p, `${at}.components[${j}]`, child));
  });
}

function checkInteractive(p: Problems, at: string, component: JsonObject): void {
  const type = asNumber(component.type);
  if (type === 2) {
    checkButton(p, at, component);
  } else if (type !== undefined && SELECT_TYPES.has(type)) {
    p.range(`${at}.custom_id`, component.custom_id, 1, 100);
    p.max(`${at}.placeholder`, component.placeholder, 150);
    const options = asArray(component.options);
    if (type === 3) {
      if (options.length < 1 || options.length > 25) p.add(`${at}.options`, `has ${options.length} options; 1 to 25 allowed`);
      options.filter(isObject).forEach((o, k) => {
        p.range(`${at}.options[${k}].label`, o.label, 1, 100);
        p.range(`${at}.options[${k}].value`, o.value, 1, 100);
        p.max(`${at}.options[${k}].description`, o.description, 100);
      });
    }
    const maxValues = asNumber(component.max_values);
    if (maxValues !== undefined && (maxValues > 25 || (type === 3 && maxValues > options.length))) {
      p.add(`${at}.max_values`, `is ${maxValues}; at most 25 (and at most the number of options)`);
    }
  }
}

function checkButton(p: Problems, at: string, button: JsonObject): void {
  const style = asNumber(button.style);
  p.max(`${at}.label`, button.label, 80);
  if (style === 5) {
    if (typeof button.url !== 'string') p.add(at, 'is a link button (style 5) without url');
    if (button.custom_id != null) p.add(at, 'is a link button (style 5) and must not have custom_id');
  } else if (style === 6) {
    if (typeof button.sku_id !== 'string') p.add(at, 'is a premium button (style 6) without sku_id');
    if (button.custom_id != null || button.url != null) p.add(at, 'is a premium button (style 6) and must not have custom_id or url');
  } else {
    if (typeof button.custom_id !== 'string') p.add(at, `is a style ${String(style)} button without custom_id`);
    else p.range(`${at}.custom_id`, button.custom_id, 1, 100);
    if (button.url != null) p.add(at, `is a style ${String(style)} button and must not have url`);
  }
  if (style !== 6 && len(button.label) === 0 && button.emoji == null) p.add(at, 'needs a label or an emoji');
}

function checkCustomIdsUnique(p: Problems, where: string, components: unknown[]): void {
  const seen = new Set<string>();
  const visit = (c: unknown): void => {
    if (!isObject(c)) return;
    const id = asString(c.custom_id);
    if (id !== undefined) {
      if (seen.has(id)) p.add(where, `repeats custom_id ${JSON.stringify(id)}; custom_id must be unique within a message`);
      seen.add(id);
    }
    asArray(c.components).forEach(visit);
    if (isObject(c.accessory)) visit(c.accessory);
  };
  components.forEach(visit);
}

function countComponents(components: unknown[]): number {
  return components.reduce<number>((n, c) => {
    if (!isObject(c)) return n;
    return n + 1 + countComponents(asArray(c.components)) + (isObject(c.accessory) ? 1 : 0);
  }, 0);
}

function checkChoices(p: Problems, where: string, choices: unknown, autocomplete: boolean): void {
  const list = asArray(choices);
  if (autocomplete && !Array.isArray(choices)) p.add(where, 'is missing');
  if (list.length > 25) p.add(where, `has ${list.length} choices; the limit is 25`);
  list.forEach((choice, i) => {
    if (!isObject(choice)) return;
    p.range(`${where}[${i}].name`, choice.name, 1, 100);
    for (const [locale, name] of localizations(choice.name_localizations)) p.range(`${where}[${i}].name_localizations.${locale}`, name, 1, 100);
    if (typeof choice.value === 'string') p.max(`${where}[${i}].value`, choice.value, 100);
  });
}

function checkModal(p: Problems, where: string, data: unknown): void {
  if (!isObject(data)) return;
  p.range(`${where}.title`, data.title, 1, 45);
  p.range(`${where}.custom_id`, data.custom_id, 1, 100);
  const rows = asArray(data.components);
  if (rows.length < 1 || rows.length > 5) p.add(`${where}.components`, `has ${rows.length} components; 1 to 5 allowed`);
  rows.filter(isObject).forEach((row, i) => {
    const inner = row.type === 18 && isObject(row.component) ? [row.component] : asArray(row.components);
    inner.filter(isObject).forEach((c, j) => {
      const at = `${where}.components[${i}].components[${j}]`;
      if (c.custom_id !== undefined) p.range(`${at}.custom_id`, c.custom_id, 1, 100);
      p.max(`${at}.label`, c.label, 45);
    });
  });
}

// ---- application commands --------------------------------------------------------------

function checkCommandList(p: Problems, body: unknown): void {
  const commands = asArray(body).filter(isObject);
  const counts = new Map<number, number>();
  const names = new Set<string>();
  commands.forEach((command, i) => {
    const type = asNumber(command.type) ?? 1;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const key = `${type}:${String(command.name)}`;
    if (names.has(key)) p.add(`body[${i}].name`, `duplicates command ${JSON.stringify(command.name)}`);
    names.add(key);
    checkCommand(p, `body[${i}]`, command, false);
  });
  for (const type of counts.keys()) uniqueNames(p, 'body', commands.filter((c) => (asNumber(c.type) ?? 1) === type));
  const limits: [number, number, string][] = [
    [1, 100, 'CHAT_INPUT'],
    [2, 15, 'USER'],
    [3, 15, 'MESSAGE'],
  ];
  for (const [type, limit, label] of limits) {
    const n = counts.get(type) ?? 0;
    if (n > limit) p.add('body', `has ${n} ${label} commands; the limit is ${limit}`);
  }
}

function checkCommand(p: Problems, where: string, command: JsonObject, partial: boolean): void {
  const type = asNumber(command.type) ?? 1;
  if (!partial || command.name !== undefined) {
    // The name pattern and lowercase rule are for CHAT_INPUT; USER/MESSAGE names are free text.
    if (type === 1) checkName(p, `${where}.name`, command.name, true);
    else p.range(`${where}.name`, command.name, 1, 32);
  }
  for (const [locale, name] of localizations(command.name_localizations)) {
    if (type === 1) checkName(p, `${where}.name_localizations.${locale}`, name, true);
    else p.range(`${where}.name_localizations.${locale}`, name, 1, 32);
  }
  if (type === 1) {
    if (!partial || command.description !== undefined) p.range(`${where}.description`, command.description, 1, 100);
    for (const [locale, text] of localizations(command.description_localizations)) p.range(`${where}.description_localizations.${locale}`, text, 1, 100);
  } else if (len(command.description) > 0) {
    p.add(`${where}.description`, 'must be empty for USER and MESSAGE commands');
  }
  checkOptions(p, `${where}.options`, command.options, 0);
  const size = commandSize(command);
  if (size > 8000) p.add(where, `has ${size} characters of names, descriptions and values; the limit is 8000`);
}

function checkName(p: Problems, where: string, name: unknown, lowercase: boolean): void {
  if (typeof name !== 'string' || !COMMAND_NAME.test(name)) {
    p.add(where, `${JSON.stringify(name)} does not match ${COMMAND_NAME.source}`);
  } else if (lowercase && name !== name.toLowerCase()) {
    p.add(where, `${JSON.stringify(name)} must be lowercase`);
  }
}

function checkOptions(p: Problems, where: string, options: unknown, depth: number): void {
  const list = asArray(options).filter(isObject);
  if (list.length > 25) p.add(where, `has ${list.length} options; the limit is 25`);
  uniqueNames(p, where, list);
  let sawOptional = false;
  list.forEach((option, i) => {
    const at = `${where}[${i}]`;
    const type = asNumber(option.type) ?? 0;
    checkName(p, `${at}.name`, option.name, true);
    p.range(`${at}.description`, option.description, 1, 100);
    for (const [locale, name] of localizations(option.name_localizations)) checkName(p, `${at}.name_localizations.${locale}`, name, true);
    for (const [locale, text] of localizations(option.description_localizations)) p.range(`${at}.description_localizations.${locale}`, text, 1, 100);
    if (type === 1 || type === 2) {
      if (depth > 0 && (type === 2 || depth > 1)) p.add(at, 'nests subcommands deeper than Discord allows');
      const children = asArray(option.options).filter(isObject);
      if (type === 2 && children.some((c) => c.type !== 1)) p.add(`${at}.options`, 'a subcommand group may only contain subcommands');
      checkOptions(p, `${at}.options`, option.options, depth + 1);
      return;
    }
    if (option.required === true && sawOptional) p.add(at, 'is required but follows an optional option');
    if (option.required !== true) sawOptional = true;
    if (option.autocomplete === true && asArray(option.choices).length > 0) p.add(at, 'cannot have both autocomplete and choices');
    checkChoices(p, `${at}.choices`, option.choices, false);
  });
}

function commandSize(command: JsonObject): number {
  // Of a localized field only the longest text counts (Discord: the default or any localization).
  const longest = (o: JsonObject, field: 'name' | 'description') =>
    Math.max(len(o[field]), ...[...localizations(o[`${field}_localizations`])].map(([, text]) => len(text)));
  let total = longest(command, 'name') + longest(command, 'description');
  const visit = (options: unknown): void => {
    for (const o of asArray(options).filter(isObject)) {
      total += longest(o, 'name') + longest(o, 'description');
      for (const c of asArray(o.choices).filter(isObject)) total += longest(c, 'name') + len(String(c.value ?? ''));
      visit(o.options);
    }
  };
  visit(command.options);
  return total;
}

/** A `*_localizations` object's entries (none when absent or null). */
function localizations(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}

/** Siblings' names must differ in every locale: each one's localization there, or its default name. */
function uniqueNames(p: Problems, where: string, siblings: JsonObject[]): void {
  const locales = new Set(siblings.flatMap((s) => localizations(s.name_localizations).map(([locale]) => locale)));
  for (const locale of locales) {
    const seen = new Set<string>();
    for (const sibling of siblings) {
      const name = String(localizations(sibling.name_localizations).find(([l]) => l === locale)?.[1] ?? sibling.name);
      if (seen.has(name)) p.add(where, `has two names ${JSON.stringify(name)} in locale ${locale}`);
      seen.add(name);
    }
  }
}
