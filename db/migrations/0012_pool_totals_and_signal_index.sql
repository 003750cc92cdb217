CREATE TABLE `pool_totals` (
	`pool_id` integer PRIMARY KEY NOT NULL,
	`allocated` integer DEFAULT 0 NOT NULL,
	`adjustments` integer DEFAULT 0 NOT NULL,
	`committed` integer DEFAULT 0 NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	`available` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
DROP INDEX `gestures_signal_idx`;--> statement-breakpoint
CREATE INDEX `gestures_signal_idx` ON `gestures` (`signal_id`) WHERE "gestures"."signal_id" is not null;--> statement-breakpoint
-- Hand-written (issue 9, keep at the end when regenerating): pool_totals is kept by this trigger in
-- the transaction of every ledger insert (the ledger is append-only, so inserts are the only change),
-- then filled once from the entries already there.
CREATE TRIGGER ledger_entries_pool_totals AFTER INSERT ON ledger_entries
BEGIN
  INSERT INTO pool_totals (pool_id, allocated, adjustments, committed, spent, available)
  VALUES (
    NEW.pool_id,
    CASE WHEN NEW.kind = 'allocation' THEN NEW.amount ELSE 0 END,
    CASE WHEN NEW.kind = 'adjustment' THEN NEW.amount ELSE 0 END,
    CASE WHEN NEW.kind IN ('hold', 'release') THEN -NEW.amount ELSE 0 END,
    CASE WHEN NEW.kind = 'capture' THEN -NEW.amount ELSE 0 END,
    NEW.amount
  )
  ON CONFLICT (pool_id) DO UPDATE SET
    allocated = allocated + excluded.allocated,
    adjustments = adjustments + excluded.adjustments,
    committed = committed + excluded.committed,
    spent = spent + excluded.spent,
    available = available + excluded.available;
END;--> statement-breakpoint
INSERT INTO pool_totals (pool_id, allocated, adjustments, committed, spent, available)
SELECT pool_id,
  coalesce(sum(CASE WHEN kind = 'allocation' THEN amount END), 0),
  coalesce(sum(CASE WHEN kind = 'adjustment' THEN amount END), 0),
  coalesce(-sum(CASE WHEN kind IN ('hold', 'release') THEN amount END), 0),
  coalesce(-sum(CASE WHEN kind = 'capture' THEN amount END), 0),
  coalesce(sum(amount), 0)
FROM ledger_entries GROUP BY pool_id;
