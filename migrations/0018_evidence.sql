CREATE TYPE "public"."evidence_side" AS ENUM('came_true', 'did_not', 'context');--> statement-breakpoint
CREATE TABLE "claim_threads" (
	"guild_id" text NOT NULL,
	"claim_id" integer NOT NULL,
	"channel_id" text NOT NULL,
	"message_id" text NOT NULL,
	"thread_id" text,
	"failed_at" timestamp with time zone,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_threads_guild_id_claim_id_pk" PRIMARY KEY("guild_id","claim_id")
);
--> statement-breakpoint
CREATE TABLE "evidence" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"claim_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"side" "evidence_side" NOT NULL,
	"url" text,
	"note" text,
	"imported_from" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" text,
	CONSTRAINT "evidence_guild_id" UNIQUE("guild_id","id"),
	CONSTRAINT "evidence_has_content" CHECK ("evidence"."url" is not null or "evidence"."note" is not null)
);
--> statement-breakpoint
ALTER TABLE "claim_threads" ADD CONSTRAINT "claim_threads_claim_same_guild" FOREIGN KEY ("guild_id","claim_id") REFERENCES "public"."claims"("guild_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_claim_same_guild" FOREIGN KEY ("guild_id","claim_id") REFERENCES "public"."claims"("guild_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_guild_claim" ON "evidence" USING btree ("guild_id","claim_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_guild_claim_user_at" ON "evidence" USING btree ("guild_id","claim_id","user_id","created_at");--> statement-breakpoint
-- Vote evidence stored before evidence items existed becomes items (the vote rows keep their column):
-- came true and partly back "came true", did not backs "did not", too early is context; a text that is
-- one http(s) link becomes the link, anything else the note.
INSERT INTO "evidence" ("guild_id", "claim_id", "user_id", "side", "url", "note", "imported_from", "created_at")
SELECT "guild_id", "claim_id", "user_id",
  (CASE "verdict" WHEN 'came_true' THEN 'came_true' WHEN 'partly' THEN 'came_true' WHEN 'did_not' THEN 'did_not' ELSE 'context' END)::"evidence_side",
  CASE WHEN btrim("evidence") ~ '^https?://\S+$' AND length(btrim("evidence")) <= 500 THEN btrim("evidence") END,
  CASE WHEN btrim("evidence") ~ '^https?://\S+$' AND length(btrim("evidence")) <= 500 THEN NULL ELSE "evidence" END,
  "imported_from", "cast_at"
FROM "votes" WHERE "evidence" IS NOT NULL AND btrim("evidence") <> ''
ON CONFLICT DO NOTHING;
