-- UNLOGGED by hand (drizzle-kit has no such option): a lease is taken on every acting tick, and a write
-- to an unlogged table commits without waiting for a WAL flush. A crash empties the table: harmless.
CREATE UNLOGGED TABLE "tick_leases" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"until" timestamp with time zone NOT NULL
);
