-- Before the composite foreign keys (0006): every row that names a claim, schedule, speaker or
-- article must name one of its own server. The bot never wrote otherwise, so on a real database
-- these statements change nothing; they make the migration apply whatever the data.
-- Every child table already carries guild_id (not null), so nothing needs a new column.

-- A claim naming another server's speaker or article gets its own server's copy of it.
INSERT INTO "speakers" ("guild_id", "name", "name_key", "note")
SELECT DISTINCT ON (c."guild_id", s."name_key") c."guild_id", s."name", s."name_key", s."note"
FROM "claims" c JOIN "speakers" s ON s."id" = c."speaker_id"
WHERE s."guild_id" <> c."guild_id"
ON CONFLICT ("guild_id", "name_key") DO NOTHING;--> statement-breakpoint
UPDATE "claims" c SET "speaker_id" = own."id"
FROM "speakers" s, "speakers" own
WHERE s."id" = c."speaker_id" AND s."guild_id" <> c."guild_id" AND own."guild_id" = c."guild_id" AND own."name_key" = s."name_key";--> statement-breakpoint
INSERT INTO "articles" ("guild_id", "key", "outlet", "title", "url", "published_on", "title_note")
SELECT DISTINCT ON (c."guild_id", a."key") c."guild_id", a."key", a."outlet", a."title", a."url", a."published_on", a."title_note"
FROM "claims" c JOIN "articles" a ON a."id" = c."article_id"
WHERE a."guild_id" <> c."guild_id"
ON CONFLICT ("guild_id", "key") DO NOTHING;--> statement-breakpoint
UPDATE "claims" c SET "article_id" = own."id"
FROM "articles" a, "articles" own
WHERE a."id" = c."article_id" AND a."guild_id" <> c."guild_id" AND own."guild_id" = c."guild_id" AND own."key" = a."key";--> statement-breakpoint

-- Votes, forecasts and schedule runs belong to the server of the row they name (backfilled from the parent).
UPDATE "votes" v SET "guild_id" = c."guild_id" FROM "claims" c WHERE c."id" = v."claim_id" AND v."guild_id" <> c."guild_id";--> statement-breakpoint
UPDATE "forecasts" f SET "guild_id" = c."guild_id" FROM "claims" c WHERE c."id" = f."claim_id" AND f."guild_id" <> c."guild_id";--> statement-breakpoint
UPDATE "schedule_runs" r SET "guild_id" = s."guild_id" FROM "schedules" s WHERE s."id" = r."schedule_id" AND r."guild_id" <> s."guild_id";--> statement-breakpoint

-- An audit entry stays in its own server's history; a claim id there that is not that server's
-- (or no claim at all: audit_log had no foreign key) is dropped, its claim_number kept.
UPDATE "audit_log" a SET "claim_id" = NULL
WHERE a."claim_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "claims" c WHERE c."id" = a."claim_id" AND c."guild_id" = a."guild_id");
