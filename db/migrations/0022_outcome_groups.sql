CREATE TABLE `outcome_groups` (
	`occasion` text NOT NULL,
	`type_id` integer NOT NULL,
	`dimension` text NOT NULL,
	`group_key` text NOT NULL,
	`fulfilled` integer DEFAULT 0 NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	`recorded` integer DEFAULT 0 NOT NULL,
	`positive` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`occasion`, `dimension`, `group_key`, `type_id`)
);
--> statement-breakpoint
ALTER TABLE `gestures` ADD `recipient_segment` text;--> statement-breakpoint
ALTER TABLE `gestures` ADD `recipient_tenure_band` text;
--> statement-breakpoint
-- Issue 21: who received a gesture, as on the day it was fulfilled. The back-fill takes the
-- customer's segment today (past segments are not kept) and the tenure band as of the fulfilment
-- date (fulfilled_on is the organisation's local date; the same comparisons as tenureBandOn).
UPDATE gestures SET recipient_segment = (SELECT c.segment FROM customers c WHERE c.id = gestures.customer_id),
  recipient_tenure_band = (SELECT CASE
      WHEN c.customer_since > (CAST(substr(gestures.fulfilled_on, 1, 4) AS INTEGER) - 1) || substr(gestures.fulfilled_on, 5) THEN 'under_1'
      WHEN c.customer_since > (CAST(substr(gestures.fulfilled_on, 1, 4) AS INTEGER) - 3) || substr(gestures.fulfilled_on, 5) THEN '1_to_3'
      WHEN c.customer_since > (CAST(substr(gestures.fulfilled_on, 1, 4) AS INTEGER) - 10) || substr(gestures.fulfilled_on, 5) THEN '3_to_10'
      ELSE '10_plus' END FROM customers c WHERE c.id = gestures.customer_id)
WHERE fulfilled_on IS NOT NULL;
--> statement-breakpoint
-- outcome_groups: a gesture paid from a pool counts, while fulfilled or closed, under its occasion
-- and type for its recipient's segment and for their tenure band (each when known).
CREATE TRIGGER keep_outcome_groups_after_insert AFTER INSERT ON gestures
WHEN NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed')
BEGIN
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT NEW.occasion, NEW.type_id, 'segment', NEW.recipient_segment, 1, coalesce(NEW.actual_amount, 0), (NEW.outcome IS NOT NULL), (NEW.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed') AND NEW.recipient_segment IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT NEW.occasion, NEW.type_id, 'tenure', NEW.recipient_tenure_band, 1, coalesce(NEW.actual_amount, 0), (NEW.outcome IS NOT NULL), (NEW.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed') AND NEW.recipient_tenure_band IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
END;
--> statement-breakpoint
CREATE TRIGGER keep_outcome_groups_after_update AFTER UPDATE OF pool_id, status, occasion, type_id, actual_amount, outcome, recipient_segment, recipient_tenure_band ON gestures
WHEN (OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')) OR (NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed'))
BEGIN
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT OLD.occasion, OLD.type_id, 'segment', OLD.recipient_segment, -1, -coalesce(OLD.actual_amount, 0), -(OLD.outcome IS NOT NULL), -(OLD.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed') AND OLD.recipient_segment IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT OLD.occasion, OLD.type_id, 'tenure', OLD.recipient_tenure_band, -1, -coalesce(OLD.actual_amount, 0), -(OLD.outcome IS NOT NULL), -(OLD.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed') AND OLD.recipient_tenure_band IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT NEW.occasion, NEW.type_id, 'segment', NEW.recipient_segment, 1, coalesce(NEW.actual_amount, 0), (NEW.outcome IS NOT NULL), (NEW.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed') AND NEW.recipient_segment IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT NEW.occasion, NEW.type_id, 'tenure', NEW.recipient_tenure_band, 1, coalesce(NEW.actual_amount, 0), (NEW.outcome IS NOT NULL), (NEW.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed') AND NEW.recipient_tenure_band IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
END;
--> statement-breakpoint
CREATE TRIGGER keep_outcome_groups_after_delete AFTER DELETE ON gestures
WHEN OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')
BEGIN
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT OLD.occasion, OLD.type_id, 'segment', OLD.recipient_segment, -1, -coalesce(OLD.actual_amount, 0), -(OLD.outcome IS NOT NULL), -(OLD.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed') AND OLD.recipient_segment IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
  INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
  SELECT OLD.occasion, OLD.type_id, 'tenure', OLD.recipient_tenure_band, -1, -coalesce(OLD.actual_amount, 0), -(OLD.outcome IS NOT NULL), -(OLD.outcome IN ('thanked', 'positive_feedback') IS 1)
  WHERE OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed') AND OLD.recipient_tenure_band IS NOT NULL
  ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
END;
--> statement-breakpoint
INSERT INTO outcome_groups (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
SELECT occasion, type_id, dimension, group_key, count(*), coalesce(sum(actual_amount), 0), count(outcome), sum(outcome IN ('thanked', 'positive_feedback') IS 1) FROM (
  SELECT occasion, type_id, 'segment' AS dimension, recipient_segment AS group_key, actual_amount, outcome FROM gestures
  WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') AND recipient_segment IS NOT NULL
  UNION ALL
  SELECT occasion, type_id, 'tenure', recipient_tenure_band, actual_amount, outcome FROM gestures
  WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') AND recipient_tenure_band IS NOT NULL
) GROUP BY 1, 2, 3, 4;
