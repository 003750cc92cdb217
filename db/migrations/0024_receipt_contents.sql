CREATE TABLE `receipt_contents` (
	`receipt_id` integer PRIMARY KEY NOT NULL,
	`content` blob NOT NULL,
	FOREIGN KEY (`receipt_id`) REFERENCES `gesture_receipts`(`id`) ON UPDATE no action ON DELETE cascade
);
