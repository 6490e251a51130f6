CREATE TABLE "round_parts" (
	"schedule_id" integer NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"part" integer NOT NULL,
	"guild_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"nonce" text NOT NULL,
	"message_id" text,
	"posted_at" timestamp with time zone,
	CONSTRAINT "round_parts_schedule_id_slot_part_pk" PRIMARY KEY("schedule_id","slot","part")
);
--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "scanned_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "round_parts" ADD CONSTRAINT "round_parts_schedule_id_slot_schedule_runs_schedule_id_slot_fk" FOREIGN KEY ("schedule_id","slot") REFERENCES "public"."schedule_runs"("schedule_id","slot") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cron_leases_claimed" ON "cron_leases" USING btree ("claimed_at");--> statement-breakpoint
CREATE INDEX "schedule_runs_posting" ON "schedule_runs" USING btree ("slot") WHERE "schedule_runs"."outcome" = 'posting';--> statement-breakpoint
CREATE INDEX "schedule_runs_created" ON "schedule_runs" USING btree ("created_at");