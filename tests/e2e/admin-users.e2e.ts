// The administration journey: an admin adds a staff member, who signs in (through the login form)
// with the one-time password and must choose their own password before anything else.
import { DEMO_PASSWORD, expect, test, waitForHydration } from "../support/e2e-fixtures";

// Creating the user, signing in and changing the password each run scrypt at production cost
// (about 0.3 s alone, several times that with the other browser tests on the same two cores).
const HASHING = { timeout: 20_000 };

test.describe.configure({ timeout: 90_000 });

test("an admin creates a staff user, who signs in with the one-time password and must set a new one", async ({ page, signInAs, browser, baseURL }) => {
  const email = `rosa.ng.${Date.now()}@example.com`;
  await signInAs("admin");
  await page.goto("/admin");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Add a user" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add a user" })).toBeVisible();

  await page.getByLabel("Name").fill("Rosa Ng");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role").selectOption({ label: "Staff" });
  await page.getByLabel("Branch").selectOption({ label: "Lakeside (LKS)" });
  await page.getByRole("button", { name: "Add user" }).click();

  await expect(page.getByRole("heading", { name: "Rosa Ng can now sign in" })).toBeVisible(HASHING);
  const oneTimePassword = (await page.getByTestId("one-time-password").textContent())!.trim();
  expect(oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

  // The new staff member, in their own browser.
  const context = await browser.newContext({ baseURL });
  const staff = await context.newPage();
  await staff.goto("/login");
  await waitForHydration(staff);
  await staff.getByLabel("Email").fill(email);
  await staff.getByLabel("Password").fill(oneTimePassword);
  await staff.getByRole("button", { name: "Sign in" }).click();

  await expect(staff).toHaveURL("/account/password", HASHING);
  await expect(staff.getByRole("heading", { level: 1, name: "Choose your password" })).toBeVisible();
  await expect(staff.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(0);

  // Nothing else opens until the password is changed.
  await staff.goto("/branch");
  await expect(staff).toHaveURL("/account/password");
  await expect(staff.getByRole("status")).toContainText("Choose a new password before you continue.");

  // Too short first: the error sits beside the field and the passwords are not kept.
  await staff.getByLabel("One-time password").fill(oneTimePassword);
  await staff.getByLabel("New password", { exact: true }).fill("too short");
  await staff.getByLabel("New password again").fill("too short");
  await staff.getByRole("button", { name: "Save and continue" }).click();
  await expect(staff.getByText("Use at least 12 characters.", { exact: false })).toBeVisible(HASHING);

  const newPassword = "lantern meadow quietly 9";
  await staff.getByLabel("One-time password").fill(oneTimePassword);
  await staff.getByLabel("New password", { exact: true }).fill(newPassword);
  await staff.getByLabel("New password again").fill(newPassword);
  await staff.getByRole("button", { name: "Save and continue" }).click();

  await expect(staff).toHaveURL("/branch", HASHING);
  await expect(staff.getByRole("heading", { level: 1, name: "Lakeside branch" })).toBeVisible();
  await expect(staff.getByRole("status")).toContainText("Your password is changed.");

  // The one-time password is spent; the new one signs in.
  await staff.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(staff).toHaveURL("/login");
  await waitForHydration(staff);
  await staff.getByLabel("Email").fill(email);
  await staff.getByLabel("Password").fill(oneTimePassword);
  await staff.getByRole("button", { name: "Sign in" }).click();
  await expect(staff.getByRole("alert")).toHaveText("The email or password is not correct.", HASHING);
  await staff.getByLabel("Password").fill(newPassword);
  await staff.getByRole("button", { name: "Sign in" }).click();
  await expect(staff).toHaveURL("/branch", HASHING);
  await context.close();

  // The admin sees the new user as active, with no password change pending any more.
  await page.goto("/admin?q=rosa");
  const row = page.getByRole("row", { name: /Rosa Ng/ });
  await expect(row).toContainText("Lakeside");
  await expect(row).toContainText("Active");
  await expect(row).not.toContainText("New password pending");
  expect(DEMO_PASSWORD).not.toBe(newPassword);
});
