ALTER TABLE `branch_policy_overrides` ADD `connected_person_check` integer;--> statement-breakpoint
ALTER TABLE `branch_policy_overrides` ADD `hardship_lookback_days` integer;--> statement-breakpoint
ALTER TABLE `branch_policy_overrides` ADD `household_cap` integer;--> statement-breakpoint
ALTER TABLE `branch_policy_overrides` ADD `redress_check` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `address_key` text GENERATED ALWAYS AS (nullif(trim(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(delivery_address), char(44), ' '), char(46), ' '), char(59), ' '), char(58), ' '), char(45), ' '), char(39), ' '), char(8217), ' '), char(34), ' '), char(35), ' '), char(47), ' '), char(92), ' '), char(40), ' '), char(41), ' '), char(38), ' '), char(10), ' '), char(13), ' '), char(9), ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), ' '), '')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `customers` ADD `connected_branch_id` integer REFERENCES branches(id);--> statement-breakpoint
CREATE INDEX `customers_address_key_idx` ON `customers` (`address_key`) WHERE "customers"."address_key" is not null;--> statement-breakpoint
ALTER TABLE `gestures` ADD `compensation_owed` text;--> statement-breakpoint
ALTER TABLE `organisation` ADD `complaints_process_text` text DEFAULT 'Compensation the customer is owed is not a goodwill gesture: record the complaint in the complaints system and follow the complaints procedure, which decides and pays redress.' NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `connected_person_check` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `hardship_lookback_days` integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `household_cap` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `redress_check` integer DEFAULT 1 NOT NULL;