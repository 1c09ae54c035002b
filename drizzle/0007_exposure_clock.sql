CREATE TABLE "exposure_clock" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "exposure_clock_singleton" CHECK ("exposure_clock"."id" = 1)
);
--> statement-breakpoint
INSERT INTO "exposure_clock" ("id", "version") VALUES (1, 0);
