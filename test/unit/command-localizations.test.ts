/**
 * The slash commands in Russian and Ukrainian (and any catalog added later): every command, option
 * and choice has a localized name and description, names Discord accepts (its pattern, lower case,
 * unique among siblings in each locale), descriptions within 100 characters, the whole body valid
 * against Discord's vendored OpenAPI description and the fake's limits, and command sync sees a
 * changed localization as a change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allDefinitions } from '../../commands/index.js';
import { BASE_LOCALE, CATALOGS, languageName, type Catalog } from '../../src/i18n/index.js';
import { discordLocalesOf, type CommandTexts } from '../../src/i18n/commands.js';
import { sameCommands } from '../../src/discord/sync.js';
import { defaultSpecPath, SpecValidator } from '../fake-discord/validate.js';
import { checkLimits } from '../fake-discord/limits.js';

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface Node {
  name: string;
  description?: string;
  type?: number;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  options?: Node[];
  choices?: { name: string; value: string | number; name_localizations?: Record<string, string> }[];
}

const definitions = allDefinitions as unknown as Node[];
const others = [...CATALOGS.keys()].filter((code) => code !== BASE_LOCALE);

/** Every command and option with its path (commands.predict.options.add.options.claim) and siblings. */
function walk(nodes: Node[], path: string, visit: (node: Node, path: string, siblings: Node[], top: boolean) => void, top = true): void {
  for (const node of nodes) {
    const at = `${path}.${node.name}`;
    visit(node, at, nodes, top);
    if (node.options) walk(node.options, `${at}.options`, visit, false);
  }
}

describe('localized command definitions', () => {
  it('cover every command, option and choice in every language besides English', () => {
    const missing: string[] = [];
    for (const code of others) {
      for (const locale of discordLocalesOf(code)) {
        walk(definitions, 'commands', (node, path) => {
          if (!node.name_localizations?.[locale]) missing.push(`${locale} ${path} name`);
          if (node.description && !node.description_localizations?.[locale]) missing.push(`${locale} ${path} description`);
          for (const choice of node.choices ?? []) {
            // A language offered by its own name (/settings language) reads the same in every language.
            if (choice.name === languageName(String(choice.value))) continue;
            if (!choice.name_localizations?.[locale]) missing.push(`${locale} ${path} choice ${choice.value}`);
          }
        });
      }
    }
    expect(missing).toEqual([]);
  });

  it('come from table entries that all name a real command, option or choice', () => {
    const stale: string[] = [];
    const check = (table: Record<string, CommandTexts> | undefined, nodes: Node[], path: string) => {
      for (const [name, texts] of Object.entries(table ?? {})) {
        const node = nodes.find((n) => n.name === name);
        if (!node) {
          stale.push(`${path}.${name}`);
          continue;
        }
        for (const value of Object.keys(texts.choices ?? {})) {
          if (!node.choices?.some((c) => String(c.value) === value)) stale.push(`${path}.${name}.choices.${value}`);
        }
        check(texts.options, node.options ?? [], `${path}.${name}.options`);
      }
    };
    for (const code of others) check((CATALOGS.get(code) as Catalog).commands as Record<string, CommandTexts>, definitions, `${code}:commands`);
    expect(stale).toEqual([]);
  });

  it('have names Discord accepts: its pattern and lower case (slash commands), 1–32 characters, unique among siblings in each locale', () => {
    const problems: string[] = [];
    walk(definitions, 'commands', (node, path, siblings, top) => {
      const chatInput = !top || (node.type ?? 1) === 1;
      for (const [locale, name] of Object.entries(node.name_localizations ?? {})) {
        if (chatInput && !NAME.test(name)) problems.push(`${locale} ${path}: ${name} does not match the pattern`);
        if (chatInput && name !== name.toLocaleLowerCase(locale)) problems.push(`${locale} ${path}: ${name} is not lower case`);
        if ([...name].length < 1 || [...name].length > 32) problems.push(`${locale} ${path}: ${name} is not 1–32 characters`);
        const peers = siblings.filter((s) => s !== node && (!top || (s.type ?? 1) === (node.type ?? 1)));
        if (peers.some((s) => (s.name_localizations?.[locale] ?? s.name) === name)) problems.push(`${locale} ${path}: ${name} is not unique`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('have descriptions and choice names within Discord’s 100 characters', () => {
    const problems: string[] = [];
    walk(definitions, 'commands', (node, path) => {
      for (const [locale, text] of Object.entries(node.description_localizations ?? {})) {
        if ([...text].length < 1 || [...text].length > 100) problems.push(`${locale} ${path}: ${[...text].length} characters`);
      }
      for (const choice of node.choices ?? []) {
        for (const [locale, text] of Object.entries(choice.name_localizations ?? {})) {
          if ([...text].length > 100) problems.push(`${locale} ${path} choice ${choice.value}: ${[...text].length} characters`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('use only locales Discord has, and are valid against the vendored spec and the fake’s limits', () => {
    const spec = JSON.parse(readFileSync(defaultSpecPath(), 'utf8')) as { components: { schemas: Record<string, { oneOf: { const: string }[] }> } };
    const discordLocales = new Set(spec.components.schemas.AvailableLocalesEnum!.oneOf.map((o) => o.const));
    walk(definitions, 'commands', (node, path) => {
      const keys = [...Object.keys(node.name_localizations ?? {}), ...Object.keys(node.description_localizations ?? {}), ...(node.choices ?? []).flatMap((c) => Object.keys(c.name_localizations ?? {}))];
      for (const key of keys) expect(discordLocales.has(key), `${path} ${key}`).toBe(true);
    });
    const validator = SpecValidator.load();
    const route = validator.match('PUT', '/applications/1234567890123456789/commands')!;
    expect(validator.validateBody(route, allDefinitions, 'json')).toEqual([]);
    expect(checkLimits('PUT', '/applications/{application_id}/commands', allDefinitions, 0)).toEqual([]);
  });

  it('make command sync send a changed localization, and only then', () => {
    const fromApi = () => JSON.parse(JSON.stringify(allDefinitions)) as Node[];
    expect(sameCommands(allDefinitions, fromApi())).toBe(true);
    const changed = fromApi();
    changed.find((c) => c.name === 'vote')!.options!.find((o) => o.name === 'verdict')!.choices![0]!.name_localizations!.ru = 'Сбылось';
    expect(sameCommands(allDefinitions, changed)).toBe(false);
    const without = fromApi();
    delete without.find((c) => c.name === 'predict')!.description_localizations;
    expect(sameCommands(allDefinitions, without)).toBe(false);
  });
});

describe('the fake Discord’s command limits', () => {
  it('refuse a localized name Discord would refuse', () => {
    const body = [
      {
        type: 1,
        name: 'vote',
        description: 'Vote',
        name_localizations: { ru: 'Голосовать' },
        options: [
          { type: 3, name: 'a', description: 'A', name_localizations: { ru: 'то же' } },
          { type: 3, name: 'b', description: 'B', name_localizations: { ru: 'x' }, description_localizations: { ru: 'д'.repeat(101) } },
          { type: 3, name: 'c', description: 'C', name_localizations: { ru: 'x' } },
        ],
      },
    ];
    const problems = checkLimits('PUT', '/applications/{application_id}/commands', body, 0).join('\n');
    expect(problems).toMatch(/name_localizations\.ru "Голосовать" must be lowercase/);
    expect(problems).toMatch(/options\[0\]\.name_localizations\.ru "то же" does not match/);
    expect(problems).toMatch(/options\[1\]\.description_localizations\.ru is 101 characters/);
    expect(problems).toMatch(/two names "x" in locale ru/);
  });
});
