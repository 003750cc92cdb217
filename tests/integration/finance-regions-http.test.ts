// A bank of hundreds of branches: the finance page shows one region at a time, the URL keeps the
// choice, and plain links move between regions (no JavaScript needed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createBranch, createOrganisation, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

let server: TestServer;
let cookie: string;
const regions = ["Highlands", "Midlands", "North Coast"];

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  for (const region of regions) for (let i = 1; i <= 25; i++) await createBranch(db, { region, name: `${region} branch ${i}` });
  cookie = (await sessionCookieFor(db, await createUser(db, { role: "finance" }))).cookie;
});
afterAll(() => server.close());

const page = async (query = "") => {
  const response = await server.fetch(`/finance${query}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
};

describe("the finance page with 75 branches in 3 regions", () => {
  it("shows the first region only by default, with links to every region and to all of them", async () => {
    const html = await page();
    expect(html).toContain("Highlands branch 25");
    expect(html).not.toContain("Midlands branch 1<");
    expect(html).toContain('href="/finance?region=Midlands"');
    expect(html).toContain('href="/finance?region=North%20Coast"');
    expect(html).toContain('href="/finance?region=all"');
    expect(html).toMatch(/href="\/finance\?region=Highlands"[^>]*aria-current="page"|aria-current="page"[^>]*href="\/finance\?region=Highlands"/);
  });

  it("shows the region the URL names, and every region with ?region=all", async () => {
    const north = await page("?region=North%20Coast");
    expect(north).toContain("North Coast branch 7");
    expect(north).not.toContain("Highlands branch 7<");
    const all = await page("?region=all");
    for (const region of regions) expect(all).toContain(`${region} branch 25`);
  });

  it("falls back to the first region when the URL names none that exists", async () => {
    const html = await page("?region=Atlantis");
    expect(html).toContain("Highlands branch 3");
    expect(html).not.toContain("Midlands branch 3<");
  });
});
