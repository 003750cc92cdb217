-- The ledger's rules, enforced by the database itself so that no code path can break them.

-- Entries are append-only: corrections are new entries.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: updates are refused');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: deletes are refused');
END;
--> statement-breakpoint
-- balance_after is the pool's running available balance; with its CHECK (>= 0) this keeps every
-- pool from ever going below zero.
CREATE TRIGGER ledger_entries_running_balance BEFORE INSERT ON ledger_entries
WHEN NEW.balance_after IS NOT coalesce((SELECT balance_after FROM ledger_entries WHERE pool_id = NEW.pool_id ORDER BY id DESC LIMIT 1), 0) + NEW.amount
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries.balance_after must be the previous balance of the pool plus the amount');
END;
--> statement-breakpoint
-- A hold's entries sit on the hold's own pool; the hold entry takes and the release returns exactly the hold's amount.
CREATE TRIGGER ledger_entries_hold_consistent BEFORE INSERT ON ledger_entries
WHEN NEW.hold_id IS NOT NULL AND (
  (SELECT pool_id FROM holds WHERE id = NEW.hold_id) IS NOT NEW.pool_id
  OR (NEW.kind = 'hold' AND NEW.amount IS NOT -(SELECT amount FROM holds WHERE id = NEW.hold_id))
  OR (NEW.kind = 'release' AND NEW.amount IS NOT (SELECT amount FROM holds WHERE id = NEW.hold_id))
)
BEGIN
  SELECT RAISE(ABORT, 'a hold entry must be on the hold''s pool and move exactly the hold''s amount');
END;
--> statement-breakpoint
-- A closed period's pools take no new entries and no new holds.
CREATE TRIGGER ledger_entries_open_period BEFORE INSERT ON ledger_entries
WHEN (SELECT bp.status FROM budget_pools p JOIN budget_periods bp ON bp.id = p.period_id WHERE p.id = NEW.pool_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'the period of this pool is closed');
END;
--> statement-breakpoint
CREATE TRIGGER holds_open_period BEFORE INSERT ON holds
WHEN (SELECT bp.status FROM budget_pools p JOIN budget_periods bp ON bp.id = p.period_id WHERE p.id = NEW.pool_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'the period of this pool is closed');
END;
--> statement-breakpoint
CREATE TRIGGER budget_pools_open_period BEFORE INSERT ON budget_pools
WHEN (SELECT status FROM budget_periods WHERE id = NEW.period_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'the period is closed');
END;
--> statement-breakpoint
-- A hold resolves exactly once: the only change allowed is from open to one final status.
CREATE TRIGGER holds_resolve_once BEFORE UPDATE ON holds
WHEN OLD.status <> 'open' OR NEW.status = 'open'
  OR NEW.id IS NOT OLD.id OR NEW.pool_id IS NOT OLD.pool_id OR NEW.gesture_id IS NOT OLD.gesture_id
  OR NEW.amount IS NOT OLD.amount OR NEW.memo IS NOT OLD.memo OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'a hold resolves exactly once: only an open hold may be released, captured or carried');
END;
--> statement-breakpoint
CREATE TRIGGER holds_no_delete BEFORE DELETE ON holds
BEGIN
  SELECT RAISE(ABORT, 'holds are kept: deletes are refused');
END;
--> statement-breakpoint
-- A period closes once, and only when none of its pools holds an open hold.
CREATE TRIGGER budget_periods_close_once BEFORE UPDATE ON budget_periods
WHEN OLD.status = 'closed'
  OR NEW.id IS NOT OLD.id OR NEW.starts_on IS NOT OLD.starts_on OR NEW.ends_on IS NOT OLD.ends_on OR NEW.length IS NOT OLD.length
BEGIN
  SELECT RAISE(ABORT, 'a closed period stays closed, and a period''s dates never change');
END;
--> statement-breakpoint
CREATE TRIGGER budget_periods_no_open_holds BEFORE UPDATE OF status ON budget_periods
WHEN NEW.status = 'closed' AND EXISTS (
  SELECT 1 FROM holds h JOIN budget_pools p ON p.id = h.pool_id WHERE p.period_id = NEW.id AND h.status = 'open'
)
BEGIN
  SELECT RAISE(ABORT, 'a period with open holds cannot close');
END;
--> statement-breakpoint
CREATE TRIGGER budget_periods_no_delete BEFORE DELETE ON budget_periods
BEGIN
  SELECT RAISE(ABORT, 'budget periods are kept: deletes are refused');
END;
