CREATE TABLE `gesture_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`gesture_id` integer NOT NULL,
	`stored_name` text NOT NULL,
	`media_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`original_name` text NOT NULL,
	`uploaded_by_id` integer NOT NULL,
	`uploaded_at` integer NOT NULL,
	FOREIGN KEY (`gesture_id`) REFERENCES `gestures`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`uploaded_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "gesture_receipts_stored_name" CHECK(length("gesture_receipts"."stored_name") = 32 and "gesture_receipts"."stored_name" not glob '*[^0-9a-f]*'),
	CONSTRAINT "gesture_receipts_size" CHECK("gesture_receipts"."size" > 0 and "gesture_receipts"."size" <= 10485760),
	CONSTRAINT "gesture_receipts_original_name" CHECK(length("gesture_receipts"."original_name") between 1 and 120)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gesture_receipts_stored_name_unique` ON `gesture_receipts` (`stored_name`);--> statement-breakpoint
CREATE INDEX `gesture_receipts_gesture_idx` ON `gesture_receipts` (`gesture_id`,`id`);--> statement-breakpoint
ALTER TABLE `gestures` ADD `fulfilment_note` text;--> statement-breakpoint
ALTER TABLE `gestures` ADD `fulfilled_at` integer;--> statement-breakpoint
ALTER TABLE `gestures` ADD `fulfilled_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `gestures` ADD `cancel_reason` text;--> statement-breakpoint
ALTER TABLE `gestures` ADD `cancelled_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `gestures` ADD `ended_at` integer;--> statement-breakpoint
ALTER TABLE `gestures` ADD `outcome_recorded_at` integer;--> statement-breakpoint
ALTER TABLE `gestures` ADD `outcome_recorded_by_id` integer REFERENCES users(id);--> statement-breakpoint
CREATE INDEX `gestures_approved_idx` ON `gestures` (`approved_at`) WHERE "gestures"."status" = 'approved';--> statement-breakpoint
CREATE INDEX `gestures_fulfilled_idx` ON `gestures` (`fulfilled_at`) WHERE "gestures"."status" = 'fulfilled';