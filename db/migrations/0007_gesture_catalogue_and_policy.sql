-- The standard catalogue and policy every organisation starts with (amounts in minor units of the
-- organisation's currency). Admins edit them; a used type is deactivated, never deleted.
INSERT INTO policy_defaults (id, discretion_limit, second_approval_threshold, per_gesture_max, customer_cap_amount,
  customer_cap_count, staff_monthly_cap, duplicate_window_days, approval_expiry_days, variance_tolerance_percent,
  outcome_follow_up_days, receipt_required_above, updated_at)
VALUES (1, 5000, 15000, 25000, 30000, 3, 100000, 30, 30, 10, 14, 2500, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
--> statement-breakpoint
INSERT INTO gesture_types (code, name, description, default_amount, max_amount, active, created_at, updated_at) VALUES
  ('flowers', 'Flowers', 'A bouquet delivered to the customer or collected in branch.', 6000, 12000, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('condolence_card', 'Condolence card', 'A card signed by the branch team.', 800, 1500, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('get_well_card', 'Get-well card', 'A card signed by the branch team.', 800, 1500, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('gift_basket', 'Gift basket', 'A basket of local produce or treats.', 7500, 15000, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('voucher', 'Coffee or meal voucher', 'A voucher for a local cafe or restaurant.', 2500, 5000, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('donation', 'Charitable donation', 'A donation in the customer''s name to a charity of their choice.', 5000, 20000, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('handwritten_note', 'Handwritten note', 'A personal note from the branch; no cost.', 0, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
--> statement-breakpoint
INSERT INTO gesture_type_occasions (type_id, occasion)
SELECT t.id, o.occasion FROM gesture_types t JOIN (
  SELECT 'flowers' AS code, 'bereavement' AS occasion UNION ALL SELECT 'flowers', 'illness'
  UNION ALL SELECT 'flowers', 'new_baby' UNION ALL SELECT 'flowers', 'marriage'
  UNION ALL SELECT 'flowers', 'tenure_anniversary' UNION ALL SELECT 'flowers', 'complaint'
  UNION ALL SELECT 'flowers', 'service_failure'
  UNION ALL SELECT 'condolence_card', 'bereavement'
  UNION ALL SELECT 'get_well_card', 'illness'
  UNION ALL SELECT 'gift_basket', 'new_baby' UNION ALL SELECT 'gift_basket', 'marriage'
  UNION ALL SELECT 'gift_basket', 'birthday' UNION ALL SELECT 'gift_basket', 'tenure_anniversary'
  UNION ALL SELECT 'gift_basket', 'survey_promoter'
  UNION ALL SELECT 'voucher', 'long_wait' UNION ALL SELECT 'voucher', 'service_failure'
  UNION ALL SELECT 'voucher', 'complaint' UNION ALL SELECT 'voucher', 'survey_detractor'
  UNION ALL SELECT 'voucher', 'birthday' UNION ALL SELECT 'voucher', 'hardship'
  UNION ALL SELECT 'donation', 'bereavement' UNION ALL SELECT 'donation', 'illness'
  UNION ALL SELECT 'handwritten_note', 'bereavement' UNION ALL SELECT 'handwritten_note', 'illness'
  UNION ALL SELECT 'handwritten_note', 'new_baby' UNION ALL SELECT 'handwritten_note', 'marriage'
  UNION ALL SELECT 'handwritten_note', 'birthday' UNION ALL SELECT 'handwritten_note', 'tenure_anniversary'
  UNION ALL SELECT 'handwritten_note', 'complaint' UNION ALL SELECT 'handwritten_note', 'service_failure'
  UNION ALL SELECT 'handwritten_note', 'long_wait' UNION ALL SELECT 'handwritten_note', 'hardship'
  UNION ALL SELECT 'handwritten_note', 'survey_detractor' UNION ALL SELECT 'handwritten_note', 'survey_promoter'
  UNION ALL SELECT 'handwritten_note', 'other'
) o ON o.code = t.code;
--> statement-breakpoint
-- Decisions are history: never changed or removed.
CREATE TRIGGER gesture_decisions_no_update BEFORE UPDATE ON gesture_decisions
BEGIN
  SELECT RAISE(ABORT, 'gesture_decisions is append-only: updates are refused');
END;
--> statement-breakpoint
CREATE TRIGGER gesture_decisions_no_delete BEFORE DELETE ON gesture_decisions
BEGIN
  SELECT RAISE(ABORT, 'gesture_decisions is append-only: deletes are refused');
END;
