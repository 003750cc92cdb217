CREATE TABLE `occasion_outcomes` (
	`occasion` text NOT NULL,
	`type_id` integer NOT NULL,
	`fulfilled` integer DEFAULT 0 NOT NULL,
	`spent` integer DEFAULT 0 NOT NULL,
	`recorded` integer DEFAULT 0 NOT NULL,
	`positive` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`occasion`, `type_id`)
);
--> statement-breakpoint
-- Issue 19: pool_outcomes summed over every pool. pool_outcomes rows are upserted (never deleted
-- by the app): each insert adds its figures, each update adds the difference (the old row taken
-- away under its key, the new one added under its own), a delete takes its figures away.
INSERT INTO occasion_outcomes (occasion, type_id, fulfilled, spent, recorded, positive)
SELECT occasion, type_id, sum(fulfilled), sum(spent), sum(recorded), sum(thanked + positive_feedback) FROM pool_outcomes GROUP BY occasion, type_id;
--> statement-breakpoint
CREATE TRIGGER keep_occasion_outcomes_after_insert AFTER INSERT ON pool_outcomes
BEGIN
  INSERT INTO occasion_outcomes (occasion, type_id, fulfilled, spent, recorded, positive)
  VALUES (NEW.occasion, NEW.type_id, NEW.fulfilled, NEW.spent, NEW.recorded, NEW.thanked + NEW.positive_feedback)
  ON CONFLICT (occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
END;
--> statement-breakpoint
CREATE TRIGGER keep_occasion_outcomes_after_update AFTER UPDATE ON pool_outcomes
BEGIN
  INSERT INTO occasion_outcomes (occasion, type_id, fulfilled, spent, recorded, positive)
  VALUES (OLD.occasion, OLD.type_id, -OLD.fulfilled, -OLD.spent, -OLD.recorded, -(OLD.thanked + OLD.positive_feedback))
  ON CONFLICT (occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
  INSERT INTO occasion_outcomes (occasion, type_id, fulfilled, spent, recorded, positive)
  VALUES (NEW.occasion, NEW.type_id, NEW.fulfilled, NEW.spent, NEW.recorded, NEW.thanked + NEW.positive_feedback)
  ON CONFLICT (occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
END;
--> statement-breakpoint
CREATE TRIGGER keep_occasion_outcomes_after_delete AFTER DELETE ON pool_outcomes
BEGIN
  INSERT INTO occasion_outcomes (occasion, type_id, fulfilled, spent, recorded, positive)
  VALUES (OLD.occasion, OLD.type_id, -OLD.fulfilled, -OLD.spent, -OLD.recorded, -(OLD.thanked + OLD.positive_feedback))
  ON CONFLICT (occasion, type_id) DO UPDATE SET fulfilled = fulfilled + excluded.fulfilled, spent = spent + excluded.spent,
    recorded = recorded + excluded.recorded, positive = positive + excluded.positive;
END;
