CREATE TABLE `decision_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`gesture_id` integer NOT NULL,
	`approver_id` integer NOT NULL,
	`gesture_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`gesture_id`) REFERENCES `gestures`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`approver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `decision_links_token_hash_unique` ON `decision_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `decision_links_gesture_idx` ON `decision_links` (`gesture_id`);