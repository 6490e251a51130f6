ALTER TABLE "forecasts" ADD COLUMN "imported_from" text;--> statement-breakpoint
ALTER TABLE "guilds" ADD COLUMN "export_key" text;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "imported_from" text;