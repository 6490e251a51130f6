CREATE TABLE "interaction_receipts" (
	"id" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "interaction_receipts_received_at_idx" ON "interaction_receipts" USING btree ("received_at");