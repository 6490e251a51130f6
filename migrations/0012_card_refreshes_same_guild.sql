ALTER TABLE "card_refreshes" DROP CONSTRAINT "card_refreshes_claim_id_claims_id_fk";
--> statement-breakpoint
ALTER TABLE "card_refreshes" ADD CONSTRAINT "card_refreshes_claim_same_guild" FOREIGN KEY ("guild_id","claim_id") REFERENCES "public"."claims"("guild_id","id") ON DELETE no action ON UPDATE no action;