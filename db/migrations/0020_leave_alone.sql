ALTER TABLE `branch_policy_overrides` ADD `leave_alone_months` integer;--> statement-breakpoint
ALTER TABLE `policy_defaults` ADD `leave_alone_months` integer DEFAULT 12 NOT NULL;