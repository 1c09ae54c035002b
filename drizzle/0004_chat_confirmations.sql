CREATE TABLE "chat_confirmations" (
	"code" text PRIMARY KEY NOT NULL,
	"user_key" text NOT NULL,
	"command" text NOT NULL,
	"args" jsonb NOT NULL,
	"expires_at" bigint NOT NULL
);
