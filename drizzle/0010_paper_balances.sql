CREATE TABLE "paper_balances" (
	"account" text NOT NULL,
	"coin" text NOT NULL,
	"wallet" numeric(38, 18) NOT NULL,
	"cum_realised_pnl" numeric(38, 18) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paper_balances_account_coin_pk" PRIMARY KEY("account","coin")
);
--> statement-breakpoint
CREATE TABLE "paper_positions" (
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"size" numeric(38, 18) NOT NULL,
	"avg_price" numeric(38, 18) NOT NULL,
	"leverage" numeric(38, 18) NOT NULL,
	"cum_realised_pnl" numeric(38, 18) NOT NULL,
	"take_profit" numeric(38, 18),
	"stop_loss" numeric(38, 18),
	"open_time" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paper_positions_account_symbol_pk" PRIMARY KEY("account","symbol")
);
