ALTER TABLE "articles" ADD COLUMN "title_note" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "check_by_note" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "hedge" text;