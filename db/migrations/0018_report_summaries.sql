CREATE TABLE `customer_segments` (
	`branch_id` integer NOT NULL,
	`segment` text NOT NULL,
	`customers` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`branch_id`, `segment`)
);
--> statement-breakpoint
CREATE TABLE `customer_tenure` (
	`branch_id` integer NOT NULL,
	`since_month` text NOT NULL,
	`customers` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`branch_id`, `since_month`)
);
--> statement-breakpoint
CREATE INDEX `customer_tenure_month_idx` ON `customer_tenure` (`since_month`,`customers`);--> statement-breakpoint
CREATE TABLE `pool_months` (
	`pool_id` integer NOT NULL,
	`month` text NOT NULL,
	`committed` integer DEFAULT 0 NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`pool_id`, `month`),
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `pool_outcomes` (
	`pool_id` integer NOT NULL,
	`occasion` text NOT NULL,
	`type_id` integer NOT NULL,
	`fulfilled` integer DEFAULT 0 NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	`recorded` integer DEFAULT 0 NOT NULL,
	`thanked` integer DEFAULT 0 NOT NULL,
	`positive_feedback` integer DEFAULT 0 NOT NULL,
	`neutral` integer DEFAULT 0 NOT NULL,
	`no_response` integer DEFAULT 0 NOT NULL,
	`negative` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`pool_id`, `occasion`, `type_id`),
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `signal_followups` (
	`branch_id` integer NOT NULL,
	`month` text NOT NULL,
	`kind` text NOT NULL,
	`received` integer NOT NULL,
	`cases` integer DEFAULT 0 NOT NULL,
	`complaint` integer DEFAULT 0 NOT NULL,
	`survey_detractor` integer DEFAULT 0 NOT NULL,
	`survey_promoter` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`month`, `branch_id`, `kind`, `received`)
);
--> statement-breakpoint
ALTER TABLE `signals` ADD `received_gesture` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `signals` ADD `later_complaint` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `signals` ADD `later_detractor` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `signals` ADD `later_promoter` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_since_idx` ON `customers` (`customer_since`) WHERE "customers"."erased_at" is null;--> statement-breakpoint
CREATE INDEX `holds_open_created_idx` ON `holds` (`created_at`) WHERE "holds"."status" = 'open';--> statement-breakpoint
-- Hand-written (issue 19, keep at the end when regenerating): report summaries kept by triggers.
-- Gestures, signals and customers are written in many places (proposals, approvals, fulfilment,
-- imports, erasure, the signal API, the scale seed's raw SQL), so the summaries are kept by
-- triggers in the transaction of each change rather than by the app: no writer can forget them.
-- Every trigger is named keep_*: the scale seed drops them while it loads and rebuilds the
-- summaries at the end (app/domain/administration/summaries.server.ts holds the same recomputation,
-- and `npm run db:check` compares every kept row with it).
--
-- 1. Signal follow-up flags (return on empathy). A signal "received" a gesture when its customer has
-- a fulfilled or closed gesture for that occasion; it was followed by a complaint / detractor /
-- promoter answer when one is dated after it and at most 180 days later (FOLLOW_UP_DAYS). The
-- flags are recomputed for the one customer whose signals or gestures changed.
UPDATE signals SET
  received_gesture = EXISTS (SELECT 1 FROM gestures g WHERE g.customer_id = signals.customer_id AND g.occasion = signals.kind AND g.status IN ('fulfilled', 'closed')),
  later_complaint = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'complaint' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
  later_detractor = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_detractor' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
  later_promoter = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_promoter' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days'));
--> statement-breakpoint
CREATE TRIGGER keep_signal_flags_after_signal_insert AFTER INSERT ON signals
BEGIN
  UPDATE signals SET
    received_gesture = EXISTS (SELECT 1 FROM gestures g WHERE g.customer_id = signals.customer_id AND g.occasion = signals.kind AND g.status IN ('fulfilled', 'closed')),
    later_complaint = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'complaint' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
    later_detractor = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_detractor' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
    later_promoter = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_promoter' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days'))
  WHERE customer_id = NEW.customer_id;
END;
--> statement-breakpoint
-- A moved, re-dated or re-kinded signal changes its own flags and those of the customer's others
-- (old and new customer). Only flag columns are set here, so this trigger does not fire itself.
CREATE TRIGGER keep_signal_flags_after_signal_update AFTER UPDATE OF customer_id, kind, occurred_on ON signals
BEGIN
  UPDATE signals SET
    received_gesture = EXISTS (SELECT 1 FROM gestures g WHERE g.customer_id = signals.customer_id AND g.occasion = signals.kind AND g.status IN ('fulfilled', 'closed')),
    later_complaint = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'complaint' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
    later_detractor = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_detractor' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
    later_promoter = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_promoter' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days'))
  WHERE customer_id IN (OLD.customer_id, NEW.customer_id);
END;
--> statement-breakpoint
CREATE TRIGGER keep_signal_flags_after_signal_delete AFTER DELETE ON signals
BEGIN
  UPDATE signals SET
    later_complaint = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'complaint' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
    later_detractor = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_detractor' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days')),
    later_promoter = EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = signals.customer_id AND l.kind = 'survey_promoter' AND l.occurred_on > signals.occurred_on AND l.occurred_on <= date(signals.occurred_on, '+180 days'))
  WHERE customer_id = OLD.customer_id;
END;
--> statement-breakpoint
-- A gesture entering or leaving fulfilled/closed, or changing customer or occasion, changes
-- "received" for that customer's signals of that occasion (before and after the change).
CREATE TRIGGER keep_signal_flags_after_gesture_insert AFTER INSERT ON gestures
WHEN NEW.status IN ('fulfilled', 'closed')
BEGIN
  UPDATE signals SET received_gesture = 1 WHERE customer_id = NEW.customer_id AND kind = NEW.occasion AND received_gesture = 0;
END;
--> statement-breakpoint
CREATE TRIGGER keep_signal_flags_after_gesture_update AFTER UPDATE OF status, customer_id, occasion ON gestures
WHEN (OLD.status IN ('fulfilled', 'closed')) <> (NEW.status IN ('fulfilled', 'closed')) OR OLD.customer_id <> NEW.customer_id OR OLD.occasion <> NEW.occasion
BEGIN
  UPDATE signals SET received_gesture = EXISTS (SELECT 1 FROM gestures g WHERE g.customer_id = signals.customer_id AND g.occasion = signals.kind AND g.status IN ('fulfilled', 'closed'))
  WHERE (customer_id = OLD.customer_id AND kind = OLD.occasion) OR (customer_id = NEW.customer_id AND kind = NEW.occasion);
END;
--> statement-breakpoint
CREATE TRIGGER keep_signal_flags_after_gesture_delete AFTER DELETE ON gestures
WHEN OLD.status IN ('fulfilled', 'closed')
BEGIN
  UPDATE signals SET received_gesture = EXISTS (SELECT 1 FROM gestures g WHERE g.customer_id = signals.customer_id AND g.occasion = signals.kind AND g.status IN ('fulfilled', 'closed'))
  WHERE customer_id = OLD.customer_id AND kind = OLD.occasion;
END;
--> statement-breakpoint
-- 2. signal_followups: each signal counts once under (branch, month of its date, kind, received),
-- with its three follow-up flags. Insert adds, delete subtracts, an update does both.
CREATE TRIGGER keep_signal_followups_after_insert AFTER INSERT ON signals
BEGIN
  INSERT INTO signal_followups (branch_id, month, kind, received, cases, complaint, survey_detractor, survey_promoter)
  VALUES (NEW.branch_id, substr(NEW.occurred_on, 1, 7), NEW.kind, NEW.received_gesture, 1, NEW.later_complaint, NEW.later_detractor, NEW.later_promoter)
  ON CONFLICT (month, branch_id, kind, received) DO UPDATE SET cases = cases + excluded.cases, complaint = complaint + excluded.complaint,
    survey_detractor = survey_detractor + excluded.survey_detractor, survey_promoter = survey_promoter + excluded.survey_promoter;
END;
--> statement-breakpoint
CREATE TRIGGER keep_signal_followups_after_update AFTER UPDATE OF branch_id, kind, occurred_on, received_gesture, later_complaint, later_detractor, later_promoter ON signals
BEGIN
  INSERT INTO signal_followups (branch_id, month, kind, received, cases, complaint, survey_detractor, survey_promoter)
  VALUES (OLD.branch_id, substr(OLD.occurred_on, 1, 7), OLD.kind, OLD.received_gesture, -1, -OLD.later_complaint, -OLD.later_detractor, -OLD.later_promoter)
  ON CONFLICT (month, branch_id, kind, received) DO UPDATE SET cases = cases + excluded.cases, complaint = complaint + excluded.complaint,
    survey_detractor = survey_detractor + excluded.survey_detractor, survey_promoter = survey_promoter + excluded.survey_promoter;
  INSERT INTO signal_followups (branch_id, month, kind, received, cases, complaint, survey_detractor, survey_promoter)
  VALUES (NEW.branch_id, substr(NEW.occurred_on, 1, 7), NEW.kind, NEW.received_gesture, 1, NEW.later_complaint, NEW.later_detractor, NEW.later_promoter)
  ON CONFLICT (month, branch_id, kind, received) DO UPDATE SET cases = cases + excluded.cases, complaint = complaint + excluded.complaint,
    survey_detractor = survey_detractor + excluded.survey_detractor, survey_promoter = survey_promoter + excluded.survey_promoter;
END;
--> statement-breakpoint
CREATE TRIGGER keep_signal_followups_after_delete AFTER DELETE ON signals
BEGIN
  INSERT INTO signal_followups (branch_id, month, kind, received, cases, complaint, survey_detractor, survey_promoter)
  VALUES (OLD.branch_id, substr(OLD.occurred_on, 1, 7), OLD.kind, OLD.received_gesture, -1, -OLD.later_complaint, -OLD.later_detractor, -OLD.later_promoter)
  ON CONFLICT (month, branch_id, kind, received) DO UPDATE SET cases = cases + excluded.cases, complaint = complaint + excluded.complaint,
    survey_detractor = survey_detractor + excluded.survey_detractor, survey_promoter = survey_promoter + excluded.survey_promoter;
END;
--> statement-breakpoint
INSERT INTO signal_followups (branch_id, month, kind, received, cases, complaint, survey_detractor, survey_promoter)
SELECT branch_id, substr(occurred_on, 1, 7), kind, received_gesture, count(*), sum(later_complaint), sum(later_detractor), sum(later_promoter)
FROM signals GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- 3. pool_outcomes: a gesture paid from a pool counts under (pool, occasion, type) while it is
-- fulfilled or closed, with its actual amount and its recorded response.
CREATE TRIGGER keep_pool_outcomes_after_insert AFTER INSERT ON gestures
WHEN NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed')
BEGIN
  INSERT INTO pool_outcomes (pool_id, occasion, type_id, fulfilled, spent, recorded, thanked, positive_feedback, neutral, no_response, negative)
  VALUES (NEW.pool_id, NEW.occasion, NEW.type_id, 1, coalesce(NEW.actual_amount, 0), NEW.outcome IS NOT NULL, NEW.outcome = 'thanked' IS 1,
    NEW.outcome = 'positive_feedback' IS 1, NEW.outcome = 'neutral' IS 1, NEW.outcome = 'no_response' IS 1, NEW.outcome = 'negative' IS 1)
  ON CONFLICT (pool_id, occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, thanked = thanked + excluded.thanked, positive_feedback = positive_feedback + excluded.positive_feedback,
    neutral = neutral + excluded.neutral, no_response = no_response + excluded.no_response, negative = negative + excluded.negative;
END;
--> statement-breakpoint
CREATE TRIGGER keep_pool_outcomes_after_update AFTER UPDATE OF pool_id, status, occasion, type_id, actual_amount, outcome ON gestures
WHEN (OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')) OR (NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed'))
BEGIN
  INSERT INTO pool_outcomes (pool_id, occasion, type_id, fulfilled, spent, recorded, thanked, positive_feedback, neutral, no_response, negative)
  SELECT OLD.pool_id, OLD.occasion, OLD.type_id, -1, -coalesce(OLD.actual_amount, 0), -(OLD.outcome IS NOT NULL), -(OLD.outcome = 'thanked' IS 1),
    -(OLD.outcome = 'positive_feedback' IS 1), -(OLD.outcome = 'neutral' IS 1), -(OLD.outcome = 'no_response' IS 1), -(OLD.outcome = 'negative' IS 1)
  WHERE OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')
  ON CONFLICT (pool_id, occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, thanked = thanked + excluded.thanked, positive_feedback = positive_feedback + excluded.positive_feedback,
    neutral = neutral + excluded.neutral, no_response = no_response + excluded.no_response, negative = negative + excluded.negative;
  INSERT INTO pool_outcomes (pool_id, occasion, type_id, fulfilled, spent, recorded, thanked, positive_feedback, neutral, no_response, negative)
  SELECT NEW.pool_id, NEW.occasion, NEW.type_id, 1, coalesce(NEW.actual_amount, 0), NEW.outcome IS NOT NULL, NEW.outcome = 'thanked' IS 1,
    NEW.outcome = 'positive_feedback' IS 1, NEW.outcome = 'neutral' IS 1, NEW.outcome = 'no_response' IS 1, NEW.outcome = 'negative' IS 1
  WHERE NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed')
  ON CONFLICT (pool_id, occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, thanked = thanked + excluded.thanked, positive_feedback = positive_feedback + excluded.positive_feedback,
    neutral = neutral + excluded.neutral, no_response = no_response + excluded.no_response, negative = negative + excluded.negative;
END;
--> statement-breakpoint
CREATE TRIGGER keep_pool_outcomes_after_delete AFTER DELETE ON gestures
WHEN OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')
BEGIN
  INSERT INTO pool_outcomes (pool_id, occasion, type_id, fulfilled, spent, recorded, thanked, positive_feedback, neutral, no_response, negative)
  VALUES (OLD.pool_id, OLD.occasion, OLD.type_id, -1, -coalesce(OLD.actual_amount, 0), -(OLD.outcome IS NOT NULL), -(OLD.outcome = 'thanked' IS 1),
    -(OLD.outcome = 'positive_feedback' IS 1), -(OLD.outcome = 'neutral' IS 1), -(OLD.outcome = 'no_response' IS 1), -(OLD.outcome = 'negative' IS 1))
  ON CONFLICT (pool_id, occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, thanked = thanked + excluded.thanked, positive_feedback = positive_feedback + excluded.positive_feedback,
    neutral = neutral + excluded.neutral, no_response = no_response + excluded.no_response, negative = negative + excluded.negative;
END;
--> statement-breakpoint
INSERT INTO pool_outcomes (pool_id, occasion, type_id, fulfilled, spent, recorded, thanked, positive_feedback, neutral, no_response, negative)
SELECT pool_id, occasion, type_id, count(*), coalesce(sum(actual_amount), 0), count(outcome), sum(outcome = 'thanked' IS 1),
  sum(outcome = 'positive_feedback' IS 1), sum(outcome = 'neutral' IS 1), sum(outcome = 'no_response' IS 1), sum(outcome = 'negative' IS 1)
FROM gestures WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') GROUP BY 1, 2, 3;
--> statement-breakpoint
-- 4. Customers not erased by branch and segment, and by branch and month of customer_since
-- (fairness's customer base, and its tenure bands as of any date).
CREATE TRIGGER keep_customer_counts_after_insert AFTER INSERT ON customers
WHEN NEW.erased_at IS NULL
BEGIN
  INSERT INTO customer_segments (branch_id, segment, customers) VALUES (NEW.branch_id, NEW.segment, 1)
  ON CONFLICT (branch_id, segment) DO UPDATE SET customers = customers + 1;
  INSERT INTO customer_tenure (branch_id, since_month, customers) VALUES (NEW.branch_id, substr(NEW.customer_since, 1, 7), 1)
  ON CONFLICT (branch_id, since_month) DO UPDATE SET customers = customers + 1;
END;
--> statement-breakpoint
CREATE TRIGGER keep_customer_counts_after_update AFTER UPDATE OF branch_id, segment, customer_since, erased_at ON customers
BEGIN
  INSERT INTO customer_segments (branch_id, segment, customers) SELECT OLD.branch_id, OLD.segment, -1 WHERE OLD.erased_at IS NULL
  ON CONFLICT (branch_id, segment) DO UPDATE SET customers = customers + excluded.customers;
  INSERT INTO customer_tenure (branch_id, since_month, customers) SELECT OLD.branch_id, substr(OLD.customer_since, 1, 7), -1 WHERE OLD.erased_at IS NULL
  ON CONFLICT (branch_id, since_month) DO UPDATE SET customers = customers + excluded.customers;
  INSERT INTO customer_segments (branch_id, segment, customers) SELECT NEW.branch_id, NEW.segment, 1 WHERE NEW.erased_at IS NULL
  ON CONFLICT (branch_id, segment) DO UPDATE SET customers = customers + excluded.customers;
  INSERT INTO customer_tenure (branch_id, since_month, customers) SELECT NEW.branch_id, substr(NEW.customer_since, 1, 7), 1 WHERE NEW.erased_at IS NULL
  ON CONFLICT (branch_id, since_month) DO UPDATE SET customers = customers + excluded.customers;
END;
--> statement-breakpoint
CREATE TRIGGER keep_customer_counts_after_delete AFTER DELETE ON customers
WHEN OLD.erased_at IS NULL
BEGIN
  UPDATE customer_segments SET customers = customers - 1 WHERE branch_id = OLD.branch_id AND segment = OLD.segment;
  UPDATE customer_tenure SET customers = customers - 1 WHERE branch_id = OLD.branch_id AND since_month = substr(OLD.customer_since, 1, 7);
END;
--> statement-breakpoint
INSERT INTO customer_segments (branch_id, segment, customers)
SELECT branch_id, segment, count(*) FROM customers WHERE erased_at IS NULL GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO customer_tenure (branch_id, since_month, customers)
SELECT branch_id, substr(customer_since, 1, 7), count(*) FROM customers WHERE erased_at IS NULL GROUP BY 1, 2;
--> statement-breakpoint
-- 5. pool_months (the spend report's months): captures by the UTC month they were taken (the
-- ledger is append-only, so inserts are the only change), and open holds by the UTC month they
-- were placed (a hold leaves when it is released, captured or carried).
CREATE TRIGGER keep_pool_months_after_capture AFTER INSERT ON ledger_entries
WHEN NEW.kind = 'capture'
BEGIN
  INSERT INTO pool_months (pool_id, month, committed, spent) VALUES (NEW.pool_id, strftime('%Y-%m', NEW.at / 1000, 'unixepoch'), 0, -NEW.amount)
  ON CONFLICT (pool_id, month) DO UPDATE SET spent = spent + excluded.spent;
END;
--> statement-breakpoint
CREATE TRIGGER keep_pool_months_after_hold_insert AFTER INSERT ON holds
WHEN NEW.status = 'open'
BEGIN
  INSERT INTO pool_months (pool_id, month, committed, spent) VALUES (NEW.pool_id, strftime('%Y-%m', NEW.created_at / 1000, 'unixepoch'), NEW.amount, 0)
  ON CONFLICT (pool_id, month) DO UPDATE SET committed = committed + excluded.committed;
END;
--> statement-breakpoint
CREATE TRIGGER keep_pool_months_after_hold_update AFTER UPDATE OF pool_id, amount, status, created_at ON holds
WHEN OLD.status = 'open' OR NEW.status = 'open'
BEGIN
  INSERT INTO pool_months (pool_id, month, committed, spent) SELECT OLD.pool_id, strftime('%Y-%m', OLD.created_at / 1000, 'unixepoch'), -OLD.amount, 0 WHERE OLD.status = 'open'
  ON CONFLICT (pool_id, month) DO UPDATE SET committed = committed + excluded.committed;
  INSERT INTO pool_months (pool_id, month, committed, spent) SELECT NEW.pool_id, strftime('%Y-%m', NEW.created_at / 1000, 'unixepoch'), NEW.amount, 0 WHERE NEW.status = 'open'
  ON CONFLICT (pool_id, month) DO UPDATE SET committed = committed + excluded.committed;
END;
--> statement-breakpoint
CREATE TRIGGER keep_pool_months_after_hold_delete AFTER DELETE ON holds
WHEN OLD.status = 'open'
BEGIN
  UPDATE pool_months SET committed = committed - OLD.amount WHERE pool_id = OLD.pool_id AND month = strftime('%Y-%m', OLD.created_at / 1000, 'unixepoch');
END;
--> statement-breakpoint
INSERT INTO pool_months (pool_id, month, committed, spent)
SELECT pool_id, month, sum(committed), sum(spent) FROM (
  SELECT pool_id, strftime('%Y-%m', at / 1000, 'unixepoch') AS month, 0 AS committed, -amount AS spent FROM ledger_entries WHERE kind = 'capture'
  UNION ALL
  SELECT pool_id, strftime('%Y-%m', created_at / 1000, 'unixepoch'), amount, 0 FROM holds WHERE status = 'open'
) GROUP BY 1, 2;
