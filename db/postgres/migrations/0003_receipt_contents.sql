CREATE TABLE "receipt_contents" (
	"receipt_id" integer PRIMARY KEY NOT NULL,
	"content" bytea NOT NULL
);
--> statement-breakpoint
ALTER TABLE "receipt_contents" ADD CONSTRAINT "receipt_contents_receipt_id_gesture_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."gesture_receipts"("id") ON DELETE cascade ON UPDATE no action;