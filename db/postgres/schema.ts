// The PostgreSQL twin of db/sqlite/schema.ts (issue 20): the same table objects, the same column property
// names and SQL names, the same unique constraints and indexes, so that the domain can run on either
// engine with one set of names. tests/unit/architecture/pg-schema-parity.test.ts holds the two
// together: a table or column added to one and not the other fails it.
//
// What differs, and why:
// - Money and the millisecond counters are int8 (`money`), read back as JS numbers after a check
//   that they are safe integers (node-postgres returns int8 as text). Timestamps are int8
//   milliseconds since the epoch exactly as on SQLite, read back as `Date` like SQLite's
//   `timestamp_ms` mode, so `$inferSelect` types are the same on both engines.
// - Booleans are `boolean` (SQLite stores 0/1).
// - Every text column is `text COLLATE "C"`: SQLite compares text byte by byte (BINARY), and the app
//   relies on it for sorting (names, codes, ISO dates as text), prefix search (customers' name_key /
//   surname_key ranges) and uniqueness; "C" gives the same order whatever the cluster's locale.
// - Checks are written in PostgreSQL's SQL (regular expressions instead of GLOB; no typeof(): the
//   column type already refuses a non-integer). The generated address_key is STORED (PostgreSQL 15
//   has no virtual generated columns).
// - Ids are identity columns (by default, so a restore or a seed may still give explicit ids).
// Triggers (the guards and the kept summaries) are hand-written plpgsql at the end of the baseline
// migration in db/postgres/migrations.
import { sql, type SQL } from "drizzle-orm";
import { type AnyPgColumn, boolean, check, customType, index, integer, pgTable, primaryKey, uniqueIndex } from "drizzle-orm/pg-core";

/** An int8 from node-postgres (text, or a number from a literal) as a JS number, refusing what a number cannot hold exactly. */
export function int8ToNumber(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : Number(String(value));
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${String(value)} is not a safe integer`);
  return n;
}

/** Money in minor units and other integers that may pass 2^31: int8, read back as a checked number. */
const money = customType<{ data: number; driverData: string | number }>({
  dataType: () => "bigint",
  fromDriver: int8ToNumber,
  toDriver: (value) => value,
});

/** Milliseconds since the epoch in an int8, read back as a Date (SQLite's timestamp_ms mode). */
const timestampMs = customType<{ data: Date; driverData: string | number }>({
  dataType: () => "bigint",
  fromDriver: (value) => new Date(int8ToNumber(value)),
  toDriver: (value) => value.getTime(),
});

/** Text compared byte by byte, as SQLite's BINARY collation does. */
const textC = customType<{ data: string; driverData: string }>({ dataType: () => 'text COLLATE "C"' });
/** `text(name)` or `text(name, { enum })` as in sqlite-core: the enum only types the column (checks are explicit). */
function text<const T extends readonly [string, ...string[]] = [string, ...string[]]>(name: string, _config?: { enum: T }) {
  return textC(name).$type<T[number]>();
}

export const ROLES = ["staff", "manager", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** How long a budget period runs. */
export const PERIOD_LENGTHS = ["month", "quarter"] as const;
export type PeriodLength = (typeof PERIOD_LENGTHS)[number];
/** What happens to a pool's unspent balance when its period closes. */
export const UNSPENT_BALANCE_RULES = ["lapse", "carry_over"] as const;
export type UnspentBalanceRule = (typeof UNSPENT_BALANCE_RULES)[number];
export const PERIOD_STATUSES = ["open", "closed"] as const;
export const HOLD_STATUSES = ["open", "released", "captured", "carried"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];
export const LEDGER_KINDS = ["allocation", "adjustment", "hold", "release", "capture"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
/** Ceiling of any single ledger amount in minor units (a sanity bound, far above any branch budget). */
export const LEDGER_AMOUNT_LIMIT = 100_000_000_000;

/** How a session began. */
export const SIGN_IN_METHODS = ["password", "sso"] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];
export const PENDING_SIGN_IN_STAGES = ["verify", "enrol"] as const;
export type PendingSignInStage = (typeof PENDING_SIGN_IN_STAGES)[number];

const id = () => integer("id").primaryKey().generatedByDefaultAsIdentity();
const createdAt = () =>
  timestampMs("created_at")
    .notNull()
    .$defaultFn(() => new Date());

/** The organisation running the programme. Exactly one row (id = 1). */
export const organisation = pgTable(
  "organisation",
  {
    id: integer("id").primaryKey(),
    name: text("name").notNull(),
    /** ISO 4217 code; amounts everywhere are integer minor units of this currency. */
    currency: text("currency").notNull(),
    /** IANA time zone used to show dates and to cut periods. */
    timeZone: text("time_zone").notNull(),
    /** Days after a sensitive signal's date when its note is redacted (and never shown). */
    sensitiveRetentionDays: integer("sensitive_retention_days").notNull().default(90),
    /** Length of a budget period; read when the next period is opened. */
    periodLength: text("period_length", { enum: PERIOD_LENGTHS }).notNull().default("quarter"),
    /** Whether a pool's unspent balance lapses or carries into the next period at close. */
    unspentBalanceRule: text("unspent_balance_rule", { enum: UNSPENT_BALANCE_RULES }).notNull().default("lapse"),
    /** Password sign-in needs a second factor (TOTP); users without one enrol at their next sign-in. */
    secondFactorRequired: boolean("second_factor_required").notNull().default(true),
    /** Single sign-on may create an unknown user as staff of the branch named by `ssoBranchClaim`. */
    ssoAutoCreate: boolean("sso_auto_create").notNull().default(false),
    /** The ID token claim whose value is a branch code (for example "branch"). */
    ssoBranchClaim: text("sso_branch_claim"),
    /** Where a proposer is sent when the money is compensation owed to the customer (issue 22). */
    complaintsProcessText: text("complaints_process_text")
      .notNull()
      .default(
        "Compensation the customer is owed is not a goodwill gesture: record the complaint in the complaints system and follow the complaints procedure, which decides and pays redress.",
      ),
    updatedAt: timestampMs("updated_at")
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    check("organisation_single_row", sql`${t.id} = 1`),
    check("organisation_currency_code", sql`length(${t.currency}) = 3`),
    check("organisation_period_length", sql`${t.periodLength} in ('month', 'quarter')`),
    check("organisation_unspent_balance_rule", sql`${t.unspentBalanceRule} in ('lapse', 'carry_over')`),
  ],
);

export const branches = pgTable(
  "branches",
  {
    id: id(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    region: text("region").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("branches_code_unique").on(t.code),
    index("branches_region_idx").on(t.region, t.name),
  ],
);

export const users = pgTable(
  "users",
  {
    id: id(),
    /** Stored trimmed and lower-cased, so uniqueness is case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    branchId: integer("branch_id").references(() => branches.id, { onDelete: "restrict" }),
    active: boolean("active").notNull().default(true),
    passwordHash: text("password_hash").notNull(),
    /** Set when an admin issues a one-time password: the user can do nothing but choose a new one. */
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    lastSignInAt: timestampMs("last_sign_in_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    index("users_branch_idx").on(t.branchId, t.name),
    index("users_name_idx").on(t.name),
    check("users_email_lower", sql`${t.email} = lower(trim(${t.email}))`),
    // Staff and managers belong to a branch; finance and admin work across branches.
    check(
      "users_branch_by_role",
      sql`(${t.role} in ('staff', 'manager') and ${t.branchId} is not null) or (${t.role} in ('finance', 'admin') and ${t.branchId} is null)`,
    ),
  ],
);

/** Server-side sessions. The cookie holds a random token; only its keyed hash is stored. */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: timestampMs("last_seen_at").notNull(),
    /** Absolute expiry, fixed at sign-in. */
    expiresAt: timestampMs("expires_at").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** How the session began; a single sign-on session offers the provider's logout at sign-out. */
    signInMethod: text("sign_in_method", { enum: SIGN_IN_METHODS }).notNull().default("password"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
    index("sessions_last_seen_idx").on(t.lastSeenAt),
  ],
);

/** Every sign-in attempt, for throttling and lock-out. Holds no password. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: id(),
    email: text("email").notNull(),
    ipAddress: text("ip_address").notNull(),
    outcome: text("outcome", { enum: ["success", "failure", "refused"] }).notNull(),
    at: timestampMs("at").notNull(),
  },
  (t) => [
    index("sign_in_attempts_email_idx").on(t.email, t.at),
    index("sign_in_attempts_ip_idx").on(t.ipAddress, t.at),
  ],
);

/**
 * Append-only, hash-chained audit trail. Triggers in the migrations refuse UPDATE and DELETE.
 * `detail` is a small JSON object that never carries passwords, secrets or customer notes.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: id(),
    at: timestampMs("at").notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "restrict" }),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    detail: text("detail").notNull().default("{}"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_events_hash_unique").on(t.hash),
    // Issue 20: two events can never follow the same one, so the chain cannot fork under any
    // isolation level (on SQLite too, from its migration 0025).
    uniqueIndex("audit_events_prev_hash_unique").on(t.prevHash),
    index("audit_events_entity_idx").on(t.entity, t.entityId, t.id),
    index("audit_events_actor_idx").on(t.actorId, t.id),
    index("audit_events_action_idx").on(t.action, t.id),
    index("audit_events_at_idx").on(t.at),
  ],
);

const isoDate = (column: unknown) => sql`${column} ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'`;

/**
 * A budget period: calendar dates in the organisation's time zone, `endsOn` exclusive. Periods
 * follow one another without overlap; finance opens them (with a pool per branch) and closes them.
 */
export const budgetPeriods = pgTable(
  "budget_periods",
  {
    id: id(),
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
    length: text("length", { enum: PERIOD_LENGTHS }).notNull(),
    status: text("status", { enum: PERIOD_STATUSES }).notNull().default("open"),
    openedAt: timestampMs("opened_at").notNull(),
    openedBy: integer("opened_by").references(() => users.id, { onDelete: "restrict" }),
    /** Idempotency key of the request that opened the period: a repeated submit opens it once. */
    openKey: text("open_key"),
    closedAt: timestampMs("closed_at"),
    closedBy: integer("closed_by").references(() => users.id, { onDelete: "restrict" }),
  },
  (t) => [
    uniqueIndex("budget_periods_starts_on_unique").on(t.startsOn),
    uniqueIndex("budget_periods_open_key_unique").on(t.openKey),
    check("budget_periods_dates", sql`${isoDate(t.startsOn)} and ${isoDate(t.endsOn)} and ${t.endsOn} > ${t.startsOn}`),
    check("budget_periods_length", sql`${t.length} in ('month', 'quarter')`),
    check(
      "budget_periods_status",
      sql`(${t.status} = 'open' and ${t.closedAt} is null) or (${t.status} = 'closed' and ${t.closedAt} is not null)`,
    ),
  ],
);

/** One pool per branch per period. Open or closed with its period. */
export const budgetPools = pgTable(
  "budget_pools",
  {
    id: id(),
    periodId: integer("period_id")
      .notNull()
      .references(() => budgetPeriods.id, { onDelete: "restrict" }),
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("budget_pools_period_branch_unique").on(t.periodId, t.branchId),
    index("budget_pools_branch_idx").on(t.branchId, t.periodId),
  ],
);

/**
 * Money set aside on a pool for a gesture. A hold resolves exactly once (released, captured or
 * carried into the next period); a trigger refuses any other change. `gestureId` gets its foreign
 * key when the gestures table exists.
 */
export const holds = pgTable(
  "holds",
  {
    id: id(),
    poolId: integer("pool_id")
      .notNull()
      .references(() => budgetPools.id, { onDelete: "restrict" }),
    gestureId: integer("gesture_id"),
    amount: money("amount").notNull(),
    status: text("status", { enum: HOLD_STATUSES }).notNull().default("open"),
    memo: text("memo"),
    createdAt: timestampMs("created_at").notNull(),
    resolvedAt: timestampMs("resolved_at"),
    /** The hold in the next period's pool that took over this one at period close. */
    carriedToHoldId: integer("carried_to_hold_id").references((): AnyPgColumn => holds.id, { onDelete: "restrict" }),
  },
  (t) => [
    index("holds_pool_status_idx").on(t.poolId, t.status),
    index("holds_gesture_idx").on(t.gestureId),
    /** The spend report's month boundaries (issue 19): open holds placed within a few hours. */
    index("holds_open_created_idx").on(t.createdAt).where(sql`${t.status} = 'open'`),
    check("holds_amount", sql`${t.amount} > 0 and ${t.amount} <= ${sql.raw(String(LEDGER_AMOUNT_LIMIT))}`),
    check("holds_status", sql`${t.status} in ('open', 'released', 'captured', 'carried')`),
    check("holds_resolved", sql`(${t.status} = 'open') = (${t.resolvedAt} is null)`),
    check("holds_carried", sql`(${t.status} = 'carried') = (${t.carriedToHoldId} is not null)`),
  ],
);

/**
 * The append-only ledger of a pool. `amount` is signed by its effect on the pool's available
 * balance: allocation +, adjustment ±, hold −, release + (always the whole hold), capture − (the
 * actual amount). So the entries of a pool sum to its available balance, and `balanceAfter` is
 * that running sum, checked by a trigger on insert. Triggers refuse UPDATE and DELETE.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: id(),
    poolId: integer("pool_id")
      .notNull()
      .references(() => budgetPools.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: LEDGER_KINDS }).notNull(),
    amount: money("amount").notNull(),
    balanceAfter: money("balance_after").notNull(),
    holdId: integer("hold_id").references(() => holds.id, { onDelete: "restrict" }),
    gestureId: integer("gesture_id"),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "restrict" }),
    at: timestampMs("at").notNull(),
    /** The reason of an adjustment, or a short note. Never customer details. */
    memo: text("memo"),
    /** The key of the request that wrote this entry: the same key never moves money twice. */
    idempotencyKey: text("idempotency_key"),
    /** The entry's place in its pool (1, 2, 3…): unique per pool, so a fork of a pool's chain is refused. */
    poolSeq: integer("pool_seq").notNull().default(0),
  },
  (t) => [
    index("ledger_entries_pool_idx").on(t.poolId, t.id),
    uniqueIndex("ledger_entries_pool_seq_unique").on(t.poolId, t.poolSeq),
    index("ledger_entries_pool_kind_idx").on(t.poolId, t.kind, t.id),
    index("ledger_entries_gesture_idx").on(t.gestureId),
    // The ledger export reads one period in time order (issue 7).
    index("ledger_entries_at_idx").on(t.at, t.id),
    uniqueIndex("ledger_entries_idempotency_key_unique").on(t.idempotencyKey),
    // One hold entry per hold, and at most one release and one capture: a hold resolves once.
    uniqueIndex("ledger_entries_hold_kind_unique").on(t.holdId, t.kind).where(sql`${t.holdId} is not null`),
    check(
      "ledger_entries_amount",
      sql`abs(${t.amount}) <= ${sql.raw(String(LEDGER_AMOUNT_LIMIT))} and (
        (${t.kind} = 'allocation' and ${t.amount} > 0 and ${t.holdId} is null) or
        (${t.kind} = 'adjustment' and ${t.amount} <> 0 and ${t.holdId} is null and length(trim(coalesce(${t.memo}, ''))) > 0) or
        (${t.kind} = 'hold' and ${t.amount} < 0 and ${t.holdId} is not null) or
        (${t.kind} = 'release' and ${t.amount} > 0 and ${t.holdId} is not null) or
        (${t.kind} = 'capture' and ${t.amount} < 0 and ${t.holdId} is not null))`,
    ),
    check("ledger_entries_balance", sql`${t.balanceAfter} >= 0`),
  ],
);

/**
 * Each pool's sums of its ledger entries by kind, kept by a trigger on every ledger insert in the
 * same transaction (migration pool_totals), so that the finance lists over hundreds of pools read
 * one row per pool instead of summing the whole period's ledger on each request. `committed` is the
 * amount still held, `available` the running balance. The ledger checks compare it with the entries.
 */
export const poolTotals = pgTable("pool_totals", {
  poolId: integer("pool_id")
    .primaryKey()
    .references(() => budgetPools.id, { onDelete: "restrict" }),
  allocated: money("allocated").notNull().default(0),
  adjustments: money("adjustments").notNull().default(0),
  committed: money("committed").notNull().default(0),
  spent: money("spent").notNull().default(0),
  available: money("available").notNull().default(0),
});

/**
 * The budget alerts a pool has raised: one row per pool and threshold percent, written in the
 * transaction of the ledger change that reached it. The unique index is what makes "sent once per
 * pool and period" hold under concurrent approvals (a pool belongs to one period).
 */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    poolId: integer("pool_id")
      .notNull()
      .references(() => budgetPools.id, { onDelete: "restrict" }),
    thresholdPercent: integer("threshold_percent").notNull(),
    /** Committed + spent when the threshold was reached, and the pool's budget then. */
    used: money("used").notNull(),
    budget: money("budget").notNull(),
    toFinance: boolean("to_finance").notNull(),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [uniqueIndex("budget_alerts_pool_threshold_unique").on(t.poolId, t.thresholdPercent)],
);
export type BudgetAlert = typeof budgetAlerts.$inferSelect;

/**
 * A pool's committed and spent money by the occasion and type of the gestures it paid for, kept
 * like pool_totals by a trigger in the transaction of every hold, release and capture entry (see
 * the hand-written end of migration 0014), so the spend dashboard reads a few rows per pool instead
 * of every entry of the period. `gestures` counts the holds placed. Occasion '' and type 0 would
 * hold entries without a gesture (none today).
 */
export const poolSpendByType = pgTable(
  "pool_spend_by_type",
  {
    poolId: integer("pool_id")
      .notNull()
      .references(() => budgetPools.id, { onDelete: "restrict" }),
    occasion: text("occasion").notNull(),
    typeId: integer("type_id").notNull(),
    committed: money("committed").notNull().default(0),
    spent: money("spent").notNull().default(0),
    gestures: integer("gestures").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.occasion, t.typeId] })],
);

// ---------------------------------------------------------------------------------------------
// Customer context (issue 4): customers, the signals about them, suggestion dismissals, CRM imports.

export const SEGMENTS = ["retail", "premier", "business", "private"] as const;
export type Segment = (typeof SEGMENTS)[number];
/** How long someone has been a customer (app/domain/customers/tenure.ts says how a band is found). */
export const TENURE_BANDS = ["under_1", "1_to_3", "3_to_10", "10_plus"] as const;
export type TenureBand = (typeof TENURE_BANDS)[number];

export const SIGNAL_KINDS = [
  "bereavement",
  "illness",
  "new_baby",
  "marriage",
  "birthday",
  "tenure_anniversary",
  "complaint",
  "service_failure",
  "long_wait",
  "hardship",
  "survey_detractor",
  "survey_promoter",
  "other",
  // Issue 22: a customer in collections (arrears) or with a complaint in dispute; with hardship,
  // these make any gesture need a manager's approval with a written reason.
  "collections",
  "dispute",
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];
/** Special-category kinds: notes visible to the customer's branch only, logged, and expiring. */
export const SENSITIVE_SIGNAL_KINDS = ["bereavement", "illness", "hardship"] as const satisfies readonly SignalKind[];

export const SIGNAL_SOURCES = ["crm", "staff", "survey"] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];
export const SIGNAL_NOTE_MAX = 500;

/**
 * Characters that separate the words of an address and nothing more: punctuation, apostrophes,
 * line breaks and tabs (as code points). The household check treats them as spaces.
 */
export const ADDRESS_SEPARATOR_CODES = [44, 46, 59, 58, 45, 39, 8217, 34, 35, 47, 92, 40, 41, 38, 10, 13, 9] as const;
/** Runs of up to 2^9 = 512 spaces collapse to one, more than an address may hold (500 characters). */
const ADDRESS_SPACE_PASSES = 9;

/**
 * The normalised address in SQL: ASCII letters lowercased (lower() of a "C" column, like SQLite's), every separator a
 * space, runs of spaces one, trimmed; null when nothing is left. addressKey() in
 * app/domain/customers/household.ts is the same function in TypeScript, and a property test holds
 * the two together.
 */
function addressKeySql(column: SQL) {
  let expr = sql`lower(${column})`;
  for (const code of ADDRESS_SEPARATOR_CODES) expr = sql`replace(${expr}, chr(${sql.raw(String(code))}), ' ')`;
  for (let i = 0; i < ADDRESS_SPACE_PASSES; i++) expr = sql`replace(${expr}, '  ', ' ')`;
  return sql`nullif(btrim(${expr}, ' '), '')`;
}

/** The same date check by column name, as the customer-context migration was generated with it. */
const isoDateByName = (column: string) => sql`${sql.raw(column)} ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'`;

export const customers = pgTable(
  "customers",
  {
    id: id(),
    /** The CRM's reference; imports upsert by it. Erased customers keep a pseudonymous one. */
    crmRef: text("crm_ref").notNull(),
    name: text("name").notNull(),
    /** lower(name), and lower(last word of name): indexed prefix search per branch. */
    nameKey: text("name_key").notNull(),
    surnameKey: text("surname_key").notNull(),
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    /** ISO date (YYYY-MM-DD). */
    customerSince: text("customer_since").notNull(),
    segment: text("segment", { enum: SEGMENTS }).notNull().default("retail"),
    /** "MM-DD"; the year is not kept. */
    birthday: text("birthday"),
    deliveryAddress: text("delivery_address"),
    /**
     * The delivery address normalised (addressKey in app/domain/customers/household.ts): customers
     * with the same key are one household and share the per-customer cap. Null without an address.
     */
    addressKey: text("address_key").generatedAlwaysAs(addressKeySql(sql`delivery_address`)),
    /**
     * The branch where this customer works, or where the member of staff they are connected to
     * works (CRM column connected_staff_branch); null when neither. That branch may not propose a
     * gesture for them, and any other branch's proposal goes to finance.
     */
    connectedBranchId: integer("connected_branch_id").references(() => branches.id, { onDelete: "restrict" }),
    doNotContact: boolean("do_not_contact").notNull().default(false),
    doNotContactReason: text("do_not_contact_reason"),
    /**
     * When staff recorded that the customer asked not to receive gestures (issue 21). It sets
     * do-not-contact, and a CRM import never clears do-not-contact while it is set.
     */
    gesturesDeclinedAt: timestampMs("gestures_declined_at"),
    erasedAt: timestampMs("erased_at"),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("customers_crm_ref_unique").on(t.crmRef),
    index("customers_branch_name_idx").on(t.branchId, t.nameKey),
    index("customers_branch_surname_idx").on(t.branchId, t.surnameKey),
    index("customers_branch_birthday_idx").on(t.branchId, t.birthday),
    index("customers_branch_since_idx").on(t.branchId, t.customerSince),
    index("customers_address_key_idx")
      .on(t.addressKey)
      .where(sql`${t.addressKey} is not null`),
    /** The exact count of a tenure band's boundary month (issue 19), across branches. */
    index("customers_since_idx").on(t.customerSince).where(sql`${t.erasedAt} is null`),
    check("customers_since_date", isoDateByName("customer_since")),
    check("customers_birthday_format", sql`${t.birthday} is null or ${t.birthday} ~ '^[0-1][0-9]-[0-3][0-9]$'`),
    check("customers_name_length", sql`length(${t.name}) between 1 and 200`),
    check("customers_dnc_reason", sql`not ${t.doNotContact} or ${t.doNotContactReason} is not null`),
  ],
);

export const signals = pgTable(
  "signals",
  {
    id: id(),
    customerId: integer("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** The customer's branch, copied so that a branch's suggestions read one index range. */
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: SIGNAL_KINDS }).notNull(),
    /** ISO date the event happened (YYYY-MM-DD). */
    occurredOn: text("occurred_on").notNull(),
    source: text("source", { enum: SIGNAL_SOURCES }).notNull(),
    /** 1 low, 2 medium, 3 high. */
    severity: integer("severity").notNull().default(2),
    note: text("note"),
    /** Set when the note of a sensitive signal was removed (retention or erasure). */
    noteRedactedAt: timestampMs("note_redacted_at"),
    /** The identity of an imported or pushed signal, so that re-sending it changes nothing. */
    externalRef: text("external_ref"),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "restrict" }),
    createdAt: createdAt(),
    correctedAt: timestampMs("corrected_at"),
    /**
     * Kept by triggers (issue 19, migration 0018) for the return on empathy: 1 when the customer has
     * a fulfilled gesture for this kind of occasion, and when a complaint / survey answer of theirs
     * followed within FOLLOW_UP_DAYS. They feed signal_followups; never set them from the app.
     */
    receivedGesture: integer("received_gesture").notNull().default(0),
    laterComplaint: integer("later_complaint").notNull().default(0),
    laterDetractor: integer("later_detractor").notNull().default(0),
    laterPromoter: integer("later_promoter").notNull().default(0),
  },
  (t) => [
    index("signals_customer_idx").on(t.customerId, t.occurredOn),
    index("signals_branch_date_idx").on(t.branchId, t.occurredOn),
    index("signals_sensitive_note_idx").on(t.occurredOn).where(sql`${t.note} is not null and ${t.kind} in ('bereavement', 'illness', 'hardship')`),
    uniqueIndex("signals_external_ref_unique").on(t.externalRef),
    check("signals_date", isoDateByName("occurred_on")),
    check("signals_severity", sql`${t.severity} between 1 and 3`),
    check("signals_note_length", sql`${t.note} is null or length(${t.note}) <= 500`),
  ],
);

/** The previous version of a signal, written when its author corrects it (history is kept). */
export const signalRevisions = pgTable(
  "signal_revisions",
  {
    id: id(),
    signalId: integer("signal_id")
      .notNull()
      .references(() => signals.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: SIGNAL_KINDS }).notNull(),
    occurredOn: text("occurred_on").notNull(),
    severity: integer("severity").notNull(),
    note: text("note"),
    noteRedactedAt: timestampMs("note_redacted_at"),
    revisedById: integer("revised_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    revisedAt: timestampMs("revised_at").notNull(),
  },
  (t) => [
    index("signal_revisions_signal_idx").on(t.signalId, t.id),
    index("signal_revisions_sensitive_note_idx").on(t.occurredOn).where(sql`${t.note} is not null and ${t.kind} in ('bereavement', 'illness', 'hardship')`),
  ],
);

/** A dismissed suggestion: hides the customer's signals up to `upToSignalId` (a new signal brings it back). */
export const suggestionDismissals = pgTable(
  "suggestion_dismissals",
  {
    id: id(),
    customerId: integer("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    upToSignalId: integer("up_to_signal_id").notNull().default(0),
    reason: text("reason").notNull(),
    dismissedById: integer("dismissed_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    dismissedAt: timestampMs("dismissed_at").notNull(),
  },
  (t) => [index("suggestion_dismissals_customer_idx").on(t.customerId, t.upToSignalId)],
);

export const IMPORT_KINDS = ["customers", "signals"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** One uploaded CRM file: its preview, then its commit. The import history. */
export const crmImports = pgTable(
  "crm_imports",
  {
    id: id(),
    kind: text("kind", { enum: IMPORT_KINDS }).notNull(),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    uploadedById: integer("uploaded_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** The branch a manager's import is limited to; null for an admin's (all branches). */
    branchScopeId: integer("branch_scope_id").references(() => branches.id, { onDelete: "restrict" }),
    status: text("status", { enum: ["previewed", "committed", "discarded"] }).notNull(),
    totalRows: integer("total_rows").notNull(),
    validRows: integer("valid_rows").notNull(),
    errorRows: integer("error_rows").notNull(),
    /** JSON array of the first row-level errors ({ row, field, message }), never cell contents. */
    errors: text("errors").notNull().default("[]"),
    encoding: text("encoding").notNull().default("utf-8"),
    createdCount: integer("created_count"),
    updatedCount: integer("updated_count"),
    unchangedCount: integer("unchanged_count"),
    createdAt: createdAt(),
    committedAt: timestampMs("committed_at"),
  },
  (t) => [index("crm_imports_scope_idx").on(t.branchScopeId, t.id), index("crm_imports_created_idx").on(t.id)],
);

/** Valid rows of a previewed import, kept until it is committed or discarded. */
export const crmImportRows = pgTable(
  "crm_import_rows",
  {
    importId: integer("import_id")
      .notNull()
      .references(() => crmImports.id, { onDelete: "cascade" }),
    rowNumber: integer("row_number").notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [uniqueIndex("crm_import_rows_pk").on(t.importId, t.rowNumber)],
);

/** Keys for CRMs that push signals to POST /api/signals. Only a hash of the key is stored. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    name: text("name").notNull(),
    /** The first characters of the key, shown so that people can tell keys apart. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdById: integer("created_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    createdAt: createdAt(),
    lastUsedAt: timestampMs("last_used_at"),
    revokedAt: timestampMs("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_created_idx").on(t.id)],
);

/**
 * The signal API's rate limit: one fixed window per key, kept in the database so that every server
 * process (node:cluster workers) counts against the same limit (issue 19, decision 47).
 */
export const apiRateWindows = pgTable("api_rate_windows", {
  keyId: integer("key_id")
    .primaryKey()
    .references(() => apiKeys.id, { onDelete: "cascade" }),
  /** When the current window began, ms since the epoch. */
  windowStart: money("window_start").notNull(),
  count: integer("count").notNull(),
});

/** The twin of job_locks: one process at a time runs a named piece of periodic work. */
export const jobLocks = pgTable("job_locks", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  acquiredAt: timestampMs("acquired_at").notNull(),
  expiresAt: timestampMs("expires_at").notNull(),
});

// ---------------------------------------------------------------------------------------------
// Sign-in factors (issue 11): a second factor for password sign-in, the pending step between the
// password and the code, and the state of a single sign-on round trip.
// ---------------------------------------------------------------------------------------------

/** A user's TOTP factor. The secret is encrypted (AES-256-GCM, key derived from SESSION_SECRET). */
export const userSecondFactors = pgTable(
  "user_second_factors",
  {
    userId: integer("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    secretEncrypted: text("secret_encrypted").notNull(),
    /** The highest TOTP time step accepted, so that a code cannot be used twice. */
    lastUsedStep: integer("last_used_step").notNull().default(0),
    createdAt: createdAt(),
  },
);

/** One-time recovery codes: only their SHA-256 is stored; each works once. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestampMs("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId), uniqueIndex("recovery_codes_hash_unique").on(t.userId, t.codeHash)],
);

/**
 * A password sign-in waiting for its second factor. The browser holds a random token (short
 * cookie); only its keyed hash is stored. No session exists until the code step succeeds.
 */
export const pendingSignIns = pgTable(
  "pending_sign_ins",
  {
    idHash: text("id_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** "verify": the user has a factor; "enrol": they must set one up first. */
    stage: text("stage", { enum: PENDING_SIGN_IN_STAGES }).notNull(),
    /** The secret offered during enrolment (encrypted), kept until the user confirms a code. */
    enrolSecretEncrypted: text("enrol_secret_encrypted"),
    redirectTo: text("redirect_to"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    expiresAt: timestampMs("expires_at").notNull(),
  },
  (t) => [index("pending_sign_ins_user_idx").on(t.userId), index("pending_sign_ins_expires_idx").on(t.expiresAt)],
);

/** One single sign-on round trip: the browser's cookie names it; state, nonce and PKCE verifier stay here. */
export const ssoRequests = pgTable(
  "sso_requests",
  {
    idHash: text("id_hash").primaryKey(),
    state: text("state").notNull(),
    nonce: text("nonce").notNull(),
    codeVerifier: text("code_verifier").notNull(),
    redirectTo: text("redirect_to"),
    createdAt: createdAt(),
    expiresAt: timestampMs("expires_at").notNull(),
  },
  (t) => [index("sso_requests_expires_idx").on(t.expiresAt)],
);

export type Organisation = typeof organisation.$inferSelect;
export type Branch = typeof branches.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;
export type Signal = typeof signals.$inferSelect;
export type SignalRevision = typeof signalRevisions.$inferSelect;
export type SuggestionDismissal = typeof suggestionDismissals.$inferSelect;
export type CrmImport = typeof crmImports.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type BudgetPeriod = typeof budgetPeriods.$inferSelect;
export type BudgetPool = typeof budgetPools.$inferSelect;
export type Hold = typeof holds.$inferSelect;
export type LedgerEntry = typeof ledgerEntries.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Gestures (issue 5): the catalogue, the policy, proposals and their approvals, delegations,
// notifications and the e-mail outbox.

/** What a gesture answers. The same vocabulary as signal kinds, so a suggestion prefills it. */
export const OCCASIONS = SIGNAL_KINDS;
export type Occasion = SignalKind;

export const DELIVERY_METHODS = ["in_branch", "post", "courier"] as const;
export const COMPENSATION_ANSWERS = ["yes", "no"] as const;
export type CompensationAnswer = (typeof COMPENSATION_ANSWERS)[number];
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/**
 * The lifecycle of ../shared/design.md. `awaiting_finance`: the manager approved an amount at or
 * over the second-approval threshold. `needs_reapproval`: fulfilment cost more than the variance
 * tolerance allows (issue 6).
 */
export const GESTURE_STATUSES = [
  "draft",
  "submitted",
  "awaiting_finance",
  "approved",
  "returned",
  "rejected",
  "withdrawn",
  "cancelled",
  "expired",
  "needs_reapproval",
  "fulfilled",
  "closed",
] as const;
export type GestureStatus = (typeof GESTURE_STATUSES)[number];

export const APPROVAL_LEVELS = ["manager", "finance"] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];
export const APPROVAL_ROUTES = ["branch", "finance"] as const;
export type ApprovalRoute = (typeof APPROVAL_ROUTES)[number];
export const DECISIONS = ["approve", "reject", "return"] as const;
export type Decision = (typeof DECISIONS)[number];

export const OUTCOMES = ["thanked", "positive_feedback", "neutral", "no_response", "negative"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const CARD_MESSAGE_MAX = 1000;
export const FULFILMENT_NOTE_MAX = 500;
export const CANCEL_REASON_MAX = 500;
export const OUTCOME_NOTE_MAX = 1000;
export const JUSTIFICATION_MAX = 2000;

/** The catalogue. A type that has been used is deactivated, never deleted. */
export const gestureTypes = pgTable(
  "gesture_types",
  {
    id: id(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    defaultAmount: money("default_amount").notNull(),
    maxAmount: money("max_amount").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("gesture_types_code_unique").on(t.code),
    check(
      "gesture_types_amounts",
      sql`${t.defaultAmount} >= 0 and ${t.defaultAmount} <= ${t.maxAmount}`,
    ),
  ],
);

/** Which occasions a gesture type suits (tone guardrail: no birthday gift for a bereavement). */
export const gestureTypeOccasions = pgTable(
  "gesture_type_occasions",
  {
    typeId: integer("type_id")
      .notNull()
      .references(() => gestureTypes.id, { onDelete: "cascade" }),
    occasion: text("occasion", { enum: OCCASIONS }).notNull(),
  },
  (t) => [uniqueIndex("gesture_type_occasions_pk").on(t.typeId, t.occasion), index("gesture_type_occasions_occasion_idx").on(t.occasion)],
);

/**
 * Policy settings, amounts in minor units. `policyDefaults` is the organisation's single row;
 * `branchPolicyOverrides` holds per-branch values where a column is null when the branch follows
 * the default. The effective policy of a branch is the override where set, else the default.
 */
const policyColumns = () => ({
  /** Auto-approved at staff discretion at or under this amount. */
  discretionLimit: money("discretion_limit"),
  /** At or over this amount a finance approval follows the manager's. */
  secondApprovalThreshold: money("second_approval_threshold"),
  perGestureMax: money("per_gesture_max"),
  /** Per customer over a rolling 12 months, counting pending and approved gestures. */
  customerCapAmount: money("customer_cap_amount"),
  customerCapCount: integer("customer_cap_count"),
  /** Per proposer per calendar month (organisation time zone). */
  staffMonthlyCap: money("staff_monthly_cap"),
  /** Days within which a second gesture for the same customer and occasion is a duplicate. */
  duplicateWindowDays: integer("duplicate_window_days"),
  /** Days an approval may stay unfulfilled before it expires. */
  approvalExpiryDays: integer("approval_expiry_days"),
  /** Percent an actual amount may exceed the approved amount at fulfilment. */
  varianceTolerancePercent: integer("variance_tolerance_percent"),
  /** Days after fulfilment when a missing outcome is reminded. */
  outcomeFollowUpDays: integer("outcome_follow_up_days"),
  /** A receipt is required when the actual amount is above this. */
  receiptRequiredAbove: money("receipt_required_above"),
  // Checks before a gesture is proposed (issue 22). Switches are 1 (on) or 0 (off).
  /** Staff and people connected to staff: refused by their own branch, finance approves elsewhere. */
  connectedPersonCheck: integer("connected_person_check"),
  /** Days back a hardship, collections or dispute signal makes any gesture need a manager and a reason; 0 is off. */
  hardshipLookbackDays: integer("hardship_lookback_days"),
  /** Customers at the same delivery address count together toward the per-customer cap. */
  householdCap: integer("household_cap"),
  /** On a complaint or service failure, money the customer is owed is refused (complaints process). */
  redressCheck: integer("redress_check"),
  // Budget alerts (issue 21): percent of a pool used (committed + spent) that tells its branch's
  // managers, once per pool; the third also tells finance. 0 turns one off.
  budgetAlertFirstPercent: integer("budget_alert_first_percent"),
  budgetAlertSecondPercent: integer("budget_alert_second_percent"),
  budgetAlertFinancePercent: integer("budget_alert_finance_percent"),
  /** Months a customer whose last recorded response was negative is left out of suggestions (issue 21); 0 is off. */
  leaveAloneMonths: integer("leave_alone_months"),
});

export const POLICY_KEYS = Object.keys(policyColumns()) as (keyof ReturnType<typeof policyColumns>)[];
export type PolicyKey = (typeof POLICY_KEYS)[number];
export type Policy = Record<PolicyKey, number>;

export const policyDefaults = pgTable(
  "policy_defaults",
  (() => {
    const c = policyColumns();
    return {
      id: integer("id").primaryKey(),
      discretionLimit: c.discretionLimit.notNull(),
      secondApprovalThreshold: c.secondApprovalThreshold.notNull(),
      perGestureMax: c.perGestureMax.notNull(),
      customerCapAmount: c.customerCapAmount.notNull(),
      customerCapCount: c.customerCapCount.notNull(),
      staffMonthlyCap: c.staffMonthlyCap.notNull(),
      duplicateWindowDays: c.duplicateWindowDays.notNull(),
      approvalExpiryDays: c.approvalExpiryDays.notNull(),
      varianceTolerancePercent: c.varianceTolerancePercent.notNull(),
      outcomeFollowUpDays: c.outcomeFollowUpDays.notNull(),
      receiptRequiredAbove: c.receiptRequiredAbove.notNull(),
      connectedPersonCheck: c.connectedPersonCheck.notNull().default(1),
      hardshipLookbackDays: c.hardshipLookbackDays.notNull().default(90),
      householdCap: c.householdCap.notNull().default(1),
      redressCheck: c.redressCheck.notNull().default(1),
      budgetAlertFirstPercent: c.budgetAlertFirstPercent.notNull().default(50),
      budgetAlertSecondPercent: c.budgetAlertSecondPercent.notNull().default(75),
      budgetAlertFinancePercent: c.budgetAlertFinancePercent.notNull().default(90),
      leaveAloneMonths: c.leaveAloneMonths.notNull().default(12),
      updatedAt: timestampMs("updated_at").notNull(),
    };
  })(),
  (t) => [check("policy_defaults_single_row", sql`${t.id} = 1`)],
);

export const branchPolicyOverrides = pgTable("branch_policy_overrides", {
  branchId: integer("branch_id")
    .primaryKey()
    .references(() => branches.id, { onDelete: "cascade" }),
  ...policyColumns(),
  updatedAt: timestampMs("updated_at").notNull(),
});

export const gestures = pgTable(
  "gestures",
  {
    id: id(),
    customerId: integer("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    /** The customer's branch when proposed; its managers approve and its pool pays. */
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    /** The pool the hold was placed on (set at approval). */
    poolId: integer("pool_id").references(() => budgetPools.id, {
      onDelete: "restrict",
    }),
    proposerId: integer("proposer_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    occasion: text("occasion", { enum: OCCASIONS }).notNull(),
    signalId: integer("signal_id").references(() => signals.id, {
      onDelete: "set null",
    }),
    typeId: integer("type_id")
      .notNull()
      .references(() => gestureTypes.id, { onDelete: "restrict" }),
    requestedAmount: money("requested_amount").notNull(),
    cardMessage: text("card_message").notNull().default(""),
    /** Internal: why this gesture (required above the discretion limit). Never shown to finance. */
    justification: text("justification").notNull().default(""),
    deliveryMethod: text("delivery_method", {
      enum: DELIVERY_METHODS,
    }).notNull(),
    /**
     * On a complaint or service-failure occasion, the proposer's answer to "is this money
     * compensation the customer is owed?" (issue 22); null where it is not asked or not yet answered.
     */
    compensationOwed: text("compensation_owed", { enum: COMPENSATION_ANSWERS }),
    status: text("status", { enum: GESTURE_STATUSES }).notNull(),
    /**
     * Who takes the manager-level decision while submitted: the branch's managers (or their
     * delegates), or finance when nobody in the branch may (a sole manager's own proposal, no
     * active manager). Recomputed by routing when managers leave or delegate.
     */
    approvalRoute: text("approval_route", { enum: APPROVAL_ROUTES }),
    /** Approved at once at staff discretion (at or under the discretion limit, every check passed). */
    approvedAtDiscretion: boolean("approved_at_discretion").notNull().default(false),
    approvedAmount: money("approved_amount"),
    actualAmount: money("actual_amount"),
    vendor: text("vendor"),
    fulfilledOn: text("fulfilled_on"),
    outcome: text("outcome", { enum: OUTCOMES }),
    /** The recipient's segment and tenure band as on the day of delivery (issue 21, decision 52). */
    recipientSegment: text("recipient_segment", { enum: SEGMENTS }),
    recipientTenureBand: text("recipient_tenure_band", { enum: TENURE_BANDS }),
    /** The negative response was the customer asking not to receive gestures (issue 21). */
    askedNoGestures: boolean("asked_no_gestures").notNull().default(false),
    outcomeNote: text("outcome_note"),
    // Fulfilment, cancellation, expiry and outcome (issue 6). While `needs_reapproval`, the
    // actual amount, vendor, date and note are the fulfilment waiting for the approver.
    /** How and when it reached the customer (staff's words; never shown to finance). */
    fulfilmentNote: text("fulfilment_note"),
    fulfilledAt: timestampMs("fulfilled_at"),
    fulfilledById: integer("fulfilled_by_id").references(() => users.id, { onDelete: "restrict" }),
    cancelReason: text("cancel_reason"),
    cancelledById: integer("cancelled_by_id").references(() => users.id, { onDelete: "restrict" }),
    /** When it was cancelled or expired (the hold released). */
    endedAt: timestampMs("ended_at"),
    outcomeRecordedAt: timestampMs("outcome_recorded_at"),
    outcomeRecordedById: integer("outcome_recorded_by_id").references(() => users.id, { onDelete: "restrict" }),
    /** Bumped by every transition; forms carry it so a stale edit is refused. */
    version: integer("version").notNull().default(1),
    /** Key of the form that created it: a double submit creates one gesture. */
    createKey: text("create_key"),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull(),
    submittedAt: timestampMs("submitted_at"),
    approvedAt: timestampMs("approved_at"),
    decidedAt: timestampMs("decided_at"),
  },
  (t) => [
    uniqueIndex("gestures_create_key_unique").on(t.createKey),
    index("gestures_branch_status_idx").on(t.branchId, t.status, t.submittedAt),
    index("gestures_route_idx")
      .on(t.approvalRoute, t.submittedAt)
      .where(sql`${t.status} = 'submitted'`),
    index("gestures_status_idx").on(t.status, t.submittedAt),
    index("gestures_customer_idx").on(t.customerId, t.submittedAt),
    index("gestures_proposer_idx").on(t.proposerId, t.submittedAt),
    // Partial: most gestures have no signal, and with every null in the index its statistics told
    // the planner one signal matched them all, so it scanned the gestures per suggestion instead.
    index("gestures_signal_idx").on(t.signalId).where(sql`${t.signalId} is not null`),
    // How often a catalogue type was used (admin catalogue), and the restrict check when one is deleted.
    index("gestures_type_idx").on(t.typeId),
    index("gestures_pool_idx").on(t.poolId),
    // The expiry job reads approved gestures by approval time; the outcome reminders fulfilled ones by fulfilment time.
    index("gestures_approved_idx")
      .on(t.approvedAt)
      .where(sql`${t.status} = 'approved'`),
    index("gestures_fulfilled_idx")
      .on(t.fulfilledAt)
      .where(sql`${t.status} = 'fulfilled'`),
    // Reports, flags and exports read one period of gestures in submission order (issue 7).
    index("gestures_submitted_idx").on(t.submittedAt, t.id),
    check(
      "gestures_amounts",
      sql`${t.requestedAmount} >= 0 and ${t.requestedAmount} <= ${sql.raw(String(LEDGER_AMOUNT_LIMIT))}
        and (${t.approvedAmount} is null or ${t.approvedAmount} >= 0)
        and (${t.actualAmount} is null or ${t.actualAmount} >= 0)`,
    ),
    check("gestures_card_message_length", sql`length(${t.cardMessage}) <= ${sql.raw(String(CARD_MESSAGE_MAX))}`),
    check("gestures_justification_length", sql`length(${t.justification}) <= ${sql.raw(String(JUSTIFICATION_MAX))}`),
    check("gestures_submitted", sql`${t.status} = 'draft' or ${t.submittedAt} is not null`),
    check("gestures_route", sql`(${t.status} = 'submitted') = (${t.approvalRoute} is not null)`),
  ],
);

/**
 * Receipts of a fulfilment: the file lives in the receipts folder under its random `storedName`;
 * this row says whose it is and what it is. The newest row of a gesture is its receipt.
 */
export const gestureReceipts = pgTable(
  "gesture_receipts",
  {
    id: id(),
    gestureId: integer("gesture_id")
      .notNull()
      .references(() => gestures.id, { onDelete: "restrict" }),
    storedName: text("stored_name").notNull(),
    mediaType: text("media_type", { enum: ["image/jpeg", "image/png", "application/pdf"] }).notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** The name the file had on the uploader's computer, cleaned, for the download. */
    originalName: text("original_name").notNull(),
    uploadedById: integer("uploaded_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    uploadedAt: timestampMs("uploaded_at").notNull(),
  },
  (t) => [
    uniqueIndex("gesture_receipts_stored_name_unique").on(t.storedName),
    index("gesture_receipts_gesture_idx").on(t.gestureId, t.id),
    check("gesture_receipts_stored_name", sql`length(${t.storedName}) = 32 and ${t.storedName} !~ '[^0-9a-f]'`),
    check("gesture_receipts_size", sql`${t.size} > 0 and ${t.size} <= 10485760`),
    check("gesture_receipts_original_name", sql`length(${t.originalName}) between 1 and 120`),
  ],
);
export type GestureReceipt = typeof gestureReceipts.$inferSelect;

/** bytea, read back as a Buffer (node-postgres does so). */
const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/** The twin of receipt_contents: each receipt's bytes, in the database every server shares. */
export const receiptContents = pgTable("receipt_contents", {
  receiptId: integer("receipt_id")
    .primaryKey()
    .references(() => gestureReceipts.id, { onDelete: "cascade" }),
  content: bytes("content").notNull(),
});

/** Every approve, reject or return, by level; the proposer reads reasons and comments here. */
export const gestureDecisions = pgTable(
  "gesture_decisions",
  {
    id: id(),
    gestureId: integer("gesture_id")
      .notNull()
      .references(() => gestures.id, { onDelete: "restrict" }),
    approverId: integer("approver_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** The manager an approver acted for through a delegation. */
    onBehalfOfId: integer("on_behalf_of_id").references(() => users.id, {
      onDelete: "restrict",
    }),
    level: text("level", { enum: APPROVAL_LEVELS }).notNull(),
    decision: text("decision", { enum: DECISIONS }).notNull(),
    /** The amount approved (approve only). */
    amount: money("amount"),
    comment: text("comment").notNull().default(""),
    at: timestampMs("at").notNull(),
  },
  (t) => [
    index("gesture_decisions_gesture_idx").on(t.gestureId, t.id),
    index("gesture_decisions_approver_idx").on(t.approverId, t.at),
    index("gesture_decisions_at_idx").on(t.at),
    check("gesture_decisions_comment", sql`${t.decision} = 'approve' or length(trim(${t.comment})) > 0`),
  ],
);

/** A manager away: `delegateId` approves for them from `startsOn` to `endsOn` (inclusive, ISO dates). */
export const delegations = pgTable(
  "delegations",
  {
    id: id(),
    managerId: integer("manager_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    delegateId: integer("delegate_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
    createdAt: createdAt(),
    /** Set when the manager ends it early. */
    endedAt: timestampMs("ended_at"),
  },
  (t) => [
    index("delegations_manager_idx").on(t.managerId, t.endsOn),
    index("delegations_delegate_idx").on(t.delegateId, t.endsOn),
    check("delegations_dates", sql`${isoDate(t.startsOn)} and ${isoDate(t.endsOn)} and ${t.endsOn} >= ${t.startsOn}`),
    check("delegations_not_self", sql`${t.managerId} <> ${t.delegateId}`),
  ],
);

export const NOTIFICATION_KINDS = [
  "approval_needed",
  "decision",
  "approval_reminder",
  "expired",
  "outcome_reminder",
  "outcome_recorded",
  "reapproval_needed",
  "story_submitted",
  "story_decided",
  "budget_alert",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The in-app list. `message` is plain text without customer notes. */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    gestureId: integer("gesture_id").references(() => gestures.id, {
      onDelete: "cascade",
    }),
    /** The budget pool a budget alert is about (its page is the link). */
    poolId: integer("pool_id").references(() => budgetPools.id, { onDelete: "restrict" }),
    message: text("message").notNull(),
    /** Set for notifications that must exist once (reminders): the same key is never sent twice. */
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    readAt: timestampMs("read_at"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.id),
    index("notifications_unread_idx")
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    uniqueIndex("notifications_dedupe_unique").on(t.dedupeKey),
  ],
);

/** E-mail written in the same transaction as its cause and sent later, so sending never blocks one. */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: id(),
    notificationId: integer("notification_id").references(() => notifications.id, { onDelete: "set null" }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sent", "logged", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: timestampMs("sent_at"),
  },
  (t) => [
    index("email_outbox_pending_idx")
      .on(t.id)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * A link in an approval e-mail that opens the decision page of one proposal (issue 22). Only the
 * HMAC of its random token is stored (the token itself exists only in the e-mail sent), bound to
 * one approver and the proposal's version when the e-mail was sent; used once, within its expiry.
 * Created when the e-mail is sent, so the outbox never holds a live token either.
 */
export const decisionLinks = pgTable(
  "decision_links",
  {
    id: id(),
    tokenHash: text("token_hash").notNull(),
    gestureId: integer("gesture_id")
      .notNull()
      .references(() => gestures.id, { onDelete: "cascade" }),
    approverId: integer("approver_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    gestureVersion: integer("gesture_version").notNull(),
    createdAt: createdAt(),
    expiresAt: timestampMs("expires_at").notNull(),
    usedAt: timestampMs("used_at"),
  },
  (t) => [uniqueIndex("decision_links_token_hash_unique").on(t.tokenHash), index("decision_links_gesture_idx").on(t.gestureId)],
);

/**
 * Finance's review of an unusual-pattern flag (issue 7). Flags are computed, not stored; a review
 * is keyed by the flag's stable key (rule, subject and window), so it stays with the flag.
 */
export const flagReviews = pgTable(
  "flag_reviews",
  {
    id: id(),
    flagKey: text("flag_key").notNull(),
    rule: text("rule").notNull(),
    reviewedById: integer("reviewed_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    note: text("note").notNull(),
    reviewedAt: timestampMs("reviewed_at").notNull(),
  },
  (t) => [
    uniqueIndex("flag_reviews_flag_key_unique").on(t.flagKey),
    check("flag_reviews_note", sql`length(trim(${t.note})) between 1 and 1000`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Stories (issue 21): after a positive response, the proposer tells colleagues what happened, the
// branch manager reviews it, and published stories are read by everyone in the organisation.

/**
 * draft → submitted → published | returned (edit, resubmit) | declined; the author withdraws any
 * story not yet declined, a manager of its branch a published one.
 */
export const STORY_STATUSES = ["draft", "submitted", "returned", "published", "declined", "withdrawn"] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];
export const STORY_TEXT_MAX = 1000;
export const STORY_COMMENT_MAX = 500;

export const stories = pgTable(
  "stories",
  {
    id: id(),
    /** One story per gesture: the gesture it tells of (closed with a positive response). */
    gestureId: integer("gesture_id")
      .notNull()
      .references(() => gestures.id, { onDelete: "restrict" }),
    /** The gesture's branch: its managers review the story, and it is credited to it. */
    branchId: integer("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** The gesture's occasion, copied so that the published list filters by it with an index. */
    occasion: text("occasion", { enum: OCCASIONS }).notNull(),
    status: text("status", { enum: STORY_STATUSES }).notNull(),
    /** The story itself: never the customer's name, reference or address (checked when written). */
    body: text("body").notNull(),
    /** The reviewer's latest comment (a return says what to change; a decline may say why). */
    reviewComment: text("review_comment"),
    reviewedById: integer("reviewed_by_id").references(() => users.id, { onDelete: "restrict" }),
    withdrawnById: integer("withdrawn_by_id").references(() => users.id, { onDelete: "restrict" }),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull(),
    submittedAt: timestampMs("submitted_at"),
    publishedAt: timestampMs("published_at"),
    decidedAt: timestampMs("decided_at"),
    withdrawnAt: timestampMs("withdrawn_at"),
  },
  (t) => [
    uniqueIndex("stories_gesture_unique").on(t.gestureId),
    // The Stories page: published, newest first, optionally one occasion.
    index("stories_published_idx")
      .on(t.publishedAt, t.id)
      .where(sql`${t.status} = 'published'`),
    index("stories_occasion_published_idx")
      .on(t.occasion, t.publishedAt, t.id)
      .where(sql`${t.status} = 'published'`),
    // A region's published stories go through its branches.
    index("stories_branch_status_idx").on(t.branchId, t.status, t.publishedAt),
    index("stories_author_idx").on(t.authorId, t.updatedAt),
    check("stories_body_length", sql`length(${t.body}) between 1 and ${sql.raw(String(STORY_TEXT_MAX))}`),
    check("stories_published_at", sql`${t.status} <> 'published' or ${t.publishedAt} is not null`),
  ],
);

export type Story = typeof stories.$inferSelect;

// Kept report summaries (issue 19). Each is kept up to date by triggers (migration 0018) in the
// transaction of the row change it sums, so a whole-bank report reads rows bounded by branches ×
// categories instead of every gesture, signal or customer. `npm run db:check` recomputes each one
// from the raw rows (app/domain/reporting/summaries.server.ts). Never written by the app.

/** Fulfilled (and closed) gestures of a pool by occasion and type: count, spend and responses. */
export const poolOutcomes = pgTable(
  "pool_outcomes",
  {
    poolId: integer("pool_id")
      .notNull()
      .references(() => budgetPools.id, { onDelete: "restrict" }),
    occasion: text("occasion").notNull(),
    typeId: integer("type_id").notNull(),
    fulfilled: integer("fulfilled").notNull().default(0),
    spent: money("spent").notNull().default(0),
    recorded: integer("recorded").notNull().default(0),
    thanked: integer("thanked").notNull().default(0),
    positiveFeedback: integer("positive_feedback").notNull().default(0),
    neutral: integer("neutral").notNull().default(0),
    noResponse: integer("no_response").notNull().default(0),
    negative: integer("negative").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.occasion, t.typeId] })],
);

/** The twin of occasion_outcomes: pool_outcomes summed over every pool, kept by triggers. */
export const occasionOutcomes = pgTable(
  "occasion_outcomes",
  {
    occasion: text("occasion").notNull(),
    typeId: integer("type_id").notNull(),
    fulfilled: integer("fulfilled").notNull().default(0),
    spent: money("spent").notNull().default(0),
    recorded: integer("recorded").notNull().default(0),
    positive: integer("positive").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.occasion, t.typeId] })],
);

/** Signals by branch, month of the event (YYYY-MM), kind and whether a gesture answered it, with the later signals that followed. */
/** pool_outcomes's gestures by their recipient's segment or tenure band (issue 21, decision 52). */
export const outcomeGroups = pgTable(
  "outcome_groups",
  {
    occasion: text("occasion").notNull(),
    typeId: integer("type_id").notNull(),
    dimension: text("dimension", { enum: ["segment", "tenure"] }).notNull(),
    groupKey: text("group_key").notNull(),
    fulfilled: integer("fulfilled").notNull().default(0),
    spent: money("spent").notNull().default(0),
    recorded: integer("recorded").notNull().default(0),
    positive: integer("positive").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.occasion, t.dimension, t.groupKey, t.typeId] })],
);

export const signalFollowups = pgTable(
  "signal_followups",
  {
    branchId: integer("branch_id").notNull(),
    month: text("month").notNull(),
    kind: text("kind").notNull(),
    received: integer("received").notNull(),
    cases: integer("cases").notNull().default(0),
    complaint: integer("complaint").notNull().default(0),
    surveyDetractor: integer("survey_detractor").notNull().default(0),
    surveyPromoter: integer("survey_promoter").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.month, t.branchId, t.kind, t.received] })],
);

/** Customers not erased, by branch and segment. */
export const customerSegments = pgTable(
  "customer_segments",
  {
    branchId: integer("branch_id").notNull(),
    segment: text("segment").notNull(),
    customers: integer("customers").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.segment] })],
);

/** Customers not erased, by branch and the month they became customers (YYYY-MM): tenure bands for any date. */
export const customerTenure = pgTable(
  "customer_tenure",
  {
    branchId: integer("branch_id").notNull(),
    sinceMonth: text("since_month").notNull(),
    customers: integer("customers").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.sinceMonth] }), index("customer_tenure_month_idx").on(t.sinceMonth, t.customers)],
);

/**
 * A pool's open holds (by when they were placed) and captures (by when they were taken) per UTC
 * calendar month (YYYY-MM). The spend report cuts months at local midnight: it adds the few hours
 * between UTC and local midnight of each month's start from the raw rows.
 */
export const poolMonths = pgTable(
  "pool_months",
  {
    poolId: integer("pool_id")
      .notNull()
      .references(() => budgetPools.id, { onDelete: "restrict" }),
    month: text("month").notNull(),
    committed: money("committed").notNull().default(0),
    spent: money("spent").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.month] })],
);

export type GestureType = typeof gestureTypes.$inferSelect;
export type Gesture = typeof gestures.$inferSelect;
export type GestureDecision = typeof gestureDecisions.$inferSelect;
export type Delegation = typeof delegations.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type UserSecondFactor = typeof userSecondFactors.$inferSelect;
export type PendingSignIn = typeof pendingSignIns.$inferSelect;
export type DecisionLink = typeof decisionLinks.$inferSelect;
