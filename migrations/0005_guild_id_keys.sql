ALTER TABLE "claims" DROP CONSTRAINT "claims_speaker_id_speakers_id_fk";
--> statement-breakpoint
ALTER TABLE "claims" DROP CONSTRAINT "claims_article_id_articles_id_fk";
--> statement-breakpoint
ALTER TABLE "forecasts" DROP CONSTRAINT "forecasts_claim_id_claims_id_fk";
--> statement-breakpoint
ALTER TABLE "schedule_runs" DROP CONSTRAINT "schedule_runs_schedule_id_schedules_id_fk";
--> statement-breakpoint
ALTER TABLE "votes" DROP CONSTRAINT "votes_claim_id_claims_id_fk";
--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_guild_id" UNIQUE("guild_id","id");--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_guild_id" UNIQUE("guild_id","id");--> statement-breakpoint
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_guild_id" UNIQUE("guild_id","id");--> statement-breakpoint
ALTER TABLE "speakers" ADD CONSTRAINT "speakers_guild_id" UNIQUE("guild_id","id");