// Run by `npm run test:e2e` before Playwright: the browser tests use the system's Chromium
// (never `playwright install`, which downloads a browser). Finds it, or installs Debian's package
// when it can, or says how to get it.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): void {
  console.log(`ensure-chromium: running ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (result.status !== 0) {
    console.error(`ensure-chromium: ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

function fail(message: string): never {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

function version(file: string): string | null {
  const result = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 15_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

if (isExecutable(path)) {
  const found = version(path);
  if (!found) fail(`${path} exists but does not start (\`${path} --version\` failed). Reinstall Chromium or set CHROMIUM_PATH.`);
  console.log(`ensure-chromium: using ${found} at ${path}.`);
  process.exit(0);
}

const isDebian = existsSync("/etc/debian_version");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

if (process.env.CHROMIUM_PATH) {
  fail(`CHROMIUM_PATH is set to ${path}, but no executable is there. Point it at a Chromium binary, or unset it to use /usr/bin/chromium.`);
}

if (isDebian && isRoot) {
  console.log("ensure-chromium: Chromium is not installed at /usr/bin/chromium; installing Debian's chromium package.");
  run("apt-get", ["update"]);
  run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"]);
  if (!isExecutable(path)) fail(`apt-get installed chromium, but ${path} is still missing.`);
  console.log(`ensure-chromium: installed Chromium at ${path}.`);
  process.exit(0);
}

fail(
  [
    `Chromium was not found at ${path}. The browser tests need a system Chromium.`,
    isDebian
      ? "Install it with: sudo apt-get update && sudo apt-get install -y chromium"
      : "Install Chromium with your system's package manager, then set CHROMIUM_PATH to its executable.",
    "Or set CHROMIUM_PATH to an existing Chromium or Chrome binary. Do not run `playwright install`.",
  ].join("\n"),
);
