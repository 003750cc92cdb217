// Finance in the browser: exports a quarter of gestures from the exports page and the downloaded
// file has the quarter's rows (counted in the database); marks an unusual-pattern flag reviewed
// with a note; reads the fairness page.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { expect, test, waitForHydration } from "../support/e2e-fixtures";
import { TEST_TIME_ZONE } from "../support/calendar";
import { addDays, localDate, startOfLocalDay } from "~/domain/core/dates";

/** "2026-Q4": the organisation's quarter of the newest proposal in the e2e database (of one proposer, if given). */
function quarterOfNewestGesture(proposerEmail?: string): string {
  const sqlite = new Database(resolve("tests/.tmp/e2e.sqlite"), { readonly: true });
  try {
    const row = sqlite
      .prepare(`select max(g.submitted_at) as at from gestures g join users u on u.id = g.proposer_id where ? is null or u.email = ?`)
      .get(proposerEmail ?? null, proposerEmail ?? null) as { at: number };
    const date = localDate(new Date(row.at), TEST_TIME_ZONE);
    return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  } finally {
    sqlite.close();
  }
}

test("finance exports a quarter of gestures and the file has the quarter's rows", async ({ page, signInAs }) => {
  await signInAs("finance");
  await page.goto("/finance/exports");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: "Exports" })).toBeVisible();
  // The quarter of the newest proposal (the current one, or the previous in a quarter's first hours):
  // its link fills in the period.
  await page.getByRole("link", { name: quarterOfNewestGesture(), exact: true }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}/);
  const from = await page.getByLabel("From (date)").inputValue();
  const to = await page.getByLabel("To (date, inclusive)").inputValue();
  await page.getByLabel("For Excel (adds a byte-order mark)").check();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download gestures (CSV)" }).click()]);
  expect(download.suggestedFilename()).toBe(`gestures-${from}-to-${to}.csv`);
  const bytes = readFileSync((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parse(bytes.subarray(3).toString("utf8"), { columns: true }) as Record<string, string>[];

  // What the file should hold: every gesture submitted in the quarter (New York time), from the database.
  const sqlite = new Database(resolve("tests/.tmp/e2e.sqlite"), { readonly: true });
  try {
    const zoneOffset = (date: string) => startOfLocalDay(date, TEST_TIME_ZONE).getTime();
    const dayAfter = addDays(to, 1);
    const expected = sqlite
      .prepare("select id from gestures where submitted_at >= ? and submitted_at < ? order by submitted_at, id")
      .all(zoneOffset(from), zoneOffset(dayAfter))
      .map((r) => (r as { id: number }).id);
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((r) => Number(r.gesture_id))).toEqual(expected);
  } finally {
    sqlite.close();
  }
  expect(rows.every((r) => /^\d+$/.test(r.requested_minor!) && /^\d+\.\d{2}$/.test(r.requested!))).toBe(true);
});

test("finance marks an unusual-pattern flag reviewed with a note", async ({ page, signInAs }) => {
  await signInAs("finance");
  // The seed's split lies in the current quarter, or in the previous one during a quarter's first days.
  await page.goto(`/finance/flags?quarter=${quarterOfNewestGesture("tom.becker@example.com")}`);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: "Unusual patterns" })).toBeVisible();
  // The demo seed's split: two gestures for one South customer within two days.
  const form = page.getByRole("form", { name: /^Review: Split requests \(same customer\), Customer STH-/ });
  await expect(form).toBeVisible();
  const flag = page.getByRole("listitem").filter({ has: form });
  await expect(flag).toContainText("2 gestures within 7 days, each under $150.00, together $175.00.");
  const gestureLink = flag.getByRole("link", { name: /^#\d+$/ }).first();
  const href = await gestureLink.getAttribute("href");
  await form.getByLabel("What you found").fill("Two separate complaints, both real; no split.");
  await form.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(page.getByText("Flag marked reviewed.")).toBeVisible();
  await expect(page.getByRole("form", { name: /^Review: Split requests \(same customer\)/ })).toHaveCount(0);

  await page.getByLabel("Review status").selectOption("reviewed");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/status=reviewed/);
  await expect(page.getByText("Reviewed by Frank Osei")).toBeVisible();
  await expect(page.getByText("Two separate complaints, both real; no split.")).toBeVisible();

  // Finance can open the flagged gesture.
  await page.goto(href!);
  await expect(page.getByText(`Proposal #${href!.split("/").pop()}`)).toBeVisible();
});

test("finance reads who receives gestures, and filters to a region", async ({ page, signInAs }) => {
  await signInAs("finance");
  await page.goto("/finance/fairness");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 2, name: "By segment" })).toBeVisible();
  await expect(page.getByRole("region", { name: "By branch table" })).toBeVisible();
  await page.getByLabel("Region").selectOption("Southern Region");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/region=Southern\+Region/);
  await expect(page.getByRole("heading", { level: 1, name: "Fairness" })).toBeVisible();
  await expect(page.getByText(/Southern Region: \d+ granted gestures/)).toBeVisible();
});
