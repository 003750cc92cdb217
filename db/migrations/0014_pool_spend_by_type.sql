CREATE TABLE `pool_spend_by_type` (
	`pool_id` integer NOT NULL,
	`occasion` text NOT NULL,
	`type_id` integer NOT NULL,
	`committed` integer DEFAULT 0 NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	`gestures` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`pool_id`, `occasion`, `type_id`),
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
-- Hand-written (keep at the end when regenerating): pool_spend_by_type is kept by this trigger in
-- the transaction of every hold, release and capture entry (the ledger is append-only, so inserts
-- are the only change), then filled once from the entries already there.
CREATE TRIGGER ledger_entries_pool_spend_by_type AFTER INSERT ON ledger_entries
WHEN NEW.kind IN ('hold', 'release', 'capture')
BEGIN
  INSERT INTO pool_spend_by_type (pool_id, occasion, type_id, committed, spent, gestures)
  SELECT NEW.pool_id, coalesce(g.occasion, ''), coalesce(g.type_id, 0),
    CASE WHEN NEW.kind IN ('hold', 'release') THEN -NEW.amount ELSE 0 END,
    CASE WHEN NEW.kind = 'capture' THEN -NEW.amount ELSE 0 END,
    CASE WHEN NEW.kind = 'hold' THEN 1 ELSE 0 END
  FROM (SELECT 1) LEFT JOIN gestures g ON g.id = NEW.gesture_id
  WHERE true
  ON CONFLICT (pool_id, occasion, type_id) DO UPDATE SET
    committed = committed + excluded.committed,
    spent = spent + excluded.spent,
    gestures = gestures + excluded.gestures;
END;--> statement-breakpoint
INSERT INTO pool_spend_by_type (pool_id, occasion, type_id, committed, spent, gestures)
SELECT le.pool_id, coalesce(g.occasion, ''), coalesce(g.type_id, 0),
  coalesce(-sum(CASE WHEN le.kind IN ('hold', 'release') THEN le.amount END), 0),
  coalesce(-sum(CASE WHEN le.kind = 'capture' THEN le.amount END), 0),
  count(CASE WHEN le.kind = 'hold' THEN 1 END)
FROM ledger_entries le LEFT JOIN gestures g ON g.id = le.gesture_id
WHERE le.kind IN ('hold', 'release', 'capture')
GROUP BY 1, 2, 3;
