/** The kit's new pieces: modals as Discord takes them, links in a message, context-menu definitions in command sync, draft custom ids. */
import { describe, expect, it } from 'vitest';
import { linksIn } from '../../src/kit/render.js';
import { toDiscordModal } from '../../src/pipeline/discord.js';
import { sameCommands } from '../../src/discord/sync.js';
import { draftEditIds, draftIds, evidenceFormIds, evidenceIds } from '../../src/kit/custom-ids.js';
import { allDefinitions } from '../../commands/index.js';

describe('modals', () => {
  it('become action rows of text inputs within Discord’s limits', () => {
    const modal = toDiscordModal({
      customId: 'dedit:1:0',
      title: 'A title far longer than the forty-five characters Discord allows',
      fields: [
        { id: 'a', label: 'Short', value: 'x'.repeat(50), maxLength: 20, required: true },
        { id: 'b', label: 'Long', style: 'paragraph' },
        ...['c', 'd', 'e', 'f'].map((id) => ({ id, label: id })),
      ],
    });
    expect(modal.title.length).toBeLessThanOrEqual(45);
    expect(modal.components).toHaveLength(5);
    const [first, second] = modal.components.map((row) => (row as unknown as { components: Record<string, unknown>[] }).components[0]!);
    expect(first).toMatchObject({ type: 4, custom_id: 'a', style: 1, required: true, max_length: 20 });
    expect(String(first!.value).length).toBeLessThanOrEqual(20);
    expect(second).toMatchObject({ custom_id: 'b', style: 2, required: false });
    expect(second).not.toHaveProperty('value');
  });
});

describe('links in a message', () => {
  it('finds http(s) links in order, without trailing punctuation, brackets or markdown', () => {
    expect(linksIn('see https://a.example/x?y=1. and <http://b.example/p>, [t](https://c.example/q)!')).toEqual([
      'https://a.example/x?y=1',
      'http://b.example/p',
      'https://c.example/q',
    ]);
    expect(linksIn('ftp://nope and javascript:alert(1)')).toEqual([]);
  });
});

describe('command sync with a message command', () => {
  it('treats Discord’s empty description of a context-menu command as ours', () => {
    const fromApi = allDefinitions.map((d) => ({ ...d, id: '1', version: '2', description: 'description' in d ? d.description : '' }));
    expect(sameCommands(allDefinitions, [...fromApi].reverse())).toBe(true);
    expect(sameCommands(allDefinitions, fromApi.filter((d) => d.name !== 'Track forecasts'))).toBe(false);
    expect(allDefinitions.find((d) => d.name === 'Track forecasts')).toMatchObject({ type: 3 });
  });
});

describe('draft custom ids', () => {
  it('round-trip and refuse forgeries', () => {
    expect(draftIds.parse(draftIds.encode('a', 12, 3))).toEqual({ action: 'a', id: 12, index: 3 });
    expect(draftEditIds.parse(draftEditIds.encode(12, 3))).toEqual({ id: 12, index: 3 });
    for (const forged of ['draft:x:1:0', 'draft:a:0:0', 'draft:a:1:-1', 'draft:a:1:0:extra', 'draft:a:1:1234', 'dedit:1', 'dedit:1:0:draft:a:1:0']) {
      expect(draftIds.parse(forged) ?? draftEditIds.parse(forged), forged).toBeNull();
    }
    // Each format reads only its own prefix: a draft id is no form id, and the other way round.
    expect(draftEditIds.parse(draftIds.encode('e', 12, 3))).toBeNull();
    expect(draftIds.parse(draftEditIds.encode(12, 3))).toBeNull();
  });
});

describe('evidence custom ids', () => {
  it('round-trip and refuse forgeries', () => {
    expect(evidenceIds.parse(evidenceIds.encode('a', 7))).toEqual({ action: 'a', number: 7, page: 1 });
    expect(evidenceIds.parse(evidenceIds.encode('p', 7, 3))).toEqual({ action: 'p', number: 7, page: 3 });
    expect(evidenceFormIds.parse(evidenceFormIds.encode(7))).toEqual({ number: 7 });
    for (const forged of ['evid:a:0', 'evid:a:7:1', 'evid:p:7', 'evid:p:7:0', 'evid:x:7', 'evid:p:7:123456', 'evform:0', 'evform:7:1', 'evform:-7']) {
      expect(evidenceIds.parse(forged) ?? evidenceFormIds.parse(forged), forged).toBeNull();
    }
    expect(evidenceFormIds.parse(evidenceIds.encode('a', 7))).toBeNull();
  });
});
