/**
 * Who is told, and what: the event a change of a claim makes (resolved, reopened, or nothing),
 * the recipients (not the member who made the change, each once, at most the cap), and the text
 * of the direct message (escaped claim text, the outcome, a link to the card or the server).
 */
import { describe, expect, it } from 'vitest';
import { chooseRecipients, MAX_DMS_PER_EVENT, noticeEvent } from '../../src/ledger/notices.js';
import { directMessageText } from '../../src/jobs/direct-messages.js';

describe('noticeEvent', () => {
  it('tells on a resolution, an overridden outcome and a reopening of a resolved claim', () => {
    expect(noticeEvent({ status: 'open', outcome: null }, { status: 'resolved', outcome: 'came_true' })).toEqual({ event: 'resolved', outcome: 'came_true' });
    expect(noticeEvent({ status: 'waiting', outcome: null }, { status: 'resolved', outcome: 'void' })).toEqual({ event: 'resolved', outcome: 'void' });
    expect(noticeEvent({ status: 'resolved', outcome: 'came_true' }, { status: 'resolved', outcome: 'did_not' })).toEqual({ event: 'resolved', outcome: 'did_not' });
    expect(noticeEvent({ status: 'resolved', outcome: 'came_true' }, { status: 'open', outcome: null })).toEqual({ event: 'reopened', outcome: 'came_true' });
    expect(noticeEvent({ status: 'resolved', outcome: 'void' }, { status: 'waiting', outcome: null })).toEqual({ event: 'reopened', outcome: 'void' });
  });

  it('tells nobody about anything else', () => {
    // A flagged open claim given a new round, a postponement, an edit, the same outcome again, a change that did not read the status.
    expect(noticeEvent({ status: 'open', outcome: null }, { status: 'open', outcome: null })).toBeNull();
    expect(noticeEvent({ status: 'open', outcome: null }, { status: 'waiting', outcome: null })).toBeNull();
    expect(noticeEvent({ status: 'resolved', outcome: 'partly' }, { status: 'resolved', outcome: 'partly' })).toBeNull();
    expect(noticeEvent({}, { status: 'resolved', outcome: 'came_true' })).toBeNull();
  });
});

describe('chooseRecipients', () => {
  it('leaves out the member who made the change, and names each member once', () => {
    expect(chooseRecipients(['b', 'a', 'mod', 'b'], 'mod')).toEqual({ recipients: ['a', 'b'], leftOut: 0 });
    expect(chooseRecipients([], 'mod')).toEqual({ recipients: [], leftOut: 0 });
  });

  it('caps an event at MAX_DMS_PER_EVENT and counts the members left out', () => {
    const many = Array.from({ length: MAX_DMS_PER_EVENT + 7 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    const { recipients, leftOut } = chooseRecipients(many, 'system');
    expect(recipients).toHaveLength(MAX_DMS_PER_EVENT);
    expect(leftOut).toBe(7);
    expect(chooseRecipients(many, 'system').recipients).toEqual(recipients);
  });
});

describe('directMessageText', () => {
  const base = { guild_id: '111', number: 12, text: 'Talks **resume** by <@&999> @everyone', status: 'resolved' as const, voting_closes_at: null, card_channel: null, card_message: null };

  it('says the claim, its outcome and where to find it, with the text escaped', () => {
    const { content } = directMessageText({ ...base, event: 'resolved', outcome: 'came_true', card_channel: '222', card_message: '333' });
    expect(content).toContain('**Claim #12 resolved: Came true**');
    expect(content).toContain('Talks \\*\\*resume\\*\\*');
    expect(content).toContain('https://discord.com/channels/111/222/333');
    expect(content).toContain('`/predict notify dm:off`');
  });

  it('says a reopening, the result that no longer stands, and links the server when no card is known', () => {
    const closes = new Date('2026-03-01T12:00:00Z');
    const { content } = directMessageText({ ...base, event: 'reopened', outcome: 'did_not', status: 'open', voting_closes_at: closes });
    expect(content).toContain('**Claim #12 was reopened** (its result, Did not, no longer stands)');
    expect(content).toContain(`<t:${closes.getTime() / 1000}:f>`);
    expect(content).toContain('https://discord.com/channels/111 (/predict show claim:12)');
  });
});
