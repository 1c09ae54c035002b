DROP INDEX "intents_instance_candle_uq";--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "leg" text DEFAULT 'entry' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "intents_instance_candle_uq" ON "intents" USING btree ("strategy_instance_id","candle_time","leg") WHERE "intents"."strategy_instance_id" is not null;