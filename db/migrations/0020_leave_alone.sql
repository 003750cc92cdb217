ALTER TABLE `branch_policy_overrides` ADD `leave_alone_months` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `gestures_declined_at` integer;--> statement-breakpoint
ALTER TABLE `gestures` ADD `asked_no_gestures` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `leave_alone_months` integer DEFAULT 12 NOT NULL;