CREATE TABLE "outcome_groups" (
	"occasion" text COLLATE "C" NOT NULL,
	"type_id" integer NOT NULL,
	"dimension" text COLLATE "C" NOT NULL,
	"group_key" text COLLATE "C" NOT NULL,
	"fulfilled" integer DEFAULT 0 NOT NULL,
	"spent" bigint DEFAULT 0 NOT NULL,
	"recorded" integer DEFAULT 0 NOT NULL,
	"positive" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "outcome_groups_occasion_dimension_group_key_type_id_pk" PRIMARY KEY("occasion","dimension","group_key","type_id")
);
--> statement-breakpoint
ALTER TABLE "gestures" ADD COLUMN "recipient_segment" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "gestures" ADD COLUMN "recipient_tenure_band" text COLLATE "C";--> statement-breakpoint
-- SQLite's 0022: outcome_groups, a gesture paid from a pool counted, while fulfilled or closed,
-- under its occasion and type for its recipient's segment and for their tenure band (each when
-- known). No back-fill: a PostgreSQL database starts from the baseline with no gestures.
CREATE FUNCTION keep_outcome_groups_add(g gestures, p_sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  grp record;
BEGIN
  IF g.pool_id IS NULL OR g.status NOT IN ('fulfilled', 'closed') THEN
    RETURN;
  END IF;
  FOR grp IN SELECT * FROM (VALUES ('segment', g.recipient_segment), ('tenure', g.recipient_tenure_band)) AS v(dimension, group_key) WHERE v.group_key IS NOT NULL LOOP
    INSERT INTO outcome_groups AS t (occasion, type_id, dimension, group_key, fulfilled, spent, recorded, positive)
    VALUES (g.occasion, g.type_id, grp.dimension, grp.group_key, p_sign, p_sign * coalesce(g.actual_amount, 0), p_sign * (g.outcome IS NOT NULL)::integer,
      p_sign * ((g.outcome IN ('thanked', 'positive_feedback')) IS TRUE)::integer)
    ON CONFLICT (occasion, dimension, group_key, type_id) DO UPDATE SET fulfilled = t.fulfilled + excluded.fulfilled, spent = t.spent + excluded.spent,
      recorded = t.recorded + excluded.recorded, positive = t.positive + excluded.positive;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE FUNCTION keep_outcome_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM keep_outcome_groups_add(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM keep_outcome_groups_add(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER keep_outcome_groups_after_insert AFTER INSERT ON gestures
FOR EACH ROW WHEN (NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed')) EXECUTE FUNCTION keep_outcome_groups();
--> statement-breakpoint
CREATE TRIGGER keep_outcome_groups_after_update AFTER UPDATE OF pool_id, status, occasion, type_id, actual_amount, outcome, recipient_segment, recipient_tenure_band ON gestures
FOR EACH ROW WHEN ((OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')) OR (NEW.pool_id IS NOT NULL AND NEW.status IN ('fulfilled', 'closed')))
EXECUTE FUNCTION keep_outcome_groups();
--> statement-breakpoint
CREATE TRIGGER keep_outcome_groups_after_delete AFTER DELETE ON gestures
FOR EACH ROW WHEN (OLD.pool_id IS NOT NULL AND OLD.status IN ('fulfilled', 'closed')) EXECUTE FUNCTION keep_outcome_groups();
