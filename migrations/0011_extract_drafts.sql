CREATE TABLE "extract_drafts" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"owner_id" text NOT NULL,
	"article" jsonb NOT NULL,
	"candidates" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "guilds" ADD COLUMN "extract_by" text DEFAULT 'managers' NOT NULL;--> statement-breakpoint
CREATE INDEX "extract_drafts_guild" ON "extract_drafts" USING btree ("guild_id","created_at");--> statement-breakpoint
CREATE INDEX "extract_drafts_expires" ON "extract_drafts" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "guilds" ADD CONSTRAINT "guilds_extract_by" CHECK ("guilds"."extract_by" in ('managers', 'members'));