CREATE TYPE "public"."claim_status" AS ENUM('open', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."outcome" AS ENUM('came_true', 'partly', 'did_not', 'void');--> statement-breakpoint
CREATE TYPE "public"."verdict" AS ENUM('came_true', 'partly', 'did_not', 'too_early');--> statement-breakpoint
CREATE TABLE "articles" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"key" text NOT NULL,
	"outlet" text,
	"title" text,
	"url" text,
	"published_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"claim_id" integer,
	"claim_number" integer,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"number" integer NOT NULL,
	"source_key" text,
	"text" text NOT NULL,
	"quote" text,
	"speaker_id" integer,
	"article_id" integer,
	"family" text,
	"made_on" date NOT NULL,
	"check_by" date NOT NULL,
	"criteria" text,
	"due_at" timestamp with time zone NOT NULL,
	"window_starts_at" timestamp with time zone NOT NULL,
	"voting_closes_at" timestamp with time zone NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"status" "claim_status" DEFAULT 'open' NOT NULL,
	"outcome" "outcome",
	"flag" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	"added_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "forecasts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"claim_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"probability" real NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecasts_probability_range" CHECK ("forecasts"."probability" >= 0 and "forecasts"."probability" <= 100)
);
--> statement-breakpoint
CREATE TABLE "guilds" (
	"guild_id" text PRIMARY KEY NOT NULL,
	"quorum" integer DEFAULT 3 NOT NULL,
	"majority_pct" integer DEFAULT 60 NOT NULL,
	"voting_window_days" integer DEFAULT 7 NOT NULL,
	"blind_voting" boolean DEFAULT false NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"too_early_step_days" integer DEFAULT 30 NOT NULL,
	"next_claim_number" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guilds_quorum_range" CHECK ("guilds"."quorum" between 1 and 1000),
	CONSTRAINT "guilds_majority_range" CHECK ("guilds"."majority_pct" between 50 and 100),
	CONSTRAINT "guilds_window_range" CHECK ("guilds"."voting_window_days" between 1 and 365),
	CONSTRAINT "guilds_too_early_range" CHECK ("guilds"."too_early_step_days" between 1 and 3650)
);
--> statement-breakpoint
CREATE TABLE "speakers" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"guild_id" text NOT NULL,
	"claim_id" integer NOT NULL,
	"round" integer NOT NULL,
	"user_id" text NOT NULL,
	"verdict" "verdict" NOT NULL,
	"evidence" text,
	"cast_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "votes_claim_id_round_user_id_pk" PRIMARY KEY("claim_id","round","user_id")
);
--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_speaker_id_speakers_id_fk" FOREIGN KEY ("speaker_id") REFERENCES "public"."speakers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "articles_guild_key" ON "articles" USING btree ("guild_id","key");--> statement-breakpoint
CREATE INDEX "audit_guild_claim_time" ON "audit_log" USING btree ("guild_id","claim_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_guild_number" ON "claims" USING btree ("guild_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_guild_source_key" ON "claims" USING btree ("guild_id","source_key");--> statement-breakpoint
CREATE INDEX "claims_guild_status_due" ON "claims" USING btree ("guild_id","status","due_at");--> statement-breakpoint
CREATE INDEX "claims_open_closes" ON "claims" USING btree ("voting_closes_at") WHERE "claims"."status" = 'open' and "claims"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "claims_open_due" ON "claims" USING btree ("due_at") WHERE "claims"."status" = 'open' and "claims"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "claims_guild_speaker" ON "claims" USING btree ("guild_id","speaker_id");--> statement-breakpoint
CREATE INDEX "forecasts_claim_user_time" ON "forecasts" USING btree ("claim_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "forecasts_guild_user" ON "forecasts" USING btree ("guild_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "speakers_guild_name_key" ON "speakers" USING btree ("guild_id","name_key");