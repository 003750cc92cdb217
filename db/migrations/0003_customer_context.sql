CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_by_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_created_idx` ON `api_keys` (`id`);--> statement-breakpoint
CREATE TABLE `crm_import_rows` (
	`import_id` integer NOT NULL,
	`row_number` integer NOT NULL,
	`payload` text NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `crm_imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `crm_import_rows_pk` ON `crm_import_rows` (`import_id`,`row_number`);--> statement-breakpoint
CREATE TABLE `crm_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`file_name` text NOT NULL,
	`file_sha256` text NOT NULL,
	`uploaded_by_id` integer NOT NULL,
	`branch_scope_id` integer,
	`status` text NOT NULL,
	`total_rows` integer NOT NULL,
	`valid_rows` integer NOT NULL,
	`error_rows` integer NOT NULL,
	`errors` text DEFAULT '[]' NOT NULL,
	`encoding` text DEFAULT 'utf-8' NOT NULL,
	`created_count` integer,
	`updated_count` integer,
	`unchanged_count` integer,
	`created_at` integer NOT NULL,
	`committed_at` integer,
	FOREIGN KEY (`uploaded_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`branch_scope_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `crm_imports_scope_idx` ON `crm_imports` (`branch_scope_id`,`id`);--> statement-breakpoint
CREATE INDEX `crm_imports_created_idx` ON `crm_imports` (`id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`crm_ref` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`surname_key` text NOT NULL,
	`branch_id` integer NOT NULL,
	`customer_since` text NOT NULL,
	`segment` text DEFAULT 'retail' NOT NULL,
	`birthday` text,
	`delivery_address` text,
	`do_not_contact` integer DEFAULT false NOT NULL,
	`do_not_contact_reason` text,
	`erased_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "customers_since_date" CHECK(customer_since glob '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	CONSTRAINT "customers_birthday_format" CHECK("customers"."birthday" is null or "customers"."birthday" glob '[0-1][0-9]-[0-3][0-9]'),
	CONSTRAINT "customers_name_length" CHECK(length("customers"."name") between 1 and 200),
	CONSTRAINT "customers_dnc_reason" CHECK("customers"."do_not_contact" = 0 or "customers"."do_not_contact_reason" is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_crm_ref_unique` ON `customers` (`crm_ref`);--> statement-breakpoint
CREATE INDEX `customers_branch_name_idx` ON `customers` (`branch_id`,`name_key`);--> statement-breakpoint
CREATE INDEX `customers_branch_surname_idx` ON `customers` (`branch_id`,`surname_key`);--> statement-breakpoint
CREATE INDEX `customers_branch_birthday_idx` ON `customers` (`branch_id`,`birthday`);--> statement-breakpoint
CREATE INDEX `customers_branch_since_idx` ON `customers` (`branch_id`,`customer_since`);--> statement-breakpoint
CREATE TABLE `signal_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`signal_id` integer NOT NULL,
	`kind` text NOT NULL,
	`occurred_on` text NOT NULL,
	`severity` integer NOT NULL,
	`note` text,
	`note_redacted_at` integer,
	`revised_by_id` integer NOT NULL,
	`revised_at` integer NOT NULL,
	FOREIGN KEY (`signal_id`) REFERENCES `signals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`revised_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `signal_revisions_signal_idx` ON `signal_revisions` (`signal_id`,`id`);--> statement-breakpoint
CREATE INDEX `signal_revisions_sensitive_note_idx` ON `signal_revisions` (`occurred_on`) WHERE "signal_revisions"."note" is not null and "signal_revisions"."kind" in ('bereavement', 'illness', 'hardship');--> statement-breakpoint
CREATE TABLE `signals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`kind` text NOT NULL,
	`occurred_on` text NOT NULL,
	`source` text NOT NULL,
	`severity` integer DEFAULT 2 NOT NULL,
	`note` text,
	`note_redacted_at` integer,
	`external_ref` text,
	`created_by_id` integer,
	`created_at` integer NOT NULL,
	`corrected_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "signals_date" CHECK(occurred_on glob '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	CONSTRAINT "signals_severity" CHECK("signals"."severity" between 1 and 3),
	CONSTRAINT "signals_note_length" CHECK("signals"."note" is null or length("signals"."note") <= 500)
);
--> statement-breakpoint
CREATE INDEX `signals_customer_idx` ON `signals` (`customer_id`,`occurred_on`);--> statement-breakpoint
CREATE INDEX `signals_branch_date_idx` ON `signals` (`branch_id`,`occurred_on`);--> statement-breakpoint
CREATE INDEX `signals_sensitive_note_idx` ON `signals` (`occurred_on`) WHERE "signals"."note" is not null and "signals"."kind" in ('bereavement', 'illness', 'hardship');--> statement-breakpoint
CREATE UNIQUE INDEX `signals_external_ref_unique` ON `signals` (`external_ref`);--> statement-breakpoint
CREATE TABLE `suggestion_dismissals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` integer NOT NULL,
	`up_to_signal_id` integer DEFAULT 0 NOT NULL,
	`reason` text NOT NULL,
	`dismissed_by_id` integer NOT NULL,
	`dismissed_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dismissed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `suggestion_dismissals_customer_idx` ON `suggestion_dismissals` (`customer_id`,`up_to_signal_id`);--> statement-breakpoint
ALTER TABLE `organisation` ADD `sensitive_retention_days` integer DEFAULT 90 NOT NULL;