ALTER TABLE "fills" ADD COLUMN "exec_seq" bigint;--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "pos_before" jsonb;--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "folded" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "fills_venue_order_idx" ON "fills" USING btree ("category","symbol","exec_time","exec_seq");