import { randomUUID } from "node:crypto";

/** A fresh key for a money-moving form, rendered into a hidden field by the loader. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
