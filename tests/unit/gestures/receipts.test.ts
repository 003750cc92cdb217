// Receipts: content decides what a file is, the size limit stops the upload as soon as it is
// passed, a refused or broken upload is never written, and a fulfilment writes the bytes into the
// database with its row (issue 20 part 4: every app server serves every receipt). Receipts of a
// database from before migration 0024 move in from the old folder, checked against their hash.
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gestureReceipts, receiptContents } from "../../../db/schema";
import { checkReceipts } from "~/domain/administration/integrity.server";
import { fulfilGesture, latestReceipt } from "~/domain/gestures/fulfilment.server";
import { detectReceiptType, importReceiptFiles, openReceipt, RECEIPT_MAX_BYTES, readReceiptUpload } from "~/domain/gestures/receipts.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { actorOf, propose, setupGestures } from "../../support/gesture-setup";
import { firstRow } from "~/utils/query.server";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n");

async function* chunks(...parts: Uint8Array[]) {
  for (const part of parts) yield part;
}
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const NOW = new Date("2026-03-02T15:00:00Z");
const LATER = new Date("2026-03-03T15:00:00Z");

/** A gesture fulfilled with `bytes` as its receipt, through the workflow. */
async function fulfilledWith(bytes: Uint8Array) {
  const s = await setupGestures(db, { now: NOW });
  const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 4_000 }, NOW);
  const upload = { ...(await readReceiptUpload(chunks(bytes))), originalName: "flowers.pdf" };
  await fulfilGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, actualAmount: 4_000, vendor: "Bloom & Co", fulfilledOn: "2026-03-03", note: "", receipt: upload }, LATER);
  return (await latestReceipt(db, g.gestureId))!;
}

describe("receipt uploads", () => {
  it("takes a PNG, a JPEG and a PDF with their real type, size and hash, under a random reference", async () => {
    for (const [bytes, type] of [
      [PNG, "image/png"],
      [JPEG, "image/jpeg"],
      [PDF, "application/pdf"],
    ] as const) {
      const checked = await readReceiptUpload(chunks(bytes.slice(0, 3), bytes.slice(3)));
      expect(checked).toMatchObject({ mediaType: type, size: bytes.byteLength, sha256: sha256(bytes) });
      expect(new Uint8Array(checked.content)).toEqual(bytes);
      expect(checked.storedName).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it("refuses a file named .pdf that is not a PDF", async () => {
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    await expect(readReceiptUpload(chunks(html))).rejects.toThrow("must be a JPEG or PNG image or a PDF");
  });

  it("refuses an oversized file as soon as it passes the limit, with a clear message", async () => {
    let produced = 0;
    async function* huge() {
      yield PDF;
      produced += PDF.byteLength;
      const block = new Uint8Array(1024 * 1024);
      for (let i = 0; i < 50; i++) {
        produced += block.byteLength;
        yield block;
      }
    }
    await expect(readReceiptUpload(huge())).rejects.toThrow("larger than 10 MB");
    expect(produced).toBeLessThan(RECEIPT_MAX_BYTES + 2 * 1024 * 1024); // it stopped reading
  });

  it("accepts a file of exactly the limit", async () => {
    const rest = new Uint8Array(RECEIPT_MAX_BYTES - PNG.byteLength);
    const checked = await readReceiptUpload(chunks(PNG, rest));
    expect(checked.size).toBe(RECEIPT_MAX_BYTES);
  });

  it("refuses an empty file, and passes on the error of an upload that breaks off", async () => {
    await expect(readReceiptUpload(chunks())).rejects.toThrow("empty");
    async function* broken() {
      yield PNG;
      throw new Error("connection reset");
    }
    await expect(readReceiptUpload(broken())).rejects.toThrow("connection reset");
  });
});

describe("receipts in the database", () => {
  it("a fulfilment writes the receipt's bytes with its row; they read back byte for byte, and no other id has any", async () => {
    const receipt = await fulfilledWith(PDF);
    expect(receipt).toMatchObject({ mediaType: "application/pdf", size: PDF.byteLength, sha256: sha256(PDF), originalName: "flowers.pdf" });
    expect(new Uint8Array((await openReceipt(db, receipt.id))!)).toEqual(PDF);
    expect(await openReceipt(db, receipt.id + 1)).toBeNull();
  });

  it("db:check finds a receipt whose bytes were altered after upload, and one whose bytes are gone", async () => {
    const receipt = await fulfilledWith(PDF);
    expect(await checkReceipts(db)).toEqual([]);
    const altered = Buffer.from(PDF);
    altered[5] = 0x39;
    await db.update(receiptContents).set({ content: altered }).where(eq(receiptContents.receiptId, receipt.id));
    expect(await checkReceipts(db)).toEqual([{ rule: "a receipt's file has the size and SHA-256 recorded at upload", examples: [receipt.id] }]);
    await db.delete(receiptContents);
    expect(await checkReceipts(db)).toEqual([{ rule: "every receipt has its file", examples: [receipt.id] }]);
  });

  it("moves the receipts of an older database in from their files, once, refusing a file whose hash differs", async () => {
    const kept = await fulfilledWith(PDF);
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-receipts-"));
    // Before migration 0024 the bytes were only a file named after the receipt's stored name.
    await db.delete(receiptContents);
    writeFileSync(join(dir, kept.storedName), PDF);
    expect(await importReceiptFiles(db, dir)).toEqual({ imported: 1, missing: [] });
    expect(new Uint8Array((await openReceipt(db, kept.id))!)).toEqual(PDF);
    expect(await importReceiptFiles(db, dir)).toEqual({ imported: 0, missing: [] });

    // A file that was altered on disk is not taken: its hash is not the one recorded at upload.
    await db.delete(receiptContents);
    const altered = Uint8Array.from(PDF);
    altered[altered.length - 2] = 0x21;
    writeFileSync(join(dir, kept.storedName), altered);
    expect(await importReceiptFiles(db, dir)).toEqual({ imported: 0, missing: [kept.storedName] });
    expect(await openReceipt(db, kept.id)).toBeNull();
    expect((await firstRow(db.select().from(gestureReceipts).where(eq(gestureReceipts.id, kept.id)).limit(1)))?.sha256).toBe(sha256(PDF));
  });
});

describe("receipt types", () => {
  it("reads the type from the signature whatever follows it, and a damaged signature is no receipt (property)", () => {
    const signatures = [
      { bytes: [0xff, 0xd8, 0xff], type: "image/jpeg" },
      { bytes: [...PNG.slice(0, 8)], type: "image/png" },
      { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: "application/pdf" },
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...signatures), fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (signature, tail, at, delta) => {
        expect(detectReceiptType(Uint8Array.from([...signature.bytes, ...tail]))).toBe(signature.type);
        const damaged = [...signature.bytes, ...tail];
        const index = at % signature.bytes.length;
        damaged[index] = (damaged[index]! + delta) % 256;
        expect(detectReceiptType(Uint8Array.from(damaged))).not.toBe(signature.type);
      }),
      { numRuns: 3_000 },
    );
  });
});
