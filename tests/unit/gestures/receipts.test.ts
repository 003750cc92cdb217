// Receipt storage: content decides what a file is, the size limit stops the upload as soon as it is
// passed, and a refused or broken upload leaves nothing behind.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectReceiptType, openReceipt, RECEIPT_MAX_BYTES, storeReceipt } from "~/domain/gestures/receipts.server";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n");

async function* chunks(...parts: Uint8Array[]) {
  for (const part of parts) yield part;
}
const folder = () => mkdtempSync(join(tmpdir(), "empathy-fund-receipts-"));

describe("receipt storage", () => {
  it("keeps a PNG, a JPEG and a PDF under a random name with their real type, size and hash", async () => {
    const dir = folder();
    for (const [bytes, type] of [[PNG, "image/png"], [JPEG, "image/jpeg"], [PDF, "application/pdf"]] as const) {
      const stored = await storeReceipt(chunks(bytes.slice(0, 3), bytes.slice(3)), dir);
      expect(stored).toMatchObject({ mediaType: type, size: bytes.byteLength });
      expect(stored.storedName).toMatch(/^[0-9a-f]{32}$/);
      expect(new Uint8Array(readFileSync(join(dir, stored.storedName)))).toEqual(bytes);
    }
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it("refuses a file named .pdf that is not a PDF, and leaves no file behind", async () => {
    const dir = folder();
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    await expect(storeReceipt(chunks(html), dir)).rejects.toThrow("must be a JPEG or PNG image or a PDF");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses an oversized file as soon as it passes the limit, with a clear message and no partial file", async () => {
    const dir = folder();
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
    await expect(storeReceipt(huge(), dir)).rejects.toThrow("larger than 10 MB");
    expect(produced).toBeLessThan(RECEIPT_MAX_BYTES + 2 * 1024 * 1024); // it stopped reading
    expect(readdirSync(dir)).toEqual([]);
  });

  it("accepts a file of exactly the limit", async () => {
    const dir = folder();
    const rest = new Uint8Array(RECEIPT_MAX_BYTES - PNG.byteLength);
    const stored = await storeReceipt(chunks(PNG, rest), dir);
    expect(stored.size).toBe(RECEIPT_MAX_BYTES);
  });

  it("refuses an empty file", async () => {
    const dir = folder();
    await expect(storeReceipt(chunks(), dir)).rejects.toThrow("empty");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("removes the partial file when the upload breaks off", async () => {
    const dir = folder();
    async function* broken() {
      yield PNG;
      throw new Error("connection reset");
    }
    await expect(storeReceipt(broken(), dir)).rejects.toThrow("connection reset");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("opens only names it could have made: no path ever leaves the folder", async () => {
    const dir = folder();
    const stored = await storeReceipt(chunks(PDF), dir);
    expect(await openReceipt(stored.storedName, dir)).not.toBeNull();
    for (const name of ["../../etc/passwd", `${stored.storedName}/..`, stored.storedName.toUpperCase(), "", `.${stored.storedName}.partial`]) {
      expect(await openReceipt(name, dir)).toBeNull();
    }
  });

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
