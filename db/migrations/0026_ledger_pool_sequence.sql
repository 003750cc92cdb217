-- Issue 20: each ledger entry's place in its pool (1, 2, 3…), unique per pool. Two writers who both
-- read the pool's last entry cannot both append after it: the second is refused by the unique
-- index, on any engine and isolation level (on SQLite BEGIN IMMEDIATE already serializes them).
ALTER TABLE `ledger_entries` ADD `pool_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Number the existing entries in their order. The table is append-only, so its guard steps aside
-- for this one statement and is put back exactly as 0005 wrote it.
DROP TRIGGER ledger_entries_no_update;--> statement-breakpoint
UPDATE `ledger_entries` SET `pool_seq` = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY pool_id ORDER BY id) AS n FROM `ledger_entries`) AS numbered
WHERE numbered.id = `ledger_entries`.id;--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: updates are refused');
END;
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_pool_seq_unique` ON `ledger_entries` (`pool_id`,`pool_seq`);--> statement-breakpoint
-- Every new entry takes the next number of its pool, as balance_after takes the next balance.
CREATE TRIGGER ledger_entries_pool_sequence BEFORE INSERT ON ledger_entries
WHEN NEW.pool_seq IS NOT coalesce((SELECT max(pool_seq) FROM ledger_entries WHERE pool_id = NEW.pool_id), 0) + 1
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries.pool_seq must be the number of the pool''s previous entry plus one');
END;
--> statement-breakpoint
-- Fresh statistics for the table and its new index: with the old ones the planner took the new
-- index for "the pool's last entry by id" and sorted the pool's entries on every append.
ANALYZE ledger_entries;
