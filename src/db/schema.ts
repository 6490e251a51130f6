/**
 * The one schema file (drizzle-kit cannot follow `.js` imports between schema files).
 * Every table that holds a server's data carries `guild_id`; every query filters on it.
 *
 * Isolation is also the database's: a row that names another row (a claim, a schedule, a speaker,
 * an article) references it by the composite key (guild_id, id), so it can only name a row of its
 * own server. A parent table has a unique (guild_id, id); a child has `guild_id` not null and a
 * composite foreign key — never a single-column `.references()`.
 * Column names are snake_case in SQL (drizzle `casing: 'snake_case'`).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** A full transaction id (PostgreSQL's xid8, as text): which transaction last wrote a row. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

const ts = (name?: string) =>
  name ? timestamp(name, { withTimezone: true, mode: 'date' }) : timestamp({ withTimezone: true, mode: 'date' });

export const verdictEnum = pgEnum('verdict', ['came_true', 'partly', 'did_not', 'too_early']);
export const outcomeEnum = pgEnum('outcome', ['came_true', 'partly', 'did_not', 'void']);
export const scheduleStatusEnum = pgEnum('schedule_status', ['active', 'paused', 'disabled']);
/** waiting: the claim hangs on a condition (another claim) that has not come true yet; it is not due and no round asks for it. */
export const claimStatusEnum = pgEnum('claim_status', ['open', 'resolved', 'waiting']);

/** A server's settings until a manager changes them (the columns' defaults; src/ledger/settings.ts reads them too). */
export const SETTINGS_DEFAULTS = {
  quorum: 3,
  majorityPct: 60,
  votingWindowDays: 7,
  blindVoting: false,
  timezone: 'UTC',
  tooEarlyStepDays: 30,
  minRanked: 3,
  /** managers | members (members' accepted forecasts wait for a manager). */
  extractBy: 'managers' as 'managers' | 'members',
} as const;

/** One row per server: its settings and the counter behind claim numbers (#1, #2, …). */
export const guilds = pgTable(
  'guilds',
  {
    guildId: text().primaryKey(),
    quorum: integer().notNull().default(SETTINGS_DEFAULTS.quorum),
    majorityPct: integer().notNull().default(SETTINGS_DEFAULTS.majorityPct),
    votingWindowDays: integer().notNull().default(SETTINGS_DEFAULTS.votingWindowDays),
    blindVoting: boolean().notNull().default(SETTINGS_DEFAULTS.blindVoting),
    timezone: text().notNull().default(SETTINGS_DEFAULTS.timezone),
    tooEarlyStepDays: integer().notNull().default(SETTINGS_DEFAULTS.tooEarlyStepDays),
    /** Resolved forecasts a member needs before the leaderboard ranks them. */
    minRanked: integer().notNull().default(SETTINGS_DEFAULTS.minRanked),
    /** Who may turn articles into claims (/predict extract): managers, or members too (as proposals a manager accepts). */
    extractBy: text().notNull().default(SETTINGS_DEFAULTS.extractBy),
    /** Language of public posts (a catalog code: en, ru, uk, …); null: the server's Discord language when Hindsight has it, else English. */
    language: text(),
    /** The number the next claim added to this server gets. */
    nextClaimNumber: integer().notNull().default(1),
    /** Secret key that signs this server's exports (never shown): a file signed with it is this server's own. */
    exportKey: text(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [
    check('guilds_quorum_range', sql`${t.quorum} between 1 and 1000`),
    check('guilds_majority_range', sql`${t.majorityPct} between 50 and 100`),
    check('guilds_window_range', sql`${t.votingWindowDays} between 1 and 365`),
    check('guilds_too_early_range', sql`${t.tooEarlyStepDays} between 1 and 3650`),
    check('guilds_min_ranked_range', sql`${t.minRanked} between 1 and 1000`),
    check('guilds_extract_by', sql`${t.extractBy} in ('managers', 'members')`),
  ],
);

export const articles = pgTable(
  'articles',
  {
    id: serial().primaryKey(),
    guildId: text().notNull(),
    /** Natural key inside a server: the URL, or `pack:<id>`, or outlet|title|date. */
    key: text().notNull(),
    outlet: text(),
    title: text(),
    url: text(),
    publishedOn: date({ mode: 'string' }),
    /** Why the title reads as it does (e.g. the text carries no headline and the title is ours). */
    titleNote: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('articles_guild_key').on(t.guildId, t.key), unique('articles_guild_id').on(t.guildId, t.id)],
);

export const speakers = pgTable(
  'speakers',
  {
    id: serial().primaryKey(),
    guildId: text().notNull(),
    /** As the article names them, e.g. "a Russian government official". */
    name: text().notNull(),
    /**
     * The speaker's identity within the server. For a name typed by a member: the lower-cased,
     * whitespace-folded name (two spellings of one speaker are one row). For a source of a pack:
     * `pack:<pack id>/<speaker key>`, so two different people the article names alike stay apart.
     */
    nameKey: text().notNull(),
    /** A discreet distinction shown after the name where two sources share a label ("on talks"). */
    note: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('speakers_guild_name_key').on(t.guildId, t.nameKey), unique('speakers_guild_id').on(t.guildId, t.id)],
);

export const claims = pgTable(
  'claims',
  {
    id: serial().primaryKey(),
    guildId: text().notNull(),
    /** The short number members use (#1, #2, …), unique within a server. */
    number: integer().notNull(),
    /** Where an imported claim came from (`<pack>/<key>`): importing twice adds it once. */
    sourceKey: text(),
    /** Our plain restatement of the forecast. */
    text: text().notNull(),
    /** The speaker's words, verbatim. */
    quote: text(),
    speakerId: integer(),
    articleId: integer(),
    family: text(),
    madeOn: date({ mode: 'string' }).notNull(),
    checkBy: date({ mode: 'string' }).notNull(),
    /** Why this check date was chosen (shown to voters). */
    checkByNote: text(),
    /** How sure the speaker's wording sounded: an ICD-203 band (src/ledger/hedge.ts), or null. */
    hedge: text(),
    /** What counts as "came true". */
    criteria: text(),
    /** The instant the check date has passed (start of the next day in the server's timezone). */
    dueAt: ts().notNull(),
    /** When the current round's voting window started: dueAt, or the moment a manager reopened it. */
    windowStartsAt: ts().notNull(),
    /** windowStartsAt + the server's voting window. */
    votingClosesAt: ts().notNull(),
    /** Voting round: bumped by a too-early postponement or a reopening; only this round's votes count. */
    round: integer().notNull().default(1),
    status: claimStatusEnum().notNull().default('open'),
    outcome: outcomeEnum(),
    /** Set when the window closed without a result (no quorum, tie, no majority): managers should look. */
    flag: text(),
    resolvedBy: text(),
    resolvedAt: ts(),
    resolutionNote: text(),
    /**
     * The claim this one hangs on (its condition: another claim, or an event, a claim with no
     * speaker). While it has not come true the claim is `waiting`; when it did not (did not,
     * partly or void) the claim resolves void. Rules: src/ledger/conditions.ts.
     */
    conditionClaimId: integer(),
    /** Check by "N days after the condition comes true": the check date is set when it does. Null: the check date is a date. */
    conditionDays: integer(),
    addedBy: text().notNull(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
    deletedAt: ts(),
  },
  (t) => [
    uniqueIndex('claims_guild_number').on(t.guildId, t.number),
    uniqueIndex('claims_guild_source_key').on(t.guildId, t.sourceKey),
    index('claims_guild_status_due').on(t.guildId, t.status, t.dueAt),
    index('claims_guild_status_window').on(t.guildId, t.status, t.windowStartsAt),
    index('claims_open_closes').on(t.votingClosesAt).where(sql`${t.status} = 'open' and ${t.deletedAt} is null`),
    index('claims_open_due').on(t.dueAt).where(sql`${t.status} = 'open' and ${t.deletedAt} is null`),
    index('claims_guild_speaker').on(t.guildId, t.speakerId),
    unique('claims_guild_id').on(t.guildId, t.id),
    foreignKey({ name: 'claims_speaker_same_guild', columns: [t.guildId, t.speakerId], foreignColumns: [speakers.guildId, speakers.id] }),
    foreignKey({ name: 'claims_article_same_guild', columns: [t.guildId, t.articleId], foreignColumns: [articles.guildId, articles.id] }),
    foreignKey({ name: 'claims_condition_same_guild', columns: [t.guildId, t.conditionClaimId], foreignColumns: [t.guildId, t.id] }),
    index('claims_guild_condition').on(t.guildId, t.conditionClaimId).where(sql`${t.conditionClaimId} is not null`),
    check('claims_condition_not_self', sql`${t.conditionClaimId} is null or ${t.conditionClaimId} <> ${t.id}`),
    check('claims_condition_days_range', sql`${t.conditionDays} is null or (${t.conditionClaimId} is not null and ${t.conditionDays} between 0 and 36500)`),
  ],
);

export const votes = pgTable(
  'votes',
  {
    guildId: text().notNull(),
    claimId: integer().notNull(),
    round: integer().notNull(),
    userId: text().notNull(),
    verdict: verdictEnum().notNull(),
    evidence: text(),
    /** When the member cast this verdict (the click's time); an older click never replaces a newer one. */
    castAt: ts().notNull(),
    /** Null for a vote cast here; for an imported one, where it came from (`export:<guild id>`). */
    importedFrom: text(),
    createdAt: ts().notNull().defaultNow(),
    /**
     * The transaction that last stored this vote (set on insert and on every change). The card
     * flusher finds the claims whose votes changed since its last look through this column's
     * index (src/jobs/cards.ts, `card_scan`): no row is written per click for it.
     */
    changedXid: xid8().notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [
    primaryKey({ columns: [t.claimId, t.round, t.userId] }),
    index('votes_changed_xid').on(t.changedXid),
    foreignKey({ name: 'votes_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
  ],
);

/** The side an evidence item supports. */
export const evidenceSideEnum = pgEnum('evidence_side', ['came_true', 'did_not', 'context']);

/**
 * Evidence gathered on a claim: a link and/or a short note, by a member, for one side. Added with the
 * card's Add evidence button (a form) or `/vote … evidence:`; a manager may remove one (audited:
 * the row stays, `removed_at`/`removed_by` set, so the history and exports stay honest).
 */
export const evidence = pgTable(
  'evidence',
  {
    id: serial().primaryKey(),
    guildId: text().notNull(),
    claimId: integer().notNull(),
    userId: text().notNull(),
    side: evidenceSideEnum().notNull(),
    url: text(),
    note: text(),
    /** Null for an item added here; for an imported one, where it came from (`export:<guild id>`). */
    importedFrom: text(),
    createdAt: ts().notNull().defaultNow(),
    removedAt: ts(),
    removedBy: text(),
  },
  (t) => [
    unique('evidence_guild_id').on(t.guildId, t.id),
    index('evidence_guild_claim').on(t.guildId, t.claimId, t.createdAt),
    /** Importing the same export twice adds an item once. */
    uniqueIndex('evidence_guild_claim_user_at').on(t.guildId, t.claimId, t.userId, t.createdAt),
    check('evidence_has_content', sql`${t.url} is not null or ${t.note} is not null`),
    foreignKey({ name: 'evidence_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
  ],
);

/**
 * A claim's discussion thread: opened on its card by the round post that first asks for its
 * verdict (one per claim). `thread_id` null with `failed_at` set: the server refused (no thread
 * permission, a channel without threads); remembered, so the bot does not try again every round.
 */
export const claimThreads = pgTable(
  'claim_threads',
  {
    guildId: text().notNull(),
    claimId: integer().notNull(),
    channelId: text().notNull(),
    messageId: text().notNull(),
    threadId: text(),
    failedAt: ts(),
    failure: text(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.claimId] }),
    foreignKey({ name: 'claim_threads_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
  ],
);

/** Insert-only: every change of a member's probability is kept; the latest one counts. */
export const forecasts = pgTable(
  'forecasts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    guildId: text().notNull(),
    claimId: integer().notNull(),
    userId: text().notNull(),
    probability: real().notNull(),
    createdAt: ts().notNull().defaultNow(),
    /** Null for a forecast made here (or restored from this server's own signed export); else its origin. Never scored. */
    importedFrom: text(),
  },
  (t) => [
    index('forecasts_claim_user_time').on(t.claimId, t.userId, t.createdAt),
    index('forecasts_guild_user').on(t.guildId, t.userId),
    check('forecasts_probability_range', sql`${t.probability} >= 0 and ${t.probability} <= 100`),
    foreignKey({ name: 'forecasts_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
  ],
);

/** Every change to a claim, vote, resolution or setting, with who did it and when. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    guildId: text().notNull(),
    claimId: integer(),
    claimNumber: integer(),
    actorId: text().notNull(),
    action: text().notNull(),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    index('audit_guild_claim_time').on(t.guildId, t.claimId, t.createdAt),
    // Null claim id (settings, schedules): not checked. Claims are never hard-deleted (deleted_at).
    foreignKey({ name: 'audit_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
  ],
);

/** A scoring round schedule: posts due claims to a channel on a cron schedule. */
export const schedules = pgTable(
  'schedules',
  {
    id: serial().primaryKey(),
    guildId: text().notNull(),
    channelId: text().notNull(),
    cron: text().notNull(),
    timezone: text().notNull(),
    /** The schedule in plain words, as shown to members. */
    description: text().notNull(),
    status: scheduleStatusEnum().notNull().default('active'),
    /** Rounds in a row that failed for missing access or permissions. */
    failures: integer().notNull().default(0),
    /** Why the schedule is paused or disabled, in words for managers. */
    statusReason: text(),
    /** The fire time of the last round posted: "since the last round" starts here. */
    lastSlot: ts(),
    /** Catch-up has accounted for every slot up to here (posted, folded or logged as skipped): it never scans before it again. */
    scannedUntil: ts(),
    createdBy: text().notNull(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('schedules_guild').on(t.guildId), index('schedules_status').on(t.status), unique('schedules_guild_id').on(t.guildId, t.id)],
);

/**
 * One row per (schedule, fire slot) that was run. Claiming a slot inserts it (in a short
 * transaction that also stores the round's parts in `round_parts`); whoever holds the lease
 * (`lease_owner` until `lease_until`) posts the parts; `finished_at` is set once every part has a
 * message id (or the slot was closed as empty, failed or skipped).
 */
export const scheduleRuns = pgTable(
  'schedule_runs',
  {
    scheduleId: integer().notNull(),
    slot: ts().notNull(),
    guildId: text().notNull(),
    /** posting (parts not all posted yet) | posted | empty (nothing to say) | failed | skipped (missed beyond the catch-up window) */
    outcome: text().notNull(),
    messageIds: jsonb().$type<string[]>().notNull().default([]),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** The process posting the slot's parts, and until when its lease holds (renewed while it posts). */
    leaseOwner: text(),
    leaseUntil: ts(),
    finishedAt: ts(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.scheduleId, t.slot] }),
    foreignKey({ name: 'schedule_runs_schedule_same_guild', columns: [t.guildId, t.scheduleId], foreignColumns: [schedules.guildId, schedules.id] }).onDelete('cascade'),
    index('schedule_runs_posting').on(t.slot).where(sql`${t.outcome} = 'posting'`),
    index('schedule_runs_created').on(t.createdAt),
  ],
);

/**
 * The outbox: a round's messages, composed once when its slot is claimed. Each part is posted
 * outside any transaction and its Discord message id recorded as soon as Discord answers; a
 * resumed round posts only the parts without one, in order.
 */
export const roundParts = pgTable(
  'round_parts',
  {
    scheduleId: integer().notNull(),
    slot: ts().notNull(),
    part: integer().notNull(),
    guildId: text().notNull(),
    channelId: text().notNull(),
    /** The message as plain data (a Reply without files). */
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    nonce: text().notNull(),
    messageId: text(),
    postedAt: ts(),
  },
  (t) => [
    primaryKey({ columns: [t.scheduleId, t.slot, t.part] }),
    foreignKey({ columns: [t.scheduleId, t.slot], foreignColumns: [scheduleRuns.scheduleId, scheduleRuns.slot] }).onDelete('cascade'),
  ],
);

/** node-cron RunCoordinator leases: the first process to insert a fire key runs it. */
export const cronLeases = pgTable(
  'cron_leases',
  {
    key: text().primaryKey(),
    owner: text().notNull(),
    claimedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('cron_leases_claimed').on(t.claimedAt)],
);

/**
 * A review draft: the forecasts /predict extract found in one article, waiting for a person to
 * accept, edit or discard each (nothing enters the ledger unreviewed). Lives 24 hours; the closer's
 * tick deletes expired rows. `candidates` holds src/ledger/drafts.ts's DraftCandidate[].
 */
export const extractDrafts = pgTable(
  'extract_drafts',
  {
    id: serial().primaryKey(),
    guildId: text().notNull(),
    /** The member who ran the extraction. */
    ownerId: text().notNull(),
    /** What is known of the article: key, title, outlet, url, publishedOn. */
    article: jsonb().$type<Record<string, unknown>>().notNull(),
    candidates: jsonb().$type<unknown[]>().notNull(),
    createdAt: ts().notNull().defaultNow(),
    expiresAt: ts().notNull(),
  },
  (t) => [index('extract_drafts_guild').on(t.guildId, t.createdAt), index('extract_drafts_expires').on(t.expiresAt)],
);

/**
 * Vote cards: the messages a vote was cast from. The first stored vote from a message registers
 * it (in the vote's own statement, `on conflict do nothing`: a click never writes an existing
 * row). The card flusher (src/jobs/cards.ts) bumps `version` of every card of a claim whose
 * votes changed (found through `votes.changed_xid`, see `card_scan`), edits each pending card at
 * most once per interval and records the version it showed. Kept in the database, so a restart
 * still edits what was pending.
 */
export const cardRefreshes = pgTable(
  'card_refreshes',
  {
    guildId: text().notNull(),
    /** The message the card is on, and its channel (a channel message: cards are never ephemeral). */
    messageId: text().notNull(),
    channelId: text().notNull(),
    claimId: integer().notNull(),
    /** Embeds of the message around the card (e.g. a round's summary), kept as they are when the card is edited. */
    frame: jsonb().$type<{ before: unknown[]; after: unknown[]; compact?: boolean }>(),
    /** Bumped by the card flusher when the claim's votes changed; the card shows `flushedVersion`. */
    version: integer().notNull().default(1),
    flushedVersion: integer().notNull().default(0),
    dirtyAt: ts().notNull(),
    /** When a flusher last took the card (at most one edit per card per interval). */
    editedAt: ts(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.messageId] }),
    foreignKey({ name: 'card_refreshes_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
    index('card_refreshes_pending').on(t.dirtyAt).where(sql`${t.version} > ${t.flushedVersion}`),
    index('card_refreshes_claim').on(t.guildId, t.claimId),
  ],
);

/**
 * One row (id 1): the card flusher's watermark over `votes.changed_xid`. `seen` is the snapshot
 * (pg_snapshot as text) of its last look: a vote whose transaction was not visible in it is new
 * since. Written once per flusher pass (never by a click), in the statement that marks the cards,
 * so a restart goes on from where the last committed pass stopped. The migration that creates it
 * stores its own snapshot, so votes from before it (marked the old way) are not scanned. A
 * database restored into another cluster (transaction ids restarted lower) is noticed by the
 * first look, which starts over from then.
 */
export const cardScan = pgTable(
  'card_scan',
  {
    id: integer().primaryKey(),
    seen: text().notNull(),
    scannedAt: ts(),
  },
  (t) => [check('card_scan_one_row', sql`${t.id} = 1`)],
);

/**
 * Interaction ids already taken by an HTTP replica (src/http/): a replayed request, to this
 * replica or another, finds its id here and is refused. Pruned after a few minutes (Discord's
 * signed timestamp older than that is refused anyway).
 */
export const interactionReceipts = pgTable('interaction_receipts', {
  id: text().primaryKey(),
  receivedAt: ts().notNull().defaultNow(),
}, (t) => [index('interaction_receipts_received_at_idx').on(t.receivedAt)]);

/**
 * A member's own settings in one server. `notify`: a direct message when a claim they forecast or
 * voted on resolves or is reopened (off until they turn it on with /predict notify). Discord
 * refusing a DM to them (403, code 50007: their privacy settings) is noted in `dmRefusedAt`, and
 * no DM is tried again until they turn the setting on again.
 */
export const memberSettings = pgTable(
  'member_settings',
  {
    guildId: text().notNull(),
    userId: text().notNull(),
    notify: boolean().notNull().default(false),
    dmRefusedAt: ts(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/**
 * The direct-message outbox: one row per member to tell about one resolution or reopening of a
 * claim, written in the transaction that changed the claim (src/ledger/notices.ts), so a restart
 * loses none. The sender (src/jobs/direct-messages.ts) takes rows with SKIP LOCKED, stamps them
 * (`takenAt`, `attempts`), sends outside any transaction and records `sentAt` or `failedAt`: a
 * failure is never tried again. A row taken by a process that died before recording an answer is
 * taken once more after a lease, with the same nonce (Discord returns the first message).
 */
export const directMessages = pgTable(
  'direct_messages',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    guildId: text().notNull(),
    claimId: integer().notNull(),
    userId: text().notNull(),
    /** resolved | reopened */
    event: text().notNull(),
    /** The outcome it resolved as, or (reopened) the one that no longer stands. */
    outcome: outcomeEnum(),
    /** Members who would have been told (the cap leaves some out when above it). */
    eligible: integer().notNull(),
    createdAt: ts().notNull().defaultNow(),
    takenAt: ts(),
    attempts: integer().notNull().default(0),
    sentAt: ts(),
    messageId: text(),
    failedAt: ts(),
    error: text(),
  },
  (t) => [
    check('direct_messages_event', sql`${t.event} in ('resolved', 'reopened')`),
    foreignKey({ name: 'direct_messages_claim_same_guild', columns: [t.guildId, t.claimId], foreignColumns: [claims.guildId, claims.id] }),
    index('direct_messages_pending').on(t.id).where(sql`${t.sentAt} is null and ${t.failedAt} is null`),
    index('direct_messages_created').on(t.createdAt),
  ],
);
