CREATE TABLE "book_positions" (
	"book" text NOT NULL,
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"size" numeric(38, 18) NOT NULL,
	"avg_entry" numeric(38, 18) NOT NULL,
	"realized_pnl" numeric(38, 18) NOT NULL,
	"fees" numeric(38, 18) NOT NULL,
	"funding" numeric(38, 18) NOT NULL,
	"cost_basis" numeric(38, 18) NOT NULL,
	"other_fees" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fill_count" integer DEFAULT 0 NOT NULL,
	"trade_base" numeric(38, 18) NOT NULL,
	"opened_at" bigint,
	"last_exec_time" bigint,
	"last_exec_seq" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "book_positions_book_category_symbol_pk" PRIMARY KEY("book","category","symbol")
);
--> statement-breakpoint
CREATE TABLE "book_protections" (
	"book" text NOT NULL,
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"stop_spec" jsonb,
	"take_profit_spec" jsonb,
	"trailing_spec" jsonb,
	"stop_price" numeric(38, 18),
	"take_profit_price" numeric(38, 18),
	"best_price" numeric(38, 18),
	"stop_ref" text,
	"take_profit_ref" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "book_protections_book_category_symbol_pk" PRIMARY KEY("book","category","symbol")
);
--> statement-breakpoint
CREATE TABLE "kernel_epoch" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"epoch" bigint DEFAULT 0 NOT NULL,
	"clock" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kernel_epoch_singleton" CHECK ("kernel_epoch"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "book" text;--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "book_trade_pnl" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "book" text;--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "purpose" text;--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "order_kind" text;--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "filled" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "intents" ADD COLUMN "denials" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "book" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "purpose" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "post_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "trigger_price" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "trigger_direction" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "expires_at" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
CREATE INDEX "fills_book_venue_order_idx" ON "fills" USING btree ("book","category","symbol","exec_time","exec_seq");--> statement-breakpoint
CREATE INDEX "intents_open_by_book_idx" ON "intents" USING btree ("book") WHERE "intents"."status" in ('pending-risk', 'approved', 'awaiting-approval', 'submitted');--> statement-breakpoint
CREATE INDEX "orders_open_by_book_idx" ON "orders" USING btree ("book") WHERE "orders"."status" not in ('Filled', 'Cancelled', 'Rejected', 'Expired');--> statement-breakpoint
-- Backfill (hand-written): every existing intent, order and fill goes to the book it came from. Intents of
-- a strategy instance are its book, every other intent is the operator's; an order takes its intent's book;
-- a fill takes its instance, else the book of our order it executed, else it was made outside bosun.
UPDATE "intents" SET
	"book" = coalesce("strategy_instance_id", 'manual'),
	"purpose" = CASE
		WHEN "leg" = 'exit' OR "source" IN ('close', 'kill', 'flatten') THEN 'exit'
		WHEN "strategy_instance_id" IS NULL THEN 'manual'
		ELSE 'entry'
	END,
	"order_kind" = CASE WHEN "order_type" = 'Limit' THEN 'limit' ELSE 'market' END,
	"filled" = coalesce((SELECT sum(o."cum_qty") FROM "orders" o WHERE o."intent_id" = "intents"."id"), 0)
WHERE "book" IS NULL;--> statement-breakpoint
UPDATE "orders" SET
	"book" = i."book",
	"purpose" = CASE WHEN i."purpose" = 'exit' THEN 'exit' ELSE 'entry' END
FROM "intents" i
WHERE "orders"."intent_id" = i."id" AND "orders"."book" IS NULL;--> statement-breakpoint
UPDATE "orders" SET
	"book" = 'manual',
	"purpose" = CASE WHEN "reduce_only" THEN 'exit' ELSE 'entry' END
WHERE "book" IS NULL;--> statement-breakpoint
UPDATE "orders" SET "post_only" = true WHERE "time_in_force" = 'PostOnly';--> statement-breakpoint
UPDATE "fills" SET "book" = coalesce("fills"."strategy_instance_id", o."book")
FROM "orders" o
WHERE "fills"."book" IS NULL
	AND (o."id" = "fills"."order_id" OR o."order_link_id" = "fills"."order_link_id");--> statement-breakpoint
UPDATE "fills" SET "book" = coalesce("strategy_instance_id", 'external') WHERE "book" IS NULL;--> statement-breakpoint
INSERT INTO "kernel_epoch" ("id") VALUES (1) ON CONFLICT DO NOTHING;
