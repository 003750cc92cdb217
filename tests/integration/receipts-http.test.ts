// Fulfilment with a receipt over real HTTP, posted as a browser without JavaScript would (multipart):
// a file named .pdf that is not a PDF is refused, an oversized one too with a clear message and
// nothing stored, and the receipt (its bytes in the database, issue 20) is served only to those who
// may see the gesture.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gestureReceipts, gestures, receiptContents, type User } from "../../db/schema";
import { RECEIPT_MAX_BYTES } from "~/domain/gestures/receipts.server";
import { db } from "~/utils/db.server";
import { createCustomer, createUser } from "../support/factories";
import { propose, setupGestures } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { localToday } from "../support/calendar";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let s: Awaited<ReturnType<typeof setupGestures>>;
const NOW = new Date();
const TODAY = localToday(NOW);
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

beforeAll(async () => {
  server = await startTestServer();
  s = await setupGestures(db, { now: NOW });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;
const row = async (id: number) => (await firstRow(db.select().from(gestures).where(eq(gestures.id, id)).limit(1)))!;
const storedFiles = async () => (await db.select({ id: receiptContents.receiptId }).from(receiptContents)).length;

async function fulfil(user: User, gestureId: number, file: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string } | null, fields: Record<string, string> = {}) {
  const form = new FormData();
  const values = { intent: "fulfil", version: String((await row(gestureId)).version), actualAmount: "40.00", vendor: "Bloom & Co", fulfilledOn: TODAY, note: "Handed over at the counter", ...fields };
  for (const [k, v] of Object.entries(values)) form.append(k, v);
  if (file) form.append("receipt", new Blob([file.bytes], { type: file.type }), file.name);
  return server.fetch(`/gestures/${gestureId}`, { method: "POST", body: form, cookie: await cookie(user), headers: { Origin: server.origin } });
}

describe("fulfilment with a receipt", () => {
  it("a file named .pdf that is not a PDF is refused beside the field, with what was typed kept, and nothing stored", async () => {
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 4_000 }, NOW);
    const before = await storedFiles();
    const response = await fulfil(s.staff, g.gestureId, { bytes: new TextEncoder().encode("MZ this is a program"), name: "receipt.pdf", type: "application/pdf" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("The receipt must be a JPEG or PNG image or a PDF");
    expect(html).toContain("Bloom &amp; Co");
    expect((await row(g.gestureId)).status).toBe("approved");
    expect(await storedFiles()).toBe(before);
  });

  it("an oversized receipt is refused with a clear message and nothing is stored", async () => {
    const before = await storedFiles();
    const g = await propose(db, s.staff, { customerId: (await createCustomer(db, { branchId: s.north.id })).id, amount: 4_000 }, NOW);
    const big = new Uint8Array(RECEIPT_MAX_BYTES + 1);
    big.set(PDF);
    const response = await fulfil(s.staff, g.gestureId, { bytes: big, name: "scan.pdf", type: "application/pdf" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("The receipt is larger than 10 MB");
    expect(await storedFiles()).toBe(before);
    expect(await db.select().from(gestureReceipts).where(eq(gestureReceipts.gestureId, g.gestureId))).toEqual([]);
    // Far beyond the limit the server refuses before reading the body, still saying why.
    const huge = await server
      .fetch(`/gestures/${g.gestureId}`, {
        method: "POST",
        cookie: await cookie(s.staff),
        headers: { Origin: server.origin, "Content-Length": String(30 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=x" },
        body: "x",
      })
      .catch(() => null);
    if (huge) {
      expect(huge.status).toBe(413);
      expect(await huge.text()).toContain("larger than 10 MB");
    }
    expect((await row(g.gestureId)).status).toBe("approved");
  });

  it("a real PDF is stored with the fulfilment; the receipt is served to the branch and finance, refused to another branch and to admin", async () => {
    const g = await propose(db, s.staff, { customerId: (await createCustomer(db, { branchId: s.north.id })).id, amount: 4_000 }, NOW);
    const response = await fulfil(s.staff, g.gestureId, { bytes: PDF, name: "../../etc/Bloom receipt.pdf", type: "text/plain" });
    expect(response.status).toBe(302);
    expect(await row(g.gestureId)).toMatchObject({ status: "fulfilled", actualAmount: 4_000, vendor: "Bloom & Co" });
    const receipt = (await firstRow(db.select().from(gestureReceipts).where(eq(gestureReceipts.gestureId, g.gestureId)).limit(1)))!;
    expect(receipt).toMatchObject({ mediaType: "application/pdf", size: PDF.byteLength, originalName: "Bloom receipt.pdf" });
    expect(new Uint8Array((await firstRow(db.select().from(receiptContents).where(eq(receiptContents.receiptId, receipt.id)).limit(1)))!.content)).toEqual(PDF);

    for (const user of [s.staff2, s.manager, s.finance2]) {
      const file = await server.fetch(`/gestures/${g.gestureId}/receipt`, { cookie: await cookie(user) });
      expect(file.status).toBe(200);
      expect(file.headers.get("Content-Type")).toBe("application/pdf");
      expect(file.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(file.headers.get("Cache-Control")).toContain("no-store");
      expect(file.headers.get("Content-Disposition")).toContain("attachment");
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF);
    }
    const other = await server.fetch(`/gestures/${g.gestureId}/receipt`, { cookie: await cookie(s.southManager) });
    expect(other.status).toBe(404);
    const admin = await createUser(db, { role: "admin" });
    expect((await server.fetch(`/gestures/${g.gestureId}/receipt`, { cookie: await cookie(admin) })).status).toBe(403);
    expect((await server.fetch(`/gestures/${g.gestureId}/receipt`)).status).toBe(302);
  });
});
