// `npm run jobs` as cron runs it: on a real database file, twice.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SMTPServer } from "smtp-server";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { emailOutbox, gestures, jobLocks, ledgerEntries, signals } from "../../db/schema";
import { acquireJobLock, JOB_LEASE_MS } from "~/domain/core/job-locks.server";
import { openDatabase, sqliteOf } from "~/utils/db.server";
import { createBranch, createCustomer, createOrganisation, createSignal, createUser } from "../support/factories";
import { createGesture } from "../support/gesture-factory";
import { propose, setupGestures } from "../support/gesture-setup";
import { firstRow } from "~/utils/query.server";

const execFileAsync = promisify(execFile);

describe("npm run jobs", () => {
  it("expires an approval left unfulfilled beyond the policy, releasing its hold once; a second run changes nothing", { timeout: 120_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "jobs.sqlite");
    const db = openDatabase(file);
    const approvedAt = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const s = await setupGestures(db, { now: approvedAt });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 4_000 }, approvedAt);
    expect(g.status).toBe("approved");
    sqliteOf(db).close();
    const run = () => spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...process.env, DATABASE_URL: file }, encoding: "utf8", timeout: 60_000 });
    const snapshot = async () => {
      const after = openDatabase(file);
      try {
        return {
          gesture: await firstRow(after.select({ status: gestures.status, version: gestures.version }).from(gestures).where(eq(gestures.id, g.gestureId)).limit(1)),
          ledger: await after.select({ kind: ledgerEntries.kind, amount: ledgerEntries.amount }).from(ledgerEntries).where(eq(ledgerEntries.gestureId, g.gestureId)),
        };
      } finally {
        sqliteOf(after).close();
      }
    };
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Expired 1 approval(s)");
    const once = await snapshot();
    expect(once.gesture?.status).toBe("expired");
    expect(once.ledger).toEqual([
      { kind: "hold", amount: -4_000 },
      { kind: "release", amount: 4_000 },
    ]);
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain("Expired 0 approval(s)");
    expect(await snapshot()).toEqual(once);
  });

  it("does nothing while another server's run holds the lock, and goes ahead once that lease has lapsed", { timeout: 120_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "jobs.sqlite");
    const db = openDatabase(file);
    const approvedAt = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const s = await setupGestures(db, { now: approvedAt });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 4_000 }, approvedAt);
    // Another app server's cron run took the lock a minute ago and is still going.
    expect((await acquireJobLock(db, "periodic-jobs", "other-server:4242:abcd", new Date(Date.now() - 60_000))).acquired).toBe(true);
    const run = () => spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...process.env, DATABASE_URL: file }, encoding: "utf8", timeout: 60_000 });
    const statusOf = async () => (await firstRow(db.select({ status: gestures.status }).from(gestures).where(eq(gestures.id, g.gestureId)).limit(1)))?.status;

    const blocked = run();
    expect(blocked.status, blocked.stderr).toBe(0);
    expect(blocked.stdout).toContain("Another run of the periodic jobs (other-server:4242:abcd");
    expect(blocked.stdout).not.toContain("Expired");
    expect(await statusOf()).toBe("approved");

    // That server died: its lease ran out (an hour ago, so that a spawned process's clock, which may
    // run a few seconds behind this one under the clock sweep, agrees), so the next run does the
    // work and gives the lock back.
    await db.update(jobLocks).set({ expiresAt: new Date(Date.now() - 60 * 60_000) });
    const after = run();
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain("Expired 1 approval(s)");
    expect(await statusOf()).toBe("expired");
    expect(await db.select().from(jobLocks)).toEqual([]);
    expect(JOB_LEASE_MS).toBeGreaterThan(60_000);
    sqliteOf(db).close();
  });

  it("redacts expired sensitive notes, keeps the signals, and a second run changes nothing", { timeout: 120_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "jobs.sqlite");
    const db = openDatabase(file);
    await createOrganisation(db);
    const customer = await createCustomer(db, { branchId: (await createBranch(db)).id });
    await createSignal(db, customer, { kind: "bereavement", occurredOn: "2020-01-01", note: "Old grief" });
    await createSignal(db, customer, { kind: "complaint", occurredOn: "2020-01-01", note: "Old complaint" });
    sqliteOf(db).close();
    const run = () => spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...process.env, DATABASE_URL: file }, encoding: "utf8", timeout: 60_000 });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Redacted the notes of 1 sensitive signal(s)");
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("Redacted the notes of 0 sensitive signal(s)");
    const after = openDatabase(file);
    expect(await after.select({ kind: signals.kind, note: signals.note }).from(signals)).toEqual([
      { kind: "bereavement", note: null },
      { kind: "complaint", note: "Old complaint" },
    ]);
    sqliteOf(after).close();
  });
});

describe("npm run jobs: reminders and e-mail", () => {
  it("reminds the manager of a proposal waiting too long, sends its e-mail over SMTP once, and a second run sends nothing", { timeout: 120_000 }, async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        stream.on("data", () => {});
        stream.on("end", () => {
          received.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, "127.0.0.1", () => done()));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "jobs.sqlite");
      const db = openDatabase(file);
      await createOrganisation(db);
      const branchId = (await createBranch(db)).id;
      const staff = await createUser(db, { role: "staff", branchId });
      const manager = await createUser(db, { role: "manager", branchId, email: "waiting.manager@test.example" });
      await createGesture(db, { customerId: (await createCustomer(db, { branchId })).id, branchId, proposerId: staff.id, submittedAt: new Date(Date.now() - 10 * 24 * 60 * 60 * 1000) });
      sqliteOf(db).close();
      const run = (extra: Record<string, string>) =>
        execFileAsync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...process.env, DATABASE_URL: file, LOG_LEVEL: "info", ...extra }, encoding: "utf8", timeout: 60_000 });
      const first = await run({ SMTP_URL: `smtp://127.0.0.1:${port}` });
      expect(first.stdout).toContain("Sent 1 reminder(s) about 1 proposal(s) waiting more than two working days.");
      expect(first.stdout).toContain("E-mail: 1 sent by SMTP, 0 to retry later, 0 given up.");
      expect(received).toEqual([manager.email]);
      const second = await run({ SMTP_URL: `smtp://127.0.0.1:${port}` });
      expect(second.stdout).toContain("Sent 0 reminder(s) about 1 proposal(s)");
      expect(second.stdout).toContain("E-mail: 0 sent by SMTP");
      expect(received).toHaveLength(1);
    } finally {
      await new Promise<void>((done) => smtp.close(() => done()));
    }
  });

  it("without SMTP_URL the e-mail goes to the log as JSON and is marked logged; a malformed SMTP_URL stops the run", { timeout: 120_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "jobs.sqlite");
    const db = openDatabase(file);
    await createOrganisation(db);
    const branchId = (await createBranch(db)).id;
    const staff = await createUser(db, { role: "staff", branchId });
    await createUser(db, { role: "manager", branchId, email: "logged.manager@test.example" });
    await createGesture(db, { customerId: (await createCustomer(db, { branchId })).id, branchId, proposerId: staff.id, submittedAt: new Date(Date.now() - 10 * 24 * 60 * 60 * 1000) });
    sqliteOf(db).close();
    // Production logging (tests silence the logger).
    const env = { ...process.env, NODE_ENV: "production" as const, DATABASE_URL: file, LOG_LEVEL: "info", SMTP_URL: "" };
    const bad = spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...env, SMTP_URL: "http://mail.example" }, encoding: "utf8", timeout: 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("SMTP_URL must be a URL like smtp://");
    // Once e-mail is on (SMTP_URL), production needs the public origin its links are built from.
    const noOrigin = spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...env, APP_ORIGIN: "", SMTP_URL: "smtp://127.0.0.1:9" }, encoding: "utf8", timeout: 60_000 });
    expect(noOrigin.status).not.toBe(0);
    expect(noOrigin.stderr).toContain("APP_ORIGIN is required in production when SMTP_URL is set");
    const withPath = spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...env, APP_ORIGIN: "https://fund.example.bank/app" }, encoding: "utf8", timeout: 60_000 });
    expect(withPath.status).not.toBe(0);
    expect(withPath.stderr).toContain("APP_ORIGIN must be an origin only");
    const ok = spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...env, APP_ORIGIN: "https://fund.example.bank" }, encoding: "utf8", timeout: 60_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("E-mail: 1 written to the log (SMTP_URL is not set), 0 to retry later, 0 given up.");
    const logged = ok.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg: string; email?: { to: string; subject: string } });
    expect(logged.find((l) => l.email)).toMatchObject({
      msg: "e-mail written to the log (SMTP_URL is not set)",
      email: { to: "logged.manager@test.example", subject: "Reminder: a gesture has waited more than two working days" },
    });
    // The reminder is an approval e-mail: its evidence and a decision link from APP_ORIGIN, every link absolute.
    const body = (logged.find((l) => l.email)!.email as unknown as { body: string }).body;
    expect(body).toMatch(/^Proposal #\d+ at .+ has waited for a decision since/);
    expect(body).toMatch(/Decide on it \(approve, return or reject it\):\nhttps:\/\/fund\.example\.bank\/approvals\/\d+\/decide\?token=[A-Za-z0-9_-]{43}\n/);
    expect(body).toContain("Your approvals queue: https://fund.example.bank/approvals");
    expect(body).not.toMatch(/(^|\s)\/(gestures|approvals)\//m);
    const after = openDatabase(file);
    expect(await after.select({ status: emailOutbox.status }).from(emailOutbox)).toEqual([{ status: "logged" }]);
    sqliteOf(after).close();
  });

  it("the server refuses to start in production with SMTP_URL and no APP_ORIGIN, and says why", { timeout: 60_000 }, () => {
    const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "server.sqlite");
    const started = spawnSync("node", ["build/server.js"], {
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: file, PORT: "0", SMTP_URL: "smtp://127.0.0.1:9", APP_ORIGIN: "" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(started.status).not.toBe(0);
    expect(started.stderr).toContain("APP_ORIGIN is required in production when SMTP_URL is set");
  });
});
