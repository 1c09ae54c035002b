ALTER TABLE "intents" ADD COLUMN "ref" text NOT NULL;--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "attempt" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "cost_basis" numeric(38, 18) DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "other_fees" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "fill_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "opened_at" bigint;--> statement-breakpoint
ALTER TABLE "intents" ADD CONSTRAINT "intents_ref_unique" UNIQUE("ref");