CREATE TABLE "candles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"interval" text NOT NULL,
	"open_time" bigint NOT NULL,
	"open" numeric(38, 18) NOT NULL,
	"high" numeric(38, 18) NOT NULL,
	"low" numeric(38, 18) NOT NULL,
	"close" numeric(38, 18) NOT NULL,
	"volume" numeric(38, 18) NOT NULL,
	"turnover" numeric(38, 18),
	"closed" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instruments" (
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"base_coin" text NOT NULL,
	"quote_coin" text NOT NULL,
	"tick_size" numeric(38, 18) NOT NULL,
	"qty_step" numeric(38, 18) NOT NULL,
	"min_order_qty" numeric(38, 18) NOT NULL,
	"max_order_qty" numeric(38, 18) NOT NULL,
	"max_market_order_qty" numeric(38, 18) NOT NULL,
	"min_notional" numeric(38, 18) NOT NULL,
	"max_leverage" numeric(38, 18) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instruments_category_symbol_pk" PRIMARY KEY("category","symbol")
);
--> statement-breakpoint
CREATE TABLE "strategy_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"strategy" text NOT NULL,
	"symbol" text NOT NULL,
	"category" text NOT NULL,
	"interval" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sizing" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"last_candle_time" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_votes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"approval_id" bigint NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	"vote" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intent_id" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"required_votes" integer DEFAULT 1 NOT NULL,
	"ref_price" numeric(38, 18),
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"messages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approvals_intent_id_unique" UNIQUE("intent_id")
);
--> statement-breakpoint
CREATE TABLE "balances" (
	"coin" text PRIMARY KEY NOT NULL,
	"wallet_balance" numeric(38, 18) NOT NULL,
	"available" numeric(38, 18) NOT NULL,
	"equity" numeric(38, 18) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "equity_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ts" bigint NOT NULL,
	"equity" numeric(38, 18) NOT NULL,
	"unrealized_pnl" numeric(38, 18) NOT NULL,
	"realized_pnl" numeric(38, 18) NOT NULL,
	CONSTRAINT "equity_snapshots_ts_unique" UNIQUE("ts")
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" bigint,
	"exec_id" text NOT NULL,
	"order_link_id" text,
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"qty" numeric(38, 18) NOT NULL,
	"price" numeric(38, 18) NOT NULL,
	"fee" numeric(38, 18) NOT NULL,
	"fee_currency" text NOT NULL,
	"exec_type" text DEFAULT 'Trade' NOT NULL,
	"is_maker" boolean DEFAULT false NOT NULL,
	"exec_time" bigint NOT NULL,
	"strategy_instance_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fills_exec_id_unique" UNIQUE("exec_id")
);
--> statement-breakpoint
CREATE TABLE "intents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"strategy_instance_id" text,
	"candle_time" bigint,
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"order_type" text DEFAULT 'Market' NOT NULL,
	"qty" numeric(38, 18),
	"notional" numeric(38, 18),
	"limit_price" numeric(38, 18),
	"stop_price" numeric(38, 18),
	"reduce_only" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"requested_by" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" bigint NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ts" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intent_id" bigint,
	"order_link_id" text NOT NULL,
	"exchange_order_id" text,
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"order_type" text NOT NULL,
	"qty" numeric(38, 18) NOT NULL,
	"price" numeric(38, 18),
	"time_in_force" text,
	"reduce_only" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"cum_qty" numeric(38, 18) NOT NULL,
	"avg_price" numeric(38, 18),
	"cum_fee" numeric(38, 18) NOT NULL,
	"reject_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_order_link_id_unique" UNIQUE("order_link_id")
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"category" text NOT NULL,
	"symbol" text NOT NULL,
	"size" numeric(38, 18) NOT NULL,
	"avg_entry" numeric(38, 18) NOT NULL,
	"realized_pnl" numeric(38, 18) NOT NULL,
	"fees" numeric(38, 18) NOT NULL,
	"funding" numeric(38, 18) NOT NULL,
	"mark_price" numeric(38, 18),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "positions_category_symbol_pk" PRIMARY KEY("category","symbol")
);
--> statement-breakpoint
CREATE TABLE "risk_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intent_id" bigint NOT NULL,
	"outcome" text NOT NULL,
	"qty" numeric(38, 18),
	"price" numeric(38, 18),
	"notional" numeric(38, 18),
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"severity" text DEFAULT 'info' NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"dedupe_key" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "alerts_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ts" bigint NOT NULL,
	"actor" text NOT NULL,
	"platform" text,
	"chat_id" text,
	"action" text NOT NULL,
	"args" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"outcome" text NOT NULL,
	"detail" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_log_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "backtest_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"requested_by" text,
	"strategy" text NOT NULL,
	"symbol" text,
	"interval" text,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"data_source" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stats" jsonb,
	"chart" "bytea",
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "chat_users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	"scope" text DEFAULT '*' NOT NULL,
	"role" text NOT NULL,
	"added_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"env" text NOT NULL,
	"key_id" text NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"ciphertext" "bytea" NOT NULL,
	"last4" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "trading_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"state" text DEFAULT 'ACTIVE' NOT NULL,
	"reason" text,
	"changed_by" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trading_state_singleton" CHECK ("trading_state"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_approval_id_approvals_id_fk" FOREIGN KEY ("approval_id") REFERENCES "public"."approvals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_intent_id_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."intents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intents" ADD CONSTRAINT "intents_strategy_instance_id_strategy_instances_id_fk" FOREIGN KEY ("strategy_instance_id") REFERENCES "public"."strategy_instances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_intent_id_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."intents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_decisions" ADD CONSTRAINT "risk_decisions_intent_id_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."intents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "candles_series_time_uq" ON "candles" USING btree ("category","symbol","interval","open_time");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_votes_voter_uq" ON "approval_votes" USING btree ("approval_id","platform","user_id");--> statement-breakpoint
CREATE INDEX "fills_symbol_time_idx" ON "fills" USING btree ("symbol","exec_time");--> statement-breakpoint
CREATE UNIQUE INDEX "intents_instance_candle_uq" ON "intents" USING btree ("strategy_instance_id","candle_time") WHERE "intents"."strategy_instance_id" is not null;--> statement-breakpoint
CREATE INDEX "intents_status_idx" ON "intents" USING btree ("status");--> statement-breakpoint
CREATE INDEX "order_events_order_idx" ON "order_events" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status");--> statement-breakpoint
CREATE INDEX "orders_intent_idx" ON "orders" USING btree ("intent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_users_identity_uq" ON "chat_users" USING btree ("platform","user_id","scope");--> statement-breakpoint
CREATE UNIQUE INDEX "secrets_name_env_uq" ON "secrets" USING btree ("name","env");