CREATE TABLE "card_scan" (
	"id" integer PRIMARY KEY NOT NULL,
	"seen" text NOT NULL,
	"scanned_at" timestamp with time zone,
	CONSTRAINT "card_scan_one_row" CHECK ("card_scan"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "changed_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "card_refreshes_claim" ON "card_refreshes" USING btree ("guild_id","claim_id");--> statement-breakpoint
CREATE INDEX "votes_changed_xid" ON "votes" USING btree ("changed_xid");--> statement-breakpoint
-- The card flusher's watermark starts at this migration's snapshot: votes stored before it marked their cards the old way.
INSERT INTO "card_scan" ("id", "seen", "scanned_at") VALUES (1, pg_current_snapshot()::text, now());
