CREATE TABLE `flag_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flag_key` text NOT NULL,
	`rule` text NOT NULL,
	`reviewed_by_id` integer NOT NULL,
	`note` text NOT NULL,
	`reviewed_at` integer NOT NULL,
	FOREIGN KEY (`reviewed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "flag_reviews_note" CHECK(length(trim("flag_reviews"."note")) between 1 and 1000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flag_reviews_flag_key_unique` ON `flag_reviews` (`flag_key`);--> statement-breakpoint
CREATE INDEX `gesture_decisions_at_idx` ON `gesture_decisions` (`at`);--> statement-breakpoint
CREATE INDEX `gestures_submitted_idx` ON `gestures` (`submitted_at`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_at_idx` ON `ledger_entries` (`at`,`id`);