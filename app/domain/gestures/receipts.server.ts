// Receipt files: stored outside `public/` under the data folder with a random name, checked by their
// content (never by the name or the type the browser claims), at most RECEIPT_MAX_BYTES, and never
// left half-written. Which gesture a receipt belongs to, and who may see it, is the workflow's.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, type ReadStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DomainError } from "../core/errors";
import { RECEIPT_MAX_BYTES } from "./fulfilment-rules";

export { RECEIPT_MAX_BYTES };
export const RECEIPT_MEDIA_TYPES = ["image/jpeg", "image/png", "application/pdf"] as const;
export type ReceiptMediaType = (typeof RECEIPT_MEDIA_TYPES)[number];

/** Stored names are 32 hex characters and nothing else, so a name can never point outside the folder. */
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

export type StoredReceipt = { storedName: string; mediaType: ReceiptMediaType; size: number; sha256: string };

export function receiptsFolder(): string {
  return resolve(process.env.RECEIPTS_DIR ?? "data/receipts");
}

/**
 * Streams an upload into the receipts folder. Refuses (DomainError, field "receipt") an empty file,
 * a file over the limit — as soon as the limit is passed, without reading the rest — and a file that
 * is not a JPEG, PNG or PDF by content. On any refusal or error the partial file is removed.
 */
export async function storeReceipt(data: AsyncIterable<Uint8Array>, folder = receiptsFolder()): Promise<StoredReceipt> {
  mkdirSync(folder, { recursive: true });
  const storedName = randomBytes(16).toString("hex");
  const partial = join(folder, `.${storedName}.partial`);
  const file = await open(partial, "wx", 0o600);
  const hash = createHash("sha256");
  const head: number[] = [];
  let size = 0;
  try {
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > RECEIPT_MAX_BYTES) {
        throw new DomainError("VALIDATION", `The receipt is larger than ${RECEIPT_MAX_BYTES / 1024 / 1024} MB. Scan or photograph it at a lower resolution, or save it as a smaller PDF.`, { field: "receipt" });
      }
      for (let i = 0; head.length < 8 && i < chunk.byteLength; i++) head.push(chunk[i]!);
      hash.update(chunk);
      await file.write(chunk);
    }
    if (size === 0) throw new DomainError("VALIDATION", "The receipt file is empty. Choose the file again.", { field: "receipt" });
    const mediaType = detectReceiptType(Uint8Array.from(head));
    if (!mediaType) {
      throw new DomainError("VALIDATION", "The receipt must be a JPEG or PNG image or a PDF. This file is none of those, whatever its name says.", { field: "receipt" });
    }
    await file.sync();
    await file.close();
    await rename(partial, join(folder, storedName));
    return { storedName, mediaType, size, sha256: hash.digest("hex") };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

/** A stored receipt to stream back, or null when there is none by that name. */
export async function openReceipt(storedName: string, folder = receiptsFolder()): Promise<{ stream: ReadStream; size: number } | null> {
  if (!STORED_NAME.test(storedName)) return null;
  const path = join(folder, storedName);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  return { stream: createReadStream(path), size: info.size };
}

export async function deleteReceipt(storedName: string, folder = receiptsFolder()): Promise<void> {
  if (!STORED_NAME.test(storedName)) return;
  await rm(join(folder, storedName), { force: true });
}
