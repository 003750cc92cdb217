CREATE TABLE `budget_periods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`length` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_at` integer NOT NULL,
	`opened_by` integer,
	`open_key` text,
	`closed_at` integer,
	`closed_by` integer,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "budget_periods_dates" CHECK("budget_periods"."starts_on" glob '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' and "budget_periods"."ends_on" glob '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' and "budget_periods"."ends_on" > "budget_periods"."starts_on"),
	CONSTRAINT "budget_periods_length" CHECK("budget_periods"."length" in ('month', 'quarter')),
	CONSTRAINT "budget_periods_status" CHECK(("budget_periods"."status" = 'open' and "budget_periods"."closed_at" is null) or ("budget_periods"."status" = 'closed' and "budget_periods"."closed_at" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_periods_starts_on_unique` ON `budget_periods` (`starts_on`);--> statement-breakpoint
CREATE UNIQUE INDEX `budget_periods_open_key_unique` ON `budget_periods` (`open_key`);--> statement-breakpoint
CREATE TABLE `budget_pools` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`period_id`) REFERENCES `budget_periods`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_pools_period_branch_unique` ON `budget_pools` (`period_id`,`branch_id`);--> statement-breakpoint
CREATE INDEX `budget_pools_branch_idx` ON `budget_pools` (`branch_id`,`period_id`);--> statement-breakpoint
CREATE TABLE `holds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pool_id` integer NOT NULL,
	`gesture_id` integer,
	`amount` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`memo` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`carried_to_hold_id` integer,
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`carried_to_hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "holds_amount" CHECK(typeof("holds"."amount") = 'integer' and "holds"."amount" > 0 and "holds"."amount" <= 100000000000),
	CONSTRAINT "holds_status" CHECK("holds"."status" in ('open', 'released', 'captured', 'carried')),
	CONSTRAINT "holds_resolved" CHECK(("holds"."status" = 'open') = ("holds"."resolved_at" is null)),
	CONSTRAINT "holds_carried" CHECK(("holds"."status" = 'carried') = ("holds"."carried_to_hold_id" is not null))
);
--> statement-breakpoint
CREATE INDEX `holds_pool_status_idx` ON `holds` (`pool_id`,`status`);--> statement-breakpoint
CREATE INDEX `holds_gesture_idx` ON `holds` (`gesture_id`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pool_id` integer NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`hold_id` integer,
	`gesture_id` integer,
	`actor_id` integer,
	`at` integer NOT NULL,
	`memo` text,
	`idempotency_key` text,
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "ledger_entries_amount" CHECK(typeof("ledger_entries"."amount") = 'integer' and abs("ledger_entries"."amount") <= 100000000000 and (
        ("ledger_entries"."kind" = 'allocation' and "ledger_entries"."amount" > 0 and "ledger_entries"."hold_id" is null) or
        ("ledger_entries"."kind" = 'adjustment' and "ledger_entries"."amount" <> 0 and "ledger_entries"."hold_id" is null and length(trim(coalesce("ledger_entries"."memo", ''))) > 0) or
        ("ledger_entries"."kind" = 'hold' and "ledger_entries"."amount" < 0 and "ledger_entries"."hold_id" is not null) or
        ("ledger_entries"."kind" = 'release' and "ledger_entries"."amount" > 0 and "ledger_entries"."hold_id" is not null) or
        ("ledger_entries"."kind" = 'capture' and "ledger_entries"."amount" < 0 and "ledger_entries"."hold_id" is not null))),
	CONSTRAINT "ledger_entries_balance" CHECK(typeof("ledger_entries"."balance_after") = 'integer' and "ledger_entries"."balance_after" >= 0)
);
--> statement-breakpoint
CREATE INDEX `ledger_entries_pool_idx` ON `ledger_entries` (`pool_id`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_pool_kind_idx` ON `ledger_entries` (`pool_id`,`kind`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_gesture_idx` ON `ledger_entries` (`gesture_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_idempotency_key_unique` ON `ledger_entries` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_hold_kind_unique` ON `ledger_entries` (`hold_id`,`kind`) WHERE "ledger_entries"."hold_id" is not null;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_organisation` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`currency` text NOT NULL,
	`time_zone` text NOT NULL,
	`sensitive_retention_days` integer DEFAULT 90 NOT NULL,
	`period_length` text DEFAULT 'quarter' NOT NULL,
	`unspent_balance_rule` text DEFAULT 'lapse' NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "organisation_single_row" CHECK("__new_organisation"."id" = 1),
	CONSTRAINT "organisation_currency_code" CHECK(length("__new_organisation"."currency") = 3),
	CONSTRAINT "organisation_period_length" CHECK("__new_organisation"."period_length" in ('month', 'quarter')),
	CONSTRAINT "organisation_unspent_balance_rule" CHECK("__new_organisation"."unspent_balance_rule" in ('lapse', 'carry_over'))
);
--> statement-breakpoint
-- Edited by hand: the old table has no period_length or unspent_balance_rule yet; their defaults apply.
INSERT INTO `__new_organisation`("id", "name", "currency", "time_zone", "sensitive_retention_days", "updated_at") SELECT "id", "name", "currency", "time_zone", "sensitive_retention_days", "updated_at" FROM `organisation`;--> statement-breakpoint
DROP TABLE `organisation`;--> statement-breakpoint
ALTER TABLE `__new_organisation` RENAME TO `organisation`;--> statement-breakpoint
PRAGMA foreign_keys=ON;