// `npm run bench:customers`: builds a database of 500,000 customers and 2,000,000 signals (or
// BENCH_CUSTOMERS / BENCH_SIGNALS) in a temporary file, then times the branch search and the
// suggestions queue against a trivial indexed query measured in the same run, and prints ratios.
// Bounded: a few minutes on a 2-core machine; the file is deleted at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstRow } from "~/utils/query.server";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 500_000);
const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 2_000_000);
const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 5);
const dir = mkdtempSync(join(tmpdir(), "empathy-fund-bench-"));
process.env.DATABASE_URL = join(dir, "bench.sqlite");
process.env.SESSION_SECRET ??= "bench-only-secret-0123456789-abcdefghijklmnop";
process.env.LOG_LEVEL = "silent";

const { openDatabase, sqliteOf } = await import("../../app/utils/db.server");
const { searchCustomers } = await import("../../app/domain/customers/customers.server");
const { listSuggestions } = await import("../../app/domain/gestures/suggestions.server");
const { viewCustomer } = await import("../../app/domain/customers/customers.server");
const { SIGNAL_KINDS } = await import("../../db/schema");
const { addDays, localDate } = await import("../../app/domain/core/dates");

const db = openDatabase(process.env.DATABASE_URL);
const sqlite = sqliteOf(db);
const now = new Date();
const today = localDate(now, "America/New_York");

// A small deterministic generator (mulberry32): the same data on every run.
let state = 20260105;
const random = () => {
  state |= 0;
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const FIRST = [
  "James",
  "Mary",
  "Robert",
  "Patricia",
  "John",
  "Jennifer",
  "Michael",
  "Linda",
  "David",
  "Elizabeth",
  "William",
  "Barbara",
  "Richard",
  "Susan",
  "Joseph",
  "Jessica",
  "Thomas",
  "Sarah",
  "Charles",
  "Karen",
  "Aisha",
  "Wei",
  "Olga",
  "Mateo",
  "Priya",
  "Kofi",
  "Yuki",
  "Ines",
  "Lars",
  "Fatima",
];
const LAST = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Torres",
  "Nguyen",
  "Hill",
  "Flores",
  "Okafor",
  "Kowalski",
  "Nakamura",
  "Haddad",
  "Lindqvist",
  "Moreau",
  "Rossi",
  "Novak",
  "Silva",
  "Kim",
];

function build() {
  const started = Date.now();
  sqlite.pragma("synchronous = OFF");
  sqlite.exec(`insert into organisation (id, name, currency, time_zone, updated_at) values (1, 'Bench Bank', 'USD', 'America/New_York', ${now.getTime()})`);
  const insertBranch = sqlite.prepare("insert into branches (code, name, region, active, created_at) values (?, ?, 'Bench', 1, ?)");
  for (let b = 1; b <= BRANCHES; b++) insertBranch.run(`B${b}`, `Branch ${b}`, now.getTime());
  sqlite.prepare("insert into users (email, name, role, branch_id, active, password_hash, created_at) values ('bench@example.com', 'Bench Staff', 'staff', 1, 1, 'x', ?)").run(now.getTime());
  const insertCustomer = sqlite.prepare(
    "insert into customers (crm_ref, name, name_key, surname_key, branch_id, customer_since, segment, birthday, do_not_contact, do_not_contact_reason, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 'retail', ?, ?, ?, ?, ?)",
  );
  const insertSignal = sqlite.prepare("insert into signals (customer_id, branch_id, kind, occurred_on, source, severity, note, external_ref, created_at) values (?, ?, ?, ?, 'crm', ?, ?, ?, ?)");
  sqlite.transaction(() => {
    for (let i = 1; i <= CUSTOMERS; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const name = `${first} ${last}`;
      const since = addDays("1980-01-01", Math.floor(random() * 16_000));
      const birthday = random() < 0.8 ? addDays("2024-01-01", Math.floor(random() * 366)).slice(5) : null;
      const dnc = random() < 0.03 ? 1 : 0;
      insertCustomer.run(
        `CRM${String(i).padStart(8, "0")}`,
        name,
        name.toLowerCase(),
        last.toLowerCase(),
        1 + (i % BRANCHES),
        since,
        birthday,
        dnc,
        dnc ? "Asked" : null,
        now.getTime(),
        now.getTime(),
      );
    }
    for (let s = 1; s <= SIGNALS; s++) {
      const customerId = 1 + Math.floor(random() * CUSTOMERS);
      // Spread over three years: about 2.7 % of signals fall in the last 30 days.
      insertSignal.run(
        customerId,
        1 + (customerId % BRANCHES),
        pick(SIGNAL_KINDS),
        addDays(today, -Math.floor(random() * 1095)),
        1 + Math.floor(random() * 3),
        random() < 0.3 ? "A note" : null,
        `bench-${s}`,
        now.getTime(),
      );
    }
  })();
  sqlite.exec("analyze");
  sqlite.pragma("synchronous = FULL");
  return (Date.now() - started) / 1000;
}

async function time(label: string, runs: number, fn: () => unknown) {
  for (let i = 0; i < Math.min(3, runs); i++) await fn(); // warm up caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { label, runs, median: samples[Math.floor(runs / 2)]!, p95: samples[Math.min(runs - 1, Math.floor(runs * 0.95))]! };
}

const buildSeconds = build();
const staff = { id: 1, role: "staff" as const, branchId: 1 };
const counts = sqlite.prepare("select (select count(*) from customers) c, (select count(*) from signals) s, (select count(*) from customers where branch_id = 1) b").get() as {
  c: number;
  s: number;
  b: number;
};
const someCustomer = (sqlite.prepare("select id from customers where branch_id = 1 and id in (select customer_id from signals) limit 1").get() as { id: number }).id;
const { branches } = await import("../../db/schema");
const { eq } = await import("drizzle-orm");

const results = [
  await time("baseline: one branch row by primary key (drizzle)", 2000, async () => await firstRow(db.select().from(branches).where(eq(branches.id, 1)).limit(1))),
  await time("search: name prefix 'mar' (25 rows)", 300, () => searchCustomers(db, staff, { query: "mar", page: 1, pageSize: 25 })),
  await time("search: surname prefix 'okaf' (25 rows)", 300, () => searchCustomers(db, staff, { query: "okaf", page: 1, pageSize: 25 })),
  await time("search: CRM reference 'CRM0004999'", 300, () => searchCustomers(db, staff, { query: "CRM0004999", page: 1, pageSize: 25 })),
  await time("search: page 40 of the whole branch", 100, () => searchCustomers(db, staff, { query: "", page: 40, pageSize: 25 })),
  await time("suggestions queue of one branch", 20, () => listSuggestions(db, staff, now)),
  await time("customer page (timeline + audit event)", 200, () => viewCustomer(db, staff, { customerId: someCustomer }, now)),
];
const queue = (await listSuggestions(db, staff, now)).rows.length;
const baseline = results[0]!.median;
console.log(
  `Built ${counts.c.toLocaleString("en-US")} customers and ${counts.s.toLocaleString("en-US")} signals (${BRANCHES} branches, ${counts.b.toLocaleString(
    "en-US",
  )} customers in the measured branch) in ${buildSeconds.toFixed(0)} s.`,
);
console.log(`The measured branch's suggestions queue holds ${queue.toLocaleString("en-US")} customers.\n`);
console.log("| query | runs | median ms | p95 ms | median ÷ baseline |");
console.log("|---|---:|---:|---:|---:|");
for (const r of results) console.log(`| ${r.label} | ${r.runs} | ${r.median.toFixed(3)} | ${r.p95.toFixed(3)} | ${(r.median / baseline).toFixed(1)} |`);
sqlite.close();
if (process.env.BENCH_KEEP) console.log(`Kept ${process.env.DATABASE_URL}`);
else rmSync(dir, { recursive: true, force: true });
