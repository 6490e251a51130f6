CREATE TABLE "card_refreshes" (
	"guild_id" text NOT NULL,
	"message_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"claim_id" integer NOT NULL,
	"frame" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"flushed_version" integer DEFAULT 0 NOT NULL,
	"dirty_at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone,
	CONSTRAINT "card_refreshes_guild_id_message_id_pk" PRIMARY KEY("guild_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "card_refreshes" ADD CONSTRAINT "card_refreshes_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "card_refreshes_pending" ON "card_refreshes" USING btree ("dirty_at") WHERE "card_refreshes"."version" > "card_refreshes"."flushed_version";