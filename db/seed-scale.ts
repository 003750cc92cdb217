// `npm run seed:scale [-- --to FILE | --to postgres://…]`: a deterministic database the size of a
// large bank, in its own file (data/scale.sqlite by default, replaced if it exists) or copied from
// that file into a PostgreSQL database (intoPostgres, at the end): 500 branches in 20 regions, about 5,000
// users, 500,000 customers, 2,000,000 signals and 1,000,000 gestures over 8 quarterly periods (7
// closed, the current one open) with their approval decisions, outcomes, holds and ledger entries.
//
// Speed: raw prepared statements in large transactions with no journal, synchronous=OFF and a 512 MB
// page cache while loading (the file is rebuilt from scratch, so a crash only means running it
// again), secondary indexes of the big tables built after the rows, then ANALYZE and the normal
// settings (WAL, synchronous=FULL). The ledger's triggers stay on, so every entry is checked as the app's would be (the report
// summaries' keep_* triggers are dropped while loading and the summaries rebuilt at the end), and
// `npm run db:check -- ` style checks run at the end. Every approval decision (manager, finance, at
// discretion) is in the audit chain, as the app records it, so that a quarter's audit export has a
// bank's volume; other events and notifications are not generated. Every password is the demo password.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { hashPassword } from "../app/domain/identity/passwords.server";
import { GENESIS_HASH, hashAuditEvent } from "../app/domain/core/audit.server";
import { checkDatabase, describeReport } from "../app/domain/administration/integrity.server";
import { rebuildSummaries, summaryTriggers } from "../app/domain/administration/summaries.server";
import { periodContaining } from "../app/domain/budget/periods";
import { addDays, addMonths, localDate } from "../app/domain/core/dates";
import { openDatabase, sqliteOf } from "../app/utils/database.server";
import { OUTCOMES, SIGNAL_KINDS, type Occasion } from "./schema";
import { DEMO_PASSWORD } from "./demo-password";
import { engineOf } from "./engine";

const args = process.argv.slice(2);
const toIndex = args.indexOf("--to");
const TARGET = toIndex >= 0 ? args[toIndex + 1]! : process.env.SCALE_DATABASE_URL ?? "data/scale.sqlite";
const FILE = resolve(TARGET);
/** Divide every count by this (SCALE_DIVISOR=100 builds a 1 % database for a quick try or a test). */
const DIVISOR = Math.max(1, Number(process.env.SCALE_DIVISOR ?? 1));

const REGIONS = 20;
const BRANCHES = Math.max(REGIONS, Math.round(500 / DIVISOR));
const MANAGERS_PER_BRANCH = 2;
const STAFF_PER_BRANCH = 8;
const FINANCE_USERS = 10;
const CUSTOMERS = Math.round(500_000 / DIVISOR);
const SIGNALS = Math.round(2_000_000 / DIVISOR);
const GESTURES = Math.round(1_000_000 / DIVISOR);
const QUARTERS = 8;
const TIME_ZONE = "America/New_York";
/** The seeded policy defaults (migration 0007). */
const DISCRETION_LIMIT = 5_000;
const SECOND_APPROVAL_THRESHOLD = 15_000;
/** A closed gesture's response was recorded this long after its fulfilment. */
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

// mulberry32: the same data on every run.
let state = 20_261_123;
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

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
const REGION_NAMES = [
  "Northeast",
  "Mid-Atlantic",
  "Southeast",
  "Florida",
  "Great Lakes",
  "Ohio Valley",
  "Midwest",
  "Plains",
  "Texas",
  "Gulf Coast",
  "Mountain",
  "Southwest",
  "California North",
  "California South",
  "Pacific Northwest",
  "Alaska & Hawaii",
  "New England",
  "Appalachia",
  "Central",
  "Capital",
];
const SEGMENTS = ["retail", "retail", "retail", "premier", "business", "private"] as const;
/** How often each occasion comes up, roughly as a branch sees them. */
const OCCASION_WEIGHTS: [Occasion, number][] = [
  ["bereavement", 14],
  ["illness", 12],
  ["long_wait", 14],
  ["service_failure", 10],
  ["complaint", 9],
  ["birthday", 9],
  ["tenure_anniversary", 8],
  ["new_baby", 6],
  ["marriage", 4],
  ["hardship", 5],
  ["survey_detractor", 4],
  ["survey_promoter", 3],
  ["other", 2],
];
const OCCASION_TOTAL = OCCASION_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
function pickOccasion(): Occasion {
  let roll = random() * OCCASION_TOTAL;
  for (const [occasion, weight] of OCCASION_WEIGHTS) if ((roll -= weight) < 0) return occasion;
  return "other";
}
const VENDORS = ["Bloom & Co", "City Florist", "Corner Cafe", "Hearth Bakery", "Good Causes Fund", "Post Office", "Local Deli", "The Card Shop"];

type GestureRow = {
  customerId: number;
  proposerId: number;
  occasion: Occasion;
  typeId: number;
  requested: number;
  status: string;
  route: "branch" | "finance" | null;
  discretion: boolean;
  approved: number | null;
  actual: number | null;
  vendor: string | null;
  fulfilledOn: string | null;
  outcome: string | null;
  submittedAt: number | null;
  approvedAt: number | null;
  decidedAt: number | null;
  fulfilledAt: number | null;
  releasedAt: number | null;
  createdAt: number;
  managerDecision: { by: number; decision: "approve" | "reject" | "return"; at: number } | null;
  financeDecision: { by: number; decision: "approve" | "reject"; at: number } | null;
};

async function main() {
  const started = performance.now();
  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(`${FILE}${suffix}`)) rmSync(`${FILE}${suffix}`);
  const db = openDatabase(FILE);
  const sqlite = sqliteOf(db);
  // While loading: no journal and no fsync (a crash only means running it again), a large page
  // cache, and the secondary indexes of the big tables built once at the end (a sort) instead of row
  // by row (random inserts). Unique indexes stay (they are constraints), and so do the ledger's and
  // the holds' (their triggers read them on every insert).
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -524288");
  sqlite.pragma("temp_store = MEMORY");
  const deferredIndexes = sqlite
    .prepare(
      "select name, sql from sqlite_master where type = 'index' and sql is not null and sql not like 'CREATE UNIQUE%' and tbl_name in ('customers', 'signals', 'gestures', 'gesture_decisions', 'audit_events')",
    )
    .all() as { name: string; sql: string }[];
  for (const index of deferredIndexes) sqlite.exec(`drop index "${index.name}"`);
  // The report summaries' triggers (keep_*) read those indexes on every row: they are dropped too,
  // and the summaries rebuilt once from the loaded rows at the end.
  const summaryTriggerList = summaryTriggers(db);
  for (const trigger of summaryTriggerList) sqlite.exec(`drop trigger "${trigger.name}"`);
  const now = new Date();
  const nowMs = now.getTime();
  const today = localDate(now, TIME_ZONE);
  const hash = await hashPassword(DEMO_PASSWORD);
  const timings: [string, number][] = [];
  const step = (label: string, work: () => void) => {
    const t = performance.now();
    sqlite.transaction(work)();
    timings.push([label, (performance.now() - t) / 1000]);
  };

  // Organisation, branches and users.
  const managersOf: number[][] = [];
  const proposersOf: number[][] = [];
  const financeIds: number[] = [];
  step("organisation, branches, users", () => {
    sqlite
      .prepare(
        "insert into organisation (id, name, currency, time_zone, period_length, unspent_balance_rule, second_factor_required, updated_at) values (1, 'Continental Savings Bank', 'USD', ?, 'quarter', 'lapse', 0, ?)",
      )
      .run(TIME_ZONE, nowMs);
    const branch = sqlite.prepare("insert into branches (code, name, region, active, created_at) values (?, ?, ?, 1, ?)");
    const user = sqlite.prepare("insert into users (email, name, role, branch_id, active, password_hash, created_at) values (?, ?, ?, ?, 1, ?, ?)");
    for (let b = 1; b <= BRANCHES; b++) {
      const code = `b${String(b).padStart(3, "0")}`;
      branch.run(code.toUpperCase(), `${pick(LAST)} ${pick(["Street", "Square", "Park", "Road", "Plaza"])} ${b}`, REGION_NAMES[(b - 1) % REGIONS], nowMs);
      const managers: number[] = [];
      const proposers: number[] = [];
      for (let m = 1; m <= MANAGERS_PER_BRANCH; m++) {
        const id = Number(user.run(`manager${m}.${code}@scale.example.com`, `${pick(FIRST)} ${pick(LAST)}`, "manager", b, hash, nowMs).lastInsertRowid);
        managers.push(id);
        proposers.push(id);
      }
      for (let s = 1; s <= STAFF_PER_BRANCH; s++) {
        proposers.push(Number(user.run(`staff${s}.${code}@scale.example.com`, `${pick(FIRST)} ${pick(LAST)}`, "staff", b, hash, nowMs).lastInsertRowid));
      }
      managersOf[b] = managers;
      proposersOf[b] = proposers;
    }
    for (let f = 1; f <= FINANCE_USERS; f++) financeIds.push(Number(user.run(`finance${f}@scale.example.com`, `${pick(FIRST)} ${pick(LAST)}`, "finance", null, hash, nowMs).lastInsertRowid));
    user.run("admin@scale.example.com", "Scale Admin", "admin", null, hash, nowMs);
  });

  // Customers and signals.
  const customersOf: number[][] = Array.from({ length: BRANCHES + 1 }, () => []);
  step("customers", () => {
    const insert = sqlite.prepare(
      "insert into customers (crm_ref, name, name_key, surname_key, branch_id, customer_since, segment, birthday, delivery_address, do_not_contact, do_not_contact_reason, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (let i = 1; i <= CUSTOMERS; i++) {
      const last = pick(LAST);
      const name = `${pick(FIRST)} ${last}`;
      const branchId = 1 + (i % BRANCHES);
      const dnc = random() < 0.02 ? 1 : 0;
      const id = Number(
        insert.run(
          `CRM${String(i).padStart(9, "0")}`,
          name,
          name.toLowerCase(),
          last.toLowerCase(),
          branchId,
          addDays("1975-01-01", Math.floor(random() * 18_000)),
          pick(SEGMENTS),
          random() < 0.8 ? addDays("2024-01-01", Math.floor(random() * 366)).slice(5) : null,
          random() < 0.7 ? `${between(1, 999)} ${pick(LAST)} Road, Springfield` : null,
          dnc,
          dnc ? "Asked not to be contacted" : null,
          nowMs,
          nowMs,
        ).lastInsertRowid,
      );
      customersOf[branchId]!.push(id);
    }
  });
  step("signals", () => {
    const insert = sqlite.prepare("insert into signals (customer_id, branch_id, kind, occurred_on, source, severity, note, external_ref, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (let s = 1; s <= SIGNALS; s++) {
      const customerId = 1 + Math.floor(random() * CUSTOMERS);
      const kind = pick(SIGNAL_KINDS);
      insert.run(
        customerId,
        1 + (customerId % BRANCHES),
        kind,
        addDays(today, -Math.floor(random() * 1095)),
        kind.startsWith("survey") ? "survey" : "crm",
        between(1, 3),
        random() < 0.3 ? "Noted at the counter." : null,
        `scale-${s}`,
        nowMs,
      );
    }
  });

  // The catalogue the migration seeded, by occasion.
  const typeRows = sqlite.prepare("select t.id, t.default_amount as d, t.max_amount as m, o.occasion from gesture_types t join gesture_type_occasions o on o.type_id = t.id").all() as {
    id: number;
    d: number;
    m: number;
    occasion: Occasion;
  }[];
  const typesFor = new Map<Occasion, { id: number; d: number; m: number }[]>();
  for (const row of typeRows) typesFor.set(row.occasion, [...(typesFor.get(row.occasion) ?? []), row]);

  // Periods: the last QUARTERS quarters, the current one open.
  const current = periodContaining(today, "quarter");
  const periods = Array.from({ length: QUARTERS }, (_, i) => periodContaining(addMonths(current.startsOn, -3 * (QUARTERS - 1 - i)), "quarter"));
  const gesturesPerPool = Math.round(GESTURES / (QUARTERS * BRANCHES));
  let gestureCount = 0;
  let entryCount = 0;
  let holdCount = 0;
  let decisionCount = 0;

  const insertPeriod = sqlite.prepare("insert into budget_periods (starts_on, ends_on, length, status, opened_at, opened_by, closed_at, closed_by) values (?, ?, 'quarter', ?, ?, ?, ?, ?)");
  const closePeriod = sqlite.prepare("update budget_periods set status = 'closed', closed_at = ?, closed_by = ? where id = ?");
  const insertPool = sqlite.prepare("insert into budget_pools (period_id, branch_id, created_at) values (?, ?, ?)");
  // Each entry takes the next number of its pool (pool_seq, one lookup on its unique index).
  const insertEntryNumbered = sqlite.prepare(
    "insert into ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, memo, pool_seq) values (?, ?, ?, ?, ?, ?, ?, ?, ?, (select coalesce(max(pool_seq), 0) + 1 from ledger_entries where pool_id = ?))",
  );
  const insertEntry = { run: (poolId: number, ...rest: unknown[]) => insertEntryNumbered.run(poolId, ...rest, poolId) };
  const insertHold = sqlite.prepare("insert into holds (pool_id, gesture_id, amount, status, created_at, resolved_at) values (?, ?, ?, ?, ?, ?)");
  const insertGesture = sqlite.prepare(
    `insert into gestures (customer_id, branch_id, pool_id, proposer_id, occasion, type_id, requested_amount, card_message, justification, delivery_method, status,
       approval_route, approved_at_discretion, approved_amount, actual_amount, vendor, fulfilled_on, outcome, version, created_at, updated_at, submitted_at, approved_at, decided_at,
       fulfilled_at, fulfilled_by_id, outcome_recorded_at, outcome_recorded_by_id, ended_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAudit = sqlite.prepare("insert into audit_events (at, actor_id, action, entity, entity_id, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?)");
  const auditOfQuarter: { at: number; actorId: number; action: string; entityId: number; detail: Record<string, unknown> }[] = [];
  let prevHash = GENESIS_HASH;
  let auditCount = 0;
  const neverApproved = sqlite.prepare(
    "update gestures set status = 'rejected', pool_id = null, approved_amount = null, actual_amount = null, vendor = null, fulfilled_on = null, outcome = null, approved_at = null, fulfilled_at = null, fulfilled_by_id = null, outcome_recorded_at = null, outcome_recorded_by_id = null, ended_at = null where id = ?",
  );
  const setActual = sqlite.prepare("update gestures set actual_amount = ? where id = ?");
  const insertDecision = sqlite.prepare("insert into gesture_decisions (gesture_id, approver_id, level, decision, amount, comment, at) values (?, ?, ?, ?, ?, ?, ?)");

  for (const [q, period] of periods.entries()) {
    const isCurrent = q === QUARTERS - 1;
    const startMs = Date.parse(`${period.startsOn}T14:00:00Z`);
    // A past quarter's gestures must all be settled before it closes, and every event of one
    // (decisions, fulfilment: at most 14 days after it was proposed) must lie before now. In the
    // first two weeks of a quarter that means the quarter just ended gets no gestures in its
    // last two weeks, and it closes a minute ago rather than a day after it ended.
    const endMs = isCurrent ? nowMs : Math.min(Date.parse(`${period.endsOn}T14:00:00Z`) - 86_400_000, nowMs - 15 * 86_400_000);
    const closedAt = Math.min(Date.parse(`${period.endsOn}T14:00:00Z`), nowMs - 60_000);
    step(`quarter ${period.startsOn}`, () => {
      const periodId = Number(insertPeriod.run(period.startsOn, period.endsOn, "open", startMs, financeIds[0], null, null).lastInsertRowid);
      for (let b = 1; b <= BRANCHES; b++) {
        const poolId = Number(insertPool.run(periodId, b, startMs).lastInsertRowid);
        const allocation = between(14_000, 20_000) * 100;
        let balance = allocation;
        insertEntry.run(poolId, "allocation", allocation, balance, null, null, financeIds[0], startMs, `Budget for ${period.startsOn}`);
        entryCount++;
        const rows = Array.from({ length: gesturesPerPool }, () => makeGesture(b, startMs, endMs, isCurrent, nowMs));
        rows.sort((x, y) => x.createdAt - y.createdAt);
        // Money moves in time order: holds at approval, release and capture at fulfilment, release at expiry or cancellation.
        type Event = { at: number; gesture: number; kind: "hold" | "settle" | "release" };
        const events: Event[] = [];
        const ids: number[] = [];
        for (const [index, g] of rows.entries()) {
          const holdAmount = g.approved ?? 0;
          ids.push(
            Number(
              insertGesture.run(
                g.customerId,
                b,
                g.approvedAt ? poolId : null,
                g.proposerId,
                g.occasion,
                g.typeId,
                g.requested,
                "Thinking of you.",
                g.requested > DISCRETION_LIMIT ? "Long-standing customer; noted at the branch." : "",
                pick(["in_branch", "post", "courier"]),
                g.status,
                g.route,
                g.discretion ? 1 : 0,
                g.approved,
                g.actual,
                g.vendor,
                g.fulfilledOn,
                g.outcome,
                2,
                g.createdAt,
                g.decidedAt ?? g.submittedAt ?? g.createdAt,
                g.submittedAt,
                g.approvedAt,
                g.decidedAt,
                // The response is recorded a week after fulfilment by the proposer, which closes the gesture.
                g.fulfilledAt,
                g.fulfilledAt ? g.proposerId : null,
                g.outcome ? g.fulfilledAt! + WEEK_MS : null,
                g.outcome ? g.proposerId : null,
                g.outcome ? g.fulfilledAt! + WEEK_MS : null,
              ).lastInsertRowid,
            ),
          );
          gestureCount++;
          if (g.managerDecision) {
            insertDecision.run(
              ids[index],
              g.managerDecision.by,
              "manager",
              g.managerDecision.decision,
              g.managerDecision.decision === "approve" ? g.requested : null,
              g.managerDecision.decision === "approve" ? "" : "Please try a smaller gesture.",
              g.managerDecision.at,
            );
            decisionCount++;
          }
          if (g.financeDecision) {
            insertDecision.run(
              ids[index],
              g.financeDecision.by,
              "finance",
              g.financeDecision.decision,
              g.financeDecision.decision === "approve" ? g.requested : null,
              g.financeDecision.decision === "approve" ? "" : "Above what this occasion warrants.",
              g.financeDecision.at,
            );
            decisionCount++;
          }
          if (holdAmount > 0 && g.approvedAt) {
            events.push({ at: g.approvedAt, gesture: index, kind: "hold" });
            if (g.fulfilledAt) events.push({ at: g.fulfilledAt, gesture: index, kind: "settle" });
            else if (g.releasedAt) events.push({ at: g.releasedAt, gesture: index, kind: "release" });
          }
        }
        events.sort((x, y) => x.at - y.at || (x.kind === "hold" ? -1 : 1));
        const holdOf = new Map<number, number>();
        const skipped = new Set<number>();
        for (const event of events) {
          const g = rows[event.gesture]!;
          const gestureId = ids[event.gesture]!;
          if (skipped.has(event.gesture)) continue;
          if (event.kind === "hold") {
            if (balance < g.approved!) {
              skipped.add(event.gesture); // a busy quarter: the pool could not cover it, so it was never approved
              neverApproved.run(gestureId);
              continue;
            }
            const holdId = Number(
              insertHold.run(poolId, gestureId, g.approved, g.fulfilledAt ? "captured" : g.releasedAt ? "released" : "open", event.at, g.fulfilledAt ?? g.releasedAt ?? null).lastInsertRowid,
            );
            holdCount++;
            holdOf.set(event.gesture, holdId);
            balance -= g.approved!;
            insertEntry.run(poolId, "hold", -g.approved!, balance, holdId, gestureId, g.proposerId, event.at, null);
            entryCount++;
          } else {
            const holdId = holdOf.get(event.gesture)!;
            balance += g.approved!;
            insertEntry.run(poolId, "release", g.approved!, balance, holdId, gestureId, g.proposerId, event.at, event.kind === "settle" ? "Hold released at capture" : "Approval expired or cancelled");
            entryCount++;
            if (event.kind === "settle") {
              // An actual above the approved amount (within tolerance) must still fit the pool.
              const actual = Math.min(g.actual!, balance);
              if (actual !== g.actual) setActual.run(actual, gestureId);
              balance -= actual;
              if (actual > 0) {
                insertEntry.run(poolId, "capture", -actual, balance, holdId, gestureId, g.proposerId, event.at, g.vendor);
                entryCount++;
              }
            }
          }
        }
        // The decisions as the app audits them (keys in the sorted order recordAudit writes).
        for (const [index, g] of rows.entries()) {
          const gestureId = ids[index]!;
          const approved = !skipped.has(index);
          if (g.discretion && g.approvedAt && approved) {
            auditOfQuarter.push({
              at: g.approvedAt,
              actorId: g.proposerId,
              action: "gesture.approved_at_discretion",
              entityId: gestureId,
              detail: { amount: g.requested, from: "draft", level: "discretion", poolId, to: "approved" },
            });
          }
          for (const [decision, level] of [
            [g.managerDecision, "manager"],
            [g.financeDecision, "finance"],
          ] as const) {
            if (!decision) continue;
            const to =
              decision.decision === "reject"
                ? "rejected"
                : decision.decision === "return"
                ? "returned"
                : level === "manager" && g.requested >= SECOND_APPROVAL_THRESHOLD
                ? "awaiting_finance"
                : "approved";
            if (to === "approved" && !approved) continue;
            const from = level === "manager" ? "submitted" : "awaiting_finance";
            auditOfQuarter.push({
              at: decision.at,
              actorId: decision.by,
              action: `gesture.${to === "awaiting_finance" ? "approved" : to}`,
              entityId: gestureId,
              detail: { amount: g.requested, from, level, onBehalfOfId: null, poolId: to === "approved" ? poolId : null, to },
            });
          }
        }
        if (!isCurrent && balance > 0) {
          insertEntry.run(poolId, "adjustment", -balance, 0, null, null, financeIds[0], closedAt, `Unspent balance lapsed at the close of the quarter from ${period.startsOn}`);
          entryCount++;
        }
      }
      if (!isCurrent) closePeriod.run(closedAt, financeIds[0], periodId);
      // The quarter's audit trail, chained in time order after the previous quarter's.
      auditOfQuarter.sort((x, y) => x.at - y.at);
      for (const event of auditOfQuarter) {
        const fields = { at: new Date(event.at), actorId: event.actorId, action: event.action, entity: "gesture", entityId: String(event.entityId), detail: JSON.stringify(event.detail), prevHash };
        prevHash = hashAuditEvent(fields);
        insertAudit.run(event.at, event.actorId, event.action, "gesture", fields.entityId, fields.detail, fields.prevHash, prevHash);
        auditCount++;
      }
      auditOfQuarter.length = 0;
    });
  }

  function makeGesture(branchId: number, startMs: number, endMs: number, isCurrent: boolean, nowMs: number): GestureRow {
    const occasion = pickOccasion();
    const suiting = typesFor.get(occasion) ?? typesFor.get("other")!;
    // A handwritten note suits every occasion but is chosen less often than a paid gesture.
    const paid = suiting.filter((t) => t.m > 0);
    const type = paid.length > 0 && random() < 0.85 ? pick(paid) : pick(suiting);
    const proposers = proposersOf[branchId]!;
    const proposerId = pick(proposers);
    const requested = type.m === 0 ? 0 : Math.min(type.m, Math.max(50, Math.round((type.d * (0.6 + random() * 0.9)) / 50) * 50));
    const createdAt = startMs + Math.floor(random() * Math.max(1, endMs - startMs));
    const age = (nowMs - createdAt) / 86_400_000;
    const managers = managersOf[branchId]!.filter((id) => id !== proposerId);
    const manager = managers.length > 0 ? pick(managers) : pick(financeIds);
    const row: GestureRow = {
      customerId: pick(customersOf[branchId]!),
      proposerId,
      occasion,
      typeId: type.id,
      requested,
      status: "draft",
      route: null,
      discretion: false,
      approved: null,
      actual: null,
      vendor: null,
      fulfilledOn: null,
      outcome: null,
      submittedAt: null,
      approvedAt: null,
      decidedAt: null,
      fulfilledAt: null,
      releasedAt: null,
      createdAt,
      managerDecision: null,
      financeDecision: null,
    };
    const roll = random();
    // Recent gestures of the open quarter are still moving through the workflow.
    if (isCurrent && age < 1 && roll < 0.15) return row;
    row.submittedAt = createdAt + 5 * 60_000;
    const needsManager = requested > DISCRETION_LIMIT;
    const needsFinance = requested >= SECOND_APPROVAL_THRESHOLD;
    if (isCurrent && age < 3 && needsManager && roll < 0.6) {
      row.status = "submitted";
      row.route = managers.length > 0 ? "branch" : "finance";
      return row;
    }
    const managerAt = row.submittedAt + between(1, 48) * 3_600_000;
    if (needsManager) {
      const decision = roll < 0.06 ? "reject" : roll < 0.09 ? "return" : "approve";
      row.managerDecision = { by: manager, decision, at: managerAt };
      row.decidedAt = managerAt;
      if (decision === "reject") return { ...row, status: "rejected" };
      if (decision === "return") return { ...row, status: isCurrent && age < 10 ? "returned" : "withdrawn" };
      if (needsFinance) {
        if (isCurrent && age < 4 && roll < 0.5) return { ...row, status: "awaiting_finance" };
        const financeAt = managerAt + between(1, 48) * 3_600_000;
        const financeDecision = roll > 0.95 ? "reject" : "approve";
        row.financeDecision = { by: pick(financeIds), decision: financeDecision, at: financeAt };
        row.decidedAt = financeAt;
        if (financeDecision === "reject") return { ...row, status: "rejected" };
      }
    } else {
      row.discretion = true;
      row.decidedAt = row.submittedAt;
    }
    if (random() < 0.03 && !(isCurrent && age < 14)) {
      row.status = "withdrawn";
      row.managerDecision = null;
      row.financeDecision = null;
      row.discretion = false;
      row.decidedAt = null;
      return row;
    }
    row.approved = requested;
    row.approvedAt = row.decidedAt;
    row.status = "approved";
    const fulfilAt = row.approvedAt! + between(1, 10) * 86_400_000;
    const fate = random();
    if (fulfilAt > nowMs || (isCurrent && fate < 0.1)) return row; // still to be fulfilled
    if (fate < 0.03) return { ...row, status: "cancelled", releasedAt: fulfilAt };
    const expiresAt = row.approvedAt! + 30 * 86_400_000;
    if (fate < 0.05 && expiresAt < nowMs) return { ...row, status: "expired", releasedAt: expiresAt };
    row.fulfilledAt = fulfilAt;
    row.fulfilledOn = localDate(new Date(fulfilAt), TIME_ZONE);
    row.vendor = requested === 0 ? null : pick(VENDORS);
    row.actual = requested === 0 ? 0 : Math.round(requested * (0.85 + random() * 0.25));
    const followedUp = fulfilAt + 14 * 86_400_000 < nowMs;
    if (followedUp && random() < 0.85) {
      row.status = "closed";
      row.outcome = pick(OUTCOMES);
    } else row.status = "fulfilled";
    return row;
  }

  step("indexes", () => {
    for (const index of deferredIndexes) sqlite.exec(index.sql);
  });
  step("report summaries", () => {
    for (const trigger of summaryTriggerList) sqlite.exec(trigger.sql);
  });
  const rebuilt = performance.now();
  await rebuildSummaries(db); // its own write transaction, after the triggers are back
  timings.push(["report summaries (rebuild)", (performance.now() - rebuilt) / 1000]);
  const t = performance.now();
  sqlite.exec("analyze");
  timings.push(["analyze", (performance.now() - t) / 1000]);
  const check = performance.now();
  const report = await checkDatabase(db);
  timings.push(["checks (integrity, ledger, audit)", (performance.now() - check) / 1000]);
  // The settings every connection of the app uses (app/utils/database.server.ts).
  sqlite.pragma("cache_size = -2000");
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();

  const total = (performance.now() - started) / 1000;
  console.log(`Built ${FILE} in ${total.toFixed(0)} s:`);
  console.log(
    `  ${BRANCHES} branches in ${REGIONS} regions, ${BRANCHES * (MANAGERS_PER_BRANCH + STAFF_PER_BRANCH) + FINANCE_USERS + 1} users, ${CUSTOMERS.toLocaleString(
      "en-US",
    )} customers, ${SIGNALS.toLocaleString("en-US")} signals`,
  );
  console.log(
    `  ${gestureCount.toLocaleString("en-US")} gestures over ${QUARTERS} quarters, ${decisionCount.toLocaleString("en-US")} decisions (${auditCount.toLocaleString(
      "en-US",
    )} audit events), ${holdCount.toLocaleString("en-US")} holds, ${entryCount.toLocaleString("en-US")} ledger entries`,
  );
  for (const [label, seconds] of timings) console.log(`  ${label}: ${seconds.toFixed(1)} s`);
  console.log(describeReport(report));
  console.log(`Every account's password is ${DEMO_PASSWORD} (for example manager1.b001@scale.example.com, finance1@scale.example.com).`);
  if (!report.ok) process.exit(1);
}

/**
 * `--to postgres://…`: the same rows in PostgreSQL, so that `npm run bench` compares the engines on
 * identical data. The SQLite file (SCALE_SQLITE, data/scale.sqlite by default) is built first when
 * it is missing, then copied row for row by db/postgres/load-from-sqlite.ts in a process whose
 * engine is PostgreSQL (one engine per process, decision 63).
 */
function intoPostgres(url: string) {
  const tsx = resolve("node_modules/.bin/tsx");
  const source = resolve(process.env.SCALE_SQLITE ?? "data/scale.sqlite");
  if (existsSync(source)) console.log(`Using ${source} as it is (delete it to build it afresh).`);
  else if (spawnSync(tsx, ["db/seed-scale.ts", "--to", source], { stdio: "inherit", env: { ...process.env, DATABASE_URL: source } }).status !== 0) process.exit(1);
  const copied = spawnSync(tsx, ["db/postgres/load-from-sqlite.ts", source], { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });
  process.exit(copied.status ?? 1);
}

if (engineOf(TARGET) === "postgres") intoPostgres(TARGET);
else await main();
