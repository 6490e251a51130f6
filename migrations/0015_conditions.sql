ALTER TYPE "public"."claim_status" ADD VALUE 'waiting';--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "condition_claim_id" integer;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "condition_days" integer;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_condition_same_guild" FOREIGN KEY ("guild_id","condition_claim_id") REFERENCES "public"."claims"("guild_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claims_guild_condition" ON "claims" USING btree ("guild_id","condition_claim_id") WHERE "claims"."condition_claim_id" is not null;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_condition_not_self" CHECK ("claims"."condition_claim_id" is null or "claims"."condition_claim_id" <> "claims"."id");--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_condition_days_range" CHECK ("claims"."condition_days" is null or ("claims"."condition_claim_id" is not null and "claims"."condition_days" between 0 and 36500));