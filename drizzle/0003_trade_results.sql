ALTER TABLE "fills" ADD COLUMN "trade_pnl" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "positions" ADD COLUMN "trade_base" numeric(38, 18) DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "equity_snapshots_equity_idx" ON "equity_snapshots" USING btree ("equity");--> statement-breakpoint
CREATE INDEX "fills_trade_results_idx" ON "fills" USING btree ("exec_time") WHERE "fills"."trade_pnl" is not null;--> statement-breakpoint
CREATE INDEX "intents_open_by_instance_idx" ON "intents" USING btree ("strategy_instance_id") WHERE "intents"."status" in ('pending-risk', 'approved', 'awaiting-approval', 'submitted');