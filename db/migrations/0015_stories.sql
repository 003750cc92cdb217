CREATE TABLE `stories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`gesture_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`occasion` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`review_comment` text,
	`reviewed_by_id` integer,
	`withdrawn_by_id` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`submitted_at` integer,
	`published_at` integer,
	`decided_at` integer,
	`withdrawn_at` integer,
	FOREIGN KEY (`gesture_id`) REFERENCES `gestures`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`reviewed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`withdrawn_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "stories_body_length" CHECK(length("stories"."body") between 1 and 1000),
	CONSTRAINT "stories_published_at" CHECK("stories"."status" <> 'published' or "stories"."published_at" is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stories_gesture_unique` ON `stories` (`gesture_id`);--> statement-breakpoint
CREATE INDEX `stories_published_idx` ON `stories` (`published_at`,`id`) WHERE "stories"."status" = 'published';--> statement-breakpoint
CREATE INDEX `stories_occasion_published_idx` ON `stories` (`occasion`,`published_at`,`id`) WHERE "stories"."status" = 'published';--> statement-breakpoint
CREATE INDEX `stories_branch_status_idx` ON `stories` (`branch_id`,`status`,`published_at`);--> statement-breakpoint
CREATE INDEX `stories_author_idx` ON `stories` (`author_id`,`updated_at`);