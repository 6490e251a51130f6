/**
 * The JSON every command definition (slash and context-menu) sends to Discord, pinned: a change to any name, description,
 * limit, choice or permission shows here as a diff of __snapshots__/command-definitions.json
 * (review it, then `npx vitest run --project unit test/unit/command-definitions.test.ts -u`).
 * Keys are sorted, so only what Discord reads counts, not the order the object was written in.
 */
import { describe, expect, it } from 'vitest';
import { allDefinitions } from '../../commands/index.js';

const sorted = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
};

describe('command definitions', () => {
  it('send Discord exactly the pinned JSON', async () => {
    const json = JSON.stringify(sorted(allDefinitions), null, 2);
    await expect(`${json}\n`).toMatchFileSnapshot('./__snapshots__/command-definitions.json');
  });
});
