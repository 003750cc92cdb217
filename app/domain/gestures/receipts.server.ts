// Receipt files: checked by their content (never by the name or the type the browser claims), at
// most RECEIPT_MAX_BYTES, and kept in the database (receipt_contents), written in the fulfilment's
// own transaction: every app server serves every receipt, a backup holds them, and a refused or
// broken upload leaves nothing behind because nothing was written. Which gesture a receipt belongs
// to, and who may see it, is the workflow's.
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { eq, isNull } from "drizzle-orm";
import { gestureReceipts, receiptContents } from "../../../db/schema";
import { DomainError } from "../core/errors";
import { RECEIPT_MAX_BYTES } from "./fulfilment-rules";
import { type DbOrTx, writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

export { RECEIPT_MAX_BYTES };
export const RECEIPT_MEDIA_TYPES = ["image/jpeg", "image/png", "application/pdf"] as const;
export type ReceiptMediaType = (typeof RECEIPT_MEDIA_TYPES)[number];

/** Stored names are 32 hex characters and nothing else: the receipt's stable reference. */
const STORED_NAME = /^[0-9a-f]{32}$/;

/**
 * What a file really is, from its first bytes: the signatures of JPEG (FF D8 FF), PNG (the 8-byte
 * PNG signature) and PDF ("%PDF-"). Anything else is null, whatever its name says.
 */
export function detectReceiptType(head: Uint8Array): ReceiptMediaType | null {
  const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  return null;
}

/** A checked upload, in memory until the fulfilment's transaction writes it. */
export type CheckedReceipt = { storedName: string; mediaType: ReceiptMediaType; size: number; sha256: string; content: Buffer };

function tooLarge() {
  return new DomainError("VALIDATION", `The receipt is larger than ${RECEIPT_MAX_BYTES / 1024 / 1024} MB. Scan or photograph it at a lower resolution, or save it as a smaller PDF.`, {
    field: "receipt",
  });
}

/**
 * Reads an upload and checks it. Refuses (DomainError, field "receipt") an empty file, a file over
 * the limit — as soon as the limit is passed, without reading the rest — and a file that is not a
 * JPEG, PNG or PDF by content.
 */
export async function readReceiptUpload(data: AsyncIterable<Uint8Array>): Promise<CheckedReceipt> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size > RECEIPT_MAX_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) throw new DomainError("VALIDATION", "The receipt file is empty. Choose the file again.", { field: "receipt" });
  const content = Buffer.concat(chunks, size);
  const mediaType = detectReceiptType(content.subarray(0, 8));
  if (!mediaType) {
    throw new DomainError("VALIDATION", "The receipt must be a JPEG or PNG image or a PDF. This file is none of those, whatever its name says.", { field: "receipt" });
  }
  return { storedName: randomBytes(16).toString("hex"), mediaType, size, sha256: createHash("sha256").update(content).digest("hex"), content };
}

/** Writes a receipt's bytes beside its row, inside the caller's transaction (the fulfilment's). */
export async function saveReceiptContent(tx: DbOrTx, receiptId: number, content: Buffer): Promise<void> {
  await tx.insert(receiptContents).values({ receiptId, content });
}

/** A receipt's bytes, or null when it has none on file. */
export async function openReceipt(db: DbOrTx, receiptId: number): Promise<Buffer | null> {
  return (await firstRow(db.select({ content: receiptContents.content }).from(receiptContents).where(eq(receiptContents.receiptId, receiptId)).limit(1)))?.content ?? null;
}

/** Where receipts were kept as files before they moved into the database (RECEIPTS_DIR). */
export function receiptsFolder(): string {
  return resolve(process.env.RECEIPTS_DIR ?? "data/receipts");
}

/**
 * Moves the receipts of a database from before migration 0024 into it: each receipt row without
 * its bytes takes the file of its stored name from the old folder, if the file is there and its
 * size and SHA-256 are the ones recorded. Runs at every start and `npm run db:migrate`; once done it
 * finds nothing. The files are left where they are for whoever runs the upgrade to remove.
 */
export async function importReceiptFiles(db: DbOrTx, folder = receiptsFolder()): Promise<{ imported: number; missing: string[] }> {
  const waiting = await db
    .select({ id: gestureReceipts.id, storedName: gestureReceipts.storedName, size: gestureReceipts.size, sha256: gestureReceipts.sha256 })
    .from(gestureReceipts)
    .leftJoin(receiptContents, eq(receiptContents.receiptId, gestureReceipts.id))
    .where(isNull(receiptContents.receiptId));
  if (waiting.length === 0) return { imported: 0, missing: [] };
  const present = new Set(await readdir(folder).catch(() => [] as string[]));
  let imported = 0;
  const missing: string[] = [];
  for (const receipt of waiting) {
    const content = STORED_NAME.test(receipt.storedName) && present.has(receipt.storedName) ? await readFile(join(folder, receipt.storedName)) : null;
    if (!content || content.byteLength !== receipt.size || createHash("sha256").update(content).digest("hex") !== receipt.sha256) {
      missing.push(receipt.storedName);
      continue;
    }
    // Another process importing at the same time may have written it first: same bytes.
    await writeTransaction(db, async (tx) => await tx.insert(receiptContents).values({ receiptId: receipt.id, content }).onConflictDoNothing());
    imported++;
  }
  return { imported, missing };
}
