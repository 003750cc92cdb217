-- SQLite's 0026: each ledger entry's place in its pool (1, 2, 3…), unique per pool. Under READ
-- COMMITTED two transactions may both read the same last entry; the unique index makes the second
-- wait for the first and then refuses it, so a pool's chain can never fork.
ALTER TABLE "ledger_entries" ADD COLUMN "pool_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" DISABLE TRIGGER "ledger_entries_no_update";--> statement-breakpoint
UPDATE "ledger_entries" SET "pool_seq" = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY pool_id ORDER BY id) AS n FROM "ledger_entries") AS numbered
WHERE numbered.id = "ledger_entries".id;--> statement-breakpoint
ALTER TABLE "ledger_entries" ENABLE TRIGGER "ledger_entries_no_update";--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_pool_seq_unique" ON "ledger_entries" USING btree ("pool_id","pool_seq");--> statement-breakpoint
CREATE FUNCTION ledger_entries_pool_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous integer;
BEGIN
  SELECT max(le.pool_seq) INTO previous FROM ledger_entries le WHERE le.pool_id = NEW.pool_id;
  IF NEW.pool_seq IS DISTINCT FROM coalesce(previous, 0) + 1 THEN
    RAISE EXCEPTION 'ledger_entries.pool_seq must be the number of the pool''s previous entry plus one' USING ERRCODE = '23000';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_pool_sequence BEFORE INSERT ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_entries_pool_sequence();
--> statement-breakpoint
ANALYZE ledger_entries;
