// The e-mail outbox sender against a real SMTP server on loopback (smtp-server), and its log
// fallback for machines without SMTP_URL.
import { createServer, type AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emailOutbox, type User } from "../../../db/schema";
import { createEmailTransport, DEFAULT_EMAIL_FROM, EMAIL_BACKOFF_MS, MAX_EMAIL_ATTEMPTS, sendPendingEmails } from "~/domain/notifications/email.server";
import { notify } from "~/domain/notifications/notifications.server";
import type { Db } from "~/utils/db.server";
import { createClock, MINUTE, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createGesture } from "../../support/gesture-factory";
import { readMail } from "../../support/smtp";
import { writeTransaction } from "~/utils/db.server";

type Received = { from: string; to: string[]; raw: string };

/** A real SMTP server on a random loopback port that keeps what it receives and refuses some recipients. */
async function startSmtpServer(options: { refuse?: (to: string) => number | null; user?: string; pass?: string } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: !options.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const code = options.refuse?.(address.address) ?? null;
      if (code) return callback(Object.assign(new Error(`Recipient ${address.address} refused`), { responseCode: code }));
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((done) => server.close(() => done())) };
}

/** The plain text of a message body (nodemailer writes long lines as quoted-printable). */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  return body
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\r\n/g, "\n")
    .trim();
}

function header(raw: string, name: string): string | undefined {
  return raw
    .split("\r\n")
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}: `))
    ?.slice(name.length + 2);
}

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", () => done()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

const silent = { info: () => {}, warn: () => {} };
let db: Db;
let clock: TestClock;
let alice: User;
let bob: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db);
  alice = await createUser(db, { role: "manager", email: "alice@test.example" });
  bob = await createUser(db, { role: "finance", email: "bob@test.example" });
});
afterEach(() => closeDatabase(db));

async function queue(user: User, message: string, gestureId: number | null = null) {
  await writeTransaction(db, async (tx) => await notify(tx, { userId: user.id, kind: "approval_needed", gestureId, message, now: clock.now() }));
}

const outbox = async () => await db.select().from(emailOutbox).orderBy(emailOutbox.id);

describe("sending the outbox over SMTP", () => {
  it("delivers each pending message once, with the sender, subject, body and an absolute link, and marks it sent", async () => {
    const smtp = await startSmtpServer({ user: "fund", pass: "s3cret pass" });
    try {
      await queue(alice, "Proposal #7 at North: Flowers, $80.00 is waiting for your approval.");
      await queue(bob, "Three proposals are waiting.");
      const transport = createEmailTransport({ smtpUrl: `smtp://fund:${encodeURIComponent("s3cret pass")}@127.0.0.1:${smtp.port}`, from: "Northvale Fund <fund@northvale.example>", logger: silent });
      const summary = await sendPendingEmails(db, transport, clock.now(), { appOrigin: "https://fund.northvale.example/" });
      transport.close();
      expect(summary).toEqual({ sent: 2, logged: 0, failed: 0, retrying: 0 });
      expect(smtp.received.map((m) => [m.from, m.to])).toEqual([
        ["fund@northvale.example", ["alice@test.example"]],
        ["fund@northvale.example", ["bob@test.example"]],
      ]);
      const first = smtp.received[0]!.raw;
      expect(header(first, "Subject")).toBe("A gesture is waiting for your approval");
      expect(header(first, "From")).toBe("Northvale Fund <fund@northvale.example>");
      // Plain text and HTML, the link absolute in both; the HTML escapes the text.
      const mail = readMail(first);
      expect(mail.contentType).toMatch(/^multipart\/alternative/);
      expect(mail.text).toBe("Proposal #7 at North: Flowers, $80.00 is waiting for your approval.\n\nOpen it in Empathy Fund: https://fund.northvale.example/approvals");
      expect(mail.html).toContain("<p>Proposal #7 at North: Flowers, $80.00 is waiting for your approval.</p>");
      expect(mail.html).toContain('<a href="https://fund.northvale.example/approvals">Open it in Empathy Fund</a>');
      expect((await outbox()).map((m) => [m.status, m.attempts, m.sentAt, m.lastError])).toEqual([
        ["sent", 1, clock.now(), null],
        ["sent", 1, clock.now(), null],
      ]);
      // A second run finds nothing to send.
      const again = createEmailTransport({ smtpUrl: `smtp://fund:${encodeURIComponent("s3cret pass")}@127.0.0.1:${smtp.port}`, logger: silent });
      expect(await sendPendingEmails(db, again, clock.advance(MINUTE))).toEqual({ sent: 0, logged: 0, failed: 0, retrying: 0 });
      again.close();
      expect(smtp.received).toHaveLength(2);
    } finally {
      await smtp.close();
    }
  });

  it("a recipient the server refuses for good (550) is marked failed at once; the others still go", async () => {
    const smtp = await startSmtpServer({ refuse: (to) => (to === "alice@test.example" ? 550 : null) });
    try {
      await queue(alice, "To a refused mailbox");
      await queue(bob, "To a good mailbox");
      const transport = createEmailTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, logger: silent });
      expect(await sendPendingEmails(db, transport, clock.now())).toEqual({ sent: 1, logged: 0, failed: 1, retrying: 0 });
      transport.close();
      const [refused, delivered] = await outbox();
      expect(refused).toMatchObject({ status: "failed", attempts: 1, sentAt: null });
      expect(refused!.lastError).toMatch(/alice@test\.example/);
      expect(delivered).toMatchObject({ status: "sent", attempts: 1 });
      expect(header(smtp.received[0]!.raw, "From")).toBe(DEFAULT_EMAIL_FROM);
    } finally {
      await smtp.close();
    }
  });

  it("while the server is down a message waits with a growing delay and is given up after the last attempt; sending never throws", async () => {
    await queue(alice, "Nobody is listening");
    const transport = createEmailTransport({ smtpUrl: `smtp://127.0.0.1:${await unusedPort()}`, logger: silent });
    const start = clock.now().getTime();
    const runAt = async (msAfterStart: number) => await sendPendingEmails(db, transport, new Date(start + msAfterStart));
    expect(await runAt(0)).toEqual({ sent: 0, logged: 0, failed: 0, retrying: 1 });
    expect((await outbox())[0]).toMatchObject({ status: "pending", attempts: 1 });
    expect((await outbox())[0]!.lastError).toMatch(/ECONNREFUSED/);
    // The second attempt waits 5 minutes, the third 10 more, and so on.
    expect((await runAt(EMAIL_BACKOFF_MS - 1)).retrying).toBe(0);
    expect((await runAt(EMAIL_BACKOFF_MS)).retrying).toBe(1);
    expect((await runAt(3 * EMAIL_BACKOFF_MS - 1)).retrying).toBe(0);
    expect((await runAt(3 * EMAIL_BACKOFF_MS)).retrying).toBe(1);
    expect((await runAt(7 * EMAIL_BACKOFF_MS)).retrying).toBe(1);
    expect(await runAt(15 * EMAIL_BACKOFF_MS)).toEqual({ sent: 0, logged: 0, failed: 1, retrying: 0 });
    expect((await outbox())[0]).toMatchObject({ status: "failed", attempts: MAX_EMAIL_ATTEMPTS });
    expect((await runAt(100 * EMAIL_BACKOFF_MS)).failed).toBe(0);
    transport.close();
  });

  it("a message comes back to the queue after a temporary refusal (451) and is delivered at the next attempt", async () => {
    let refuseOnce = true;
    const smtp = await startSmtpServer({
      refuse: () => {
        if (!refuseOnce) return null;
        refuseOnce = false;
        return 451;
      },
    });
    try {
      await queue(alice, "Try again later");
      const transport = createEmailTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, logger: silent });
      expect((await sendPendingEmails(db, transport, clock.now())).retrying).toBe(1);
      expect((await sendPendingEmails(db, transport, clock.advance(EMAIL_BACKOFF_MS))).sent).toBe(1);
      transport.close();
      expect((await outbox())[0]).toMatchObject({ status: "sent", attempts: 2, lastError: null });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it("two runs at once send each message once", async () => {
    const smtp = await startSmtpServer();
    try {
      for (let i = 0; i < 5; i++) await queue(alice, `Message ${i}`);
      const transport = createEmailTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, logger: silent });
      const [a, b] = await Promise.all([sendPendingEmails(db, transport, clock.now()), sendPendingEmails(db, transport, clock.now())]);
      transport.close();
      expect(a.sent + b.sent).toBe(5);
      expect(smtp.received).toHaveLength(5);
      expect((await outbox()).every((m) => m.status === "sent" && m.attempts === 1)).toBe(true);
    } finally {
      await smtp.close();
    }
  });
});

describe("the HTML part", () => {
  it("escapes everything taken from the message: markup in a name arrives as text", async () => {
    const sent: { text: string; html?: string }[] = [];
    await queue(alice, `<script>alert("x")</script> & "Bob's" <img src=x onerror=alert(1)>`);
    await sendPendingEmails(db, { kind: "smtp", send: async (email) => void sent.push(email), close: () => {} }, clock.now(), { appOrigin: "https://fund.northvale.example" });
    expect(sent[0]!.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Bob&#39;s&quot; &lt;img src=x onerror=alert(1)&gt;");
    expect(sent[0]!.html).not.toMatch(/<script|<img/);
  });
});

describe("without SMTP_URL", () => {
  it("each message is written to the log (recipient, subject, body) and marked logged", async () => {
    const branchId = (await createBranch(db)).id;
    const gesture = await createGesture(db, { customerId: (await createCustomer(db, { branchId })).id, branchId, proposerId: (await createUser(db, { role: "staff", branchId })).id });
    await queue(alice, "Proposal #7 at North: Flowers, $80.00 is waiting for your approval.", gesture.id);
    const lines: { entry: Record<string, unknown>; message: string }[] = [];
    const transport = createEmailTransport({ logger: { info: (entry: Record<string, unknown>, message: string) => lines.push({ entry, message }) } as never });
    expect(transport.kind).toBe("log");
    expect(await sendPendingEmails(db, transport, clock.now())).toEqual({ sent: 0, logged: 1, failed: 0, retrying: 0 });
    expect(lines).toEqual([
      {
        message: "e-mail written to the log (SMTP_URL is not set)",
        entry: {
          email: {
            from: DEFAULT_EMAIL_FROM,
            to: "alice@test.example",
            subject: "A gesture is waiting for your approval",
            body: `Proposal #7 at North: Flowers, $80.00 is waiting for your approval.\n\nOpen it in Empathy Fund: /gestures/${gesture.id}`,
          },
        },
      },
    ]);
    expect(await db.select().from(emailOutbox).where(eq(emailOutbox.status, "logged"))).toHaveLength(1);
  });
});
