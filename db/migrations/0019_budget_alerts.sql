CREATE TABLE `budget_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pool_id` integer NOT NULL,
	`threshold_percent` integer NOT NULL,
	`used` integer NOT NULL,
	`budget` integer NOT NULL,
	`to_finance` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_alerts_pool_threshold_unique` ON `budget_alerts` (`pool_id`,`threshold_percent`);--> statement-breakpoint
ALTER TABLE `branch_policy_overrides` ADD `budget_alert_first_percent` integer;--> statement-breakpoint
ALTER TABLE `branch_policy_overrides` ADD `budget_alert_second_percent` integer;--> statement-breakpoint
ALTER TABLE `branch_policy_overrides` ADD `budget_alert_finance_percent` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `pool_id` integer REFERENCES budget_pools(id);--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `budget_alert_first_percent` integer DEFAULT 50 NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `budget_alert_second_percent` integer DEFAULT 75 NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `budget_alert_finance_percent` integer DEFAULT 90 NOT NULL;