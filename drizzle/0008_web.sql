CREATE TABLE "web_api_tokens" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"hint" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "web_login_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	"scope" text NOT NULL,
	"user_name" text,
	"role" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "web_sessions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"platform" text NOT NULL,
	"user_id" text NOT NULL,
	"scope" text NOT NULL,
	"user_name" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "web_api_tokens_hash_uq" ON "web_api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "web_api_tokens_name_ix" ON "web_api_tokens" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "web_login_links_hash_uq" ON "web_login_links" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "web_sessions_hash_uq" ON "web_sessions" USING btree ("token_hash");