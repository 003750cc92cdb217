CREATE TABLE `branch_policy_overrides` (
	`branch_id` integer PRIMARY KEY NOT NULL,
	`discretion_limit` integer,
	`second_approval_threshold` integer,
	`per_gesture_max` integer,
	`customer_cap_amount` integer,
	`customer_cap_count` integer,
	`staff_monthly_cap` integer,
	`duplicate_window_days` integer,
	`approval_expiry_days` integer,
	`variance_tolerance_percent` integer,
	`outcome_follow_up_days` integer,
	`receipt_required_above` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `delegations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`manager_id` integer NOT NULL,
	`delegate_id` integer NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`manager_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`delegate_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "delegations_dates" CHECK("delegations"."starts_on" glob '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' and "delegations"."ends_on" glob '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' and "delegations"."ends_on" >= "delegations"."starts_on"),
	CONSTRAINT "delegations_not_self" CHECK("delegations"."manager_id" <> "delegations"."delegate_id")
);
--> statement-breakpoint
CREATE INDEX `delegations_manager_idx` ON `delegations` (`manager_id`,`ends_on`);--> statement-breakpoint
CREATE INDEX `delegations_delegate_idx` ON `delegations` (`delegate_id`,`ends_on`);--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `email_outbox_pending_idx` ON `email_outbox` (`id`) WHERE "email_outbox"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `gesture_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`gesture_id` integer NOT NULL,
	`approver_id` integer NOT NULL,
	`on_behalf_of_id` integer,
	`level` text NOT NULL,
	`decision` text NOT NULL,
	`amount` integer,
	`comment` text DEFAULT '' NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`gesture_id`) REFERENCES `gestures`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`approver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`on_behalf_of_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "gesture_decisions_comment" CHECK("gesture_decisions"."decision" = 'approve' or length(trim("gesture_decisions"."comment")) > 0)
);
--> statement-breakpoint
CREATE INDEX `gesture_decisions_gesture_idx` ON `gesture_decisions` (`gesture_id`,`id`);--> statement-breakpoint
CREATE INDEX `gesture_decisions_approver_idx` ON `gesture_decisions` (`approver_id`,`at`);--> statement-breakpoint
CREATE TABLE `gesture_type_occasions` (
	`type_id` integer NOT NULL,
	`occasion` text NOT NULL,
	FOREIGN KEY (`type_id`) REFERENCES `gesture_types`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gesture_type_occasions_pk` ON `gesture_type_occasions` (`type_id`,`occasion`);--> statement-breakpoint
CREATE INDEX `gesture_type_occasions_occasion_idx` ON `gesture_type_occasions` (`occasion`);--> statement-breakpoint
CREATE TABLE `gesture_types` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`default_amount` integer NOT NULL,
	`max_amount` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "gesture_types_amounts" CHECK(typeof("gesture_types"."default_amount") = 'integer' and typeof("gesture_types"."max_amount") = 'integer' and "gesture_types"."default_amount" >= 0 and "gesture_types"."default_amount" <= "gesture_types"."max_amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gesture_types_code_unique` ON `gesture_types` (`code`);--> statement-breakpoint
CREATE TABLE `gestures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`pool_id` integer,
	`proposer_id` integer NOT NULL,
	`occasion` text NOT NULL,
	`signal_id` integer,
	`type_id` integer NOT NULL,
	`requested_amount` integer NOT NULL,
	`card_message` text DEFAULT '' NOT NULL,
	`justification` text DEFAULT '' NOT NULL,
	`delivery_method` text NOT NULL,
	`status` text NOT NULL,
	`approval_route` text,
	`approved_at_discretion` integer DEFAULT false NOT NULL,
	`approved_amount` integer,
	`actual_amount` integer,
	`vendor` text,
	`fulfilled_on` text,
	`outcome` text,
	`outcome_note` text,
	`version` integer DEFAULT 1 NOT NULL,
	`create_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`submitted_at` integer,
	`approved_at` integer,
	`decided_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`pool_id`) REFERENCES `budget_pools`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`proposer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`signal_id`) REFERENCES `signals`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`type_id`) REFERENCES `gesture_types`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "gestures_amounts" CHECK(typeof("gestures"."requested_amount") = 'integer' and "gestures"."requested_amount" >= 0 and "gestures"."requested_amount" <= 100000000000
        and ("gestures"."approved_amount" is null or (typeof("gestures"."approved_amount") = 'integer' and "gestures"."approved_amount" >= 0))
        and ("gestures"."actual_amount" is null or (typeof("gestures"."actual_amount") = 'integer' and "gestures"."actual_amount" >= 0))),
	CONSTRAINT "gestures_card_message_length" CHECK(length("gestures"."card_message") <= 1000),
	CONSTRAINT "gestures_justification_length" CHECK(length("gestures"."justification") <= 2000),
	CONSTRAINT "gestures_submitted" CHECK("gestures"."status" = 'draft' or "gestures"."submitted_at" is not null),
	CONSTRAINT "gestures_route" CHECK(("gestures"."status" = 'submitted') = ("gestures"."approval_route" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gestures_create_key_unique` ON `gestures` (`create_key`);--> statement-breakpoint
CREATE INDEX `gestures_branch_status_idx` ON `gestures` (`branch_id`,`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gestures_route_idx` ON `gestures` (`approval_route`,`submitted_at`) WHERE "gestures"."status" = 'submitted';--> statement-breakpoint
CREATE INDEX `gestures_status_idx` ON `gestures` (`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gestures_customer_idx` ON `gestures` (`customer_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gestures_proposer_idx` ON `gestures` (`proposer_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `gestures_signal_idx` ON `gestures` (`signal_id`);--> statement-breakpoint
CREATE INDEX `gestures_pool_idx` ON `gestures` (`pool_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`gesture_id` integer,
	`message` text NOT NULL,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`gesture_id`) REFERENCES `gestures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`) WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_unique` ON `notifications` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `policy_defaults` (
	`id` integer PRIMARY KEY NOT NULL,
	`discretion_limit` integer NOT NULL,
	`second_approval_threshold` integer NOT NULL,
	`per_gesture_max` integer NOT NULL,
	`customer_cap_amount` integer NOT NULL,
	`customer_cap_count` integer NOT NULL,
	`staff_monthly_cap` integer NOT NULL,
	`duplicate_window_days` integer NOT NULL,
	`approval_expiry_days` integer NOT NULL,
	`variance_tolerance_percent` integer NOT NULL,
	`outcome_follow_up_days` integer NOT NULL,
	`receipt_required_above` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "policy_defaults_single_row" CHECK("policy_defaults"."id" = 1)
);
