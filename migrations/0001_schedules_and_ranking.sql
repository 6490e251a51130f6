CREATE TYPE "public"."schedule_status" AS ENUM('active', 'paused', 'disabled');--> statement-breakpoint
CREATE TABLE "cron_leases" (
	"key" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_runs" (
	"schedule_id" integer NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"guild_id" text NOT NULL,
	"outcome" text NOT NULL,
	"message_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_runs_schedule_id_slot_pk" PRIMARY KEY("schedule_id","slot")
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"cron" text NOT NULL,
	"timezone" text NOT NULL,
	"description" text NOT NULL,
	"status" "schedule_status" DEFAULT 'active' NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"status_reason" text,
	"last_slot" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "guilds" ADD COLUMN "min_ranked" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_schedule_id_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedules_guild" ON "schedules" USING btree ("guild_id");--> statement-breakpoint
CREATE INDEX "schedules_status" ON "schedules" USING btree ("status");--> statement-breakpoint
ALTER TABLE "guilds" ADD CONSTRAINT "guilds_min_ranked_range" CHECK ("guilds"."min_ranked" between 1 and 1000);