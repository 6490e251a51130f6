CREATE TABLE "direct_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"guild_id" text NOT NULL,
	"claim_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"event" text NOT NULL,
	"outcome" "outcome",
	"eligible" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"taken_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone,
	"message_id" text,
	"failed_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "direct_messages_event" CHECK ("direct_messages"."event" in ('resolved', 'reopened'))
);
--> statement-breakpoint
CREATE TABLE "member_settings" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"notify" boolean DEFAULT false NOT NULL,
	"dm_refused_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_settings_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "direct_messages" ADD CONSTRAINT "direct_messages_claim_same_guild" FOREIGN KEY ("guild_id","claim_id") REFERENCES "public"."claims"("guild_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "direct_messages_pending" ON "direct_messages" USING btree ("id") WHERE "direct_messages"."sent_at" is null and "direct_messages"."failed_at" is null;--> statement-breakpoint
CREATE INDEX "direct_messages_created" ON "direct_messages" USING btree ("created_at");