CREATE TABLE "occasion_outcomes" (
	"occasion" text COLLATE "C" NOT NULL,
	"type_id" integer NOT NULL,
	"fulfilled" integer DEFAULT 0 NOT NULL,
	"spent" bigint DEFAULT 0 NOT NULL,
	"recorded" integer DEFAULT 0 NOT NULL,
	"positive" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "occasion_outcomes_occasion_type_id_pk" PRIMARY KEY("occasion","type_id")
);
--> statement-breakpoint
-- SQLite's 0027: pool_outcomes summed over every pool, kept by triggers (no back-fill: a PostgreSQL
-- database starts from the baseline with no gestures).
CREATE FUNCTION keep_occasion_outcomes_add(p_occasion text, p_type integer, p_fulfilled integer, p_spent bigint, p_recorded integer, p_positive integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO occasion_outcomes AS o (occasion, type_id, fulfilled, spent, recorded, positive)
  VALUES (p_occasion, p_type, p_fulfilled, p_spent, p_recorded, p_positive)
  ON CONFLICT (occasion, type_id) DO UPDATE SET fulfilled = o.fulfilled + excluded.fulfilled, spent = o.spent + excluded.spent,
    recorded = o.recorded + excluded.recorded, positive = o.positive + excluded.positive;
END
$$;
--> statement-breakpoint
CREATE FUNCTION keep_occasion_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM keep_occasion_outcomes_add(OLD.occasion, OLD.type_id, -OLD.fulfilled, -OLD.spent, -OLD.recorded, -(OLD.thanked + OLD.positive_feedback));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM keep_occasion_outcomes_add(NEW.occasion, NEW.type_id, NEW.fulfilled, NEW.spent, NEW.recorded, NEW.thanked + NEW.positive_feedback);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER keep_occasion_outcomes_after_insert AFTER INSERT ON pool_outcomes FOR EACH ROW EXECUTE FUNCTION keep_occasion_outcomes();
--> statement-breakpoint
CREATE TRIGGER keep_occasion_outcomes_after_update AFTER UPDATE ON pool_outcomes FOR EACH ROW EXECUTE FUNCTION keep_occasion_outcomes();
--> statement-breakpoint
CREATE TRIGGER keep_occasion_outcomes_after_delete AFTER DELETE ON pool_outcomes FOR EACH ROW EXECUTE FUNCTION keep_occasion_outcomes();
