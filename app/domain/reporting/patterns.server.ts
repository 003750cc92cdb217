// Unusual-pattern flags for finance (issue 7). Flags are computed from the gestures of one calendar
// quarter, each rule one SQL query bounded to the quarter on an index (gestures_submitted_idx,
// gesture_decisions_at_idx), then small pure functions over the aggregated rows. A flag is not
// stored; its key (rule, subject, window) is, when finance reviews it, so a review stays with its
// flag however often the flags are computed.
//
// What counts: every gesture submitted (not drafts, not withdrawn proposals), by its requested
// amount for splits (what was asked, to stay under the threshold) and by its amount (actual, else
// approved, else requested) for spend.
import { inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { flagReviews, users } from "../../../db/schema";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { formatMoney } from "../core/money";
import type { Quarter } from "./report-filter.server";
import { type DbOrTx, writeTransaction } from "~/utils/db.server";
import { indexedBy, joinedList } from "~/utils/dialect.server";
import { returnedRow, firstRow, queryRows } from "~/utils/query.server";

export const FLAG_RULES = ["split_proposer", "split_customer", "repeat_customer", "peer_outlier", "approver_rate"] as const;
export type FlagRule = (typeof FLAG_RULES)[number];

export const FLAG_RULE_LABELS: Record<FlagRule, string> = {
  split_proposer: "Split requests (same proposer)",
  split_customer: "Split requests (same customer)",
  repeat_customer: "One customer, several branches",
  peer_outlier: "Far above branch peers",
  approver_rate: "Unusual approval rate",
};

/** The thresholds of the rules, named so that the page explains them with the same numbers. */
export const PATTERN_LIMITS = {
  splitWindowDays: 7,
  /** A staff member is an outlier above this multiple of their branch's median count or spend. */
  peerMultiple: 3,
  /** Peers are compared only where at least this many people proposed in the quarter. */
  peerMinimumProposers: 3,
  /** Decisions needed on both sides (this proposer, everyone else) before a rate is compared. */
  approverMinimumDecisions: 5,
  /** Approval rate for one proposer this many points above the approver's rate for everyone else. */
  approverRateGapPercent: 30,
} as const;

export const FLAG_RULE_EXPLANATIONS: Record<FlagRule, string> = {
  split_proposer: `Two or more gestures by one proposer within ${PATTERN_LIMITS.splitWindowDays} days, each under the branch's second-approval threshold but at least half of it, that together reach it (small gestures to different customers are everyday work, not a split).`,
  split_customer: `Two or more gestures for one customer within ${PATTERN_LIMITS.splitWindowDays} days, each under the branch's second-approval threshold, that together reach it.`,
  repeat_customer: "Gestures for one customer recorded against two or more branches in the quarter.",
  peer_outlier: `A proposer whose number of gestures or spend in the quarter is more than ${PATTERN_LIMITS.peerMultiple} times the median of the branch's proposers (branches where at least ${PATTERN_LIMITS.peerMinimumProposers} people proposed).`,
  approver_rate: `An approver who approved one proposer's gestures at a rate at least ${PATTERN_LIMITS.approverRateGapPercent} points above their rate for everyone else (at least ${PATTERN_LIMITS.approverMinimumDecisions} manager-level decisions on each side).`,
};

export type Flag = {
  key: string;
  rule: FlagRule;
  subject: string;
  branch: string | null;
  summary: string;
  gestureIds: number[];
  /** The latest activity in the flag (ms), to order the list newest first. */
  lastAt: number;
};

const DAY_MS = 86_400_000;
const COUNTED = sql`g.status not in ('draft', 'withdrawn')`;

type SplitRow = { id: number; subjectId: number; at: number; amount: number; threshold: number; windowSum: number; windowCount: number };

/**
 * Rows in (subject, time, id) order, each with the sum and count of its trailing window (SQL below):
 * every row whose window reaches the threshold anchors a flag of the rows in its window, and
 * overlapping windows of one subject make one flag.
 */
export function splitClusters(rows: SplitRow[], windowMs: number): { subjectId: number; members: SplitRow[]; threshold: number }[] {
  const bySubject = new Map<number, SplitRow[]>();
  for (const row of rows) {
    const list = bySubject.get(row.subjectId);
    if (list) list.push(row);
    else bySubject.set(row.subjectId, [row]);
  }
  const clusters: { subjectId: number; members: SplitRow[]; threshold: number }[] = [];
  for (const [subjectId, list] of bySubject) {
    let current: { subjectId: number; members: SplitRow[]; threshold: number; lastIndex: number } | null = null;
    let windowStart = 0;
    for (let index = 0; index < list.length; index++) {
      const anchor = list[index]!;
      while (list[windowStart]!.at < anchor.at - windowMs) windowStart++;
      if (anchor.windowCount < 2 || anchor.windowSum < anchor.threshold) continue;
      if (current && windowStart <= current.lastIndex) {
        current.members.push(...list.slice(current.lastIndex + 1, index + 1));
        current.lastIndex = index;
        current.threshold = Math.max(current.threshold, anchor.threshold);
      } else {
        current = { subjectId, members: list.slice(windowStart, index + 1), threshold: anchor.threshold, lastIndex: index };
        clusters.push(current);
      }
    }
  }
  return clusters.map(({ subjectId, members, threshold }) => ({ subjectId, members, threshold }));
}

/**
 * Only the subjects with at least one window at the threshold (splitClusters finds nothing in the
 * others): most customers have one gesture in a quarter, and reading them all into rows cost more than
 * the SQL (split_customer 2-3 times faster on the scale database, same flags). Most proposers do have
 * one, so there the filter only adds work and is left out.
 */
const ONLY_SUBJECTS_AT_THRESHOLD = (windowed: SQL) => sql`, windowed as materialized (${windowed})
    select id, "subjectId", at, amount, threshold, "windowSum", "windowCount" from windowed
    where "subjectId" in (select "subjectId" from windowed where "windowCount" >= 2 and "windowSum" >= threshold)
    order by "subjectId", at, id`;

async function splitFlags(db: DbOrTx, quarter: Quarter, by: "proposer" | "customer", currency: string): Promise<Flag[]> {
  const windowMs = PATTERN_LIMITS.splitWindowDays * DAY_MS;
  const subject = by === "proposer" ? sql`g.proposer_id` : sql`g.customer_id`;
  // Each gesture under its branch's threshold, with the sum and count of the same subject's gestures
  // under the threshold in the 7 days up to it (a window over the index range of the quarter).
  const windowed = sql`select id, "subjectId", at, amount, threshold,
        sum(amount) over w as "windowSum", count(*) over w as "windowCount"
      from candidates where amount < threshold and ${by === "proposer" ? sql`amount * 2 >= threshold` : sql`1 = 1`}
      window w as (partition by "subjectId" order by at range between ${sql.raw(String(windowMs))} preceding and current row)`;
  const rows = await queryRows<SplitRow>(
    db,
    sql`
    with candidates as (
      select g.id as id, ${subject} as "subjectId", g.submitted_at as at, g.requested_amount as amount,
        coalesce(o.second_approval_threshold, d.second_approval_threshold) as threshold
      from gestures g ${indexedBy("gestures_submitted_idx")}
      join policy_defaults d on d.id = 1
      left join branch_policy_overrides o on o.branch_id = g.branch_id
      where g.submitted_at >= ${quarter.from.getTime() - windowMs} and g.submitted_at < ${quarter.until.getTime()} and ${COUNTED}
    )${by === "customer" ? ONLY_SUBJECTS_AT_THRESHOLD(windowed) : sql` ${windowed} order by "subjectId", at, id`}`,
  );
  const clusters = splitClusters(rows, windowMs).filter((c) => c.members[c.members.length - 1]!.at >= quarter.from.getTime());
  const names =
    by === "proposer"
      ? await userNames(
          db,
          clusters.map((c) => c.subjectId),
        )
      : await customerRefs(
          db,
          clusters.map((c) => c.subjectId),
        );
  return clusters.map((c) => {
    const total = c.members.reduce((sum, m) => sum + m.amount, 0);
    const first = c.members[0]!;
    return {
      key: `split_${by}:${by}:${c.subjectId}:${first.id}`,
      rule: `split_${by}` as FlagRule,
      subject: names.get(c.subjectId) ?? `#${c.subjectId}`,
      branch: null,
      summary: `${c.members.length} gestures within ${PATTERN_LIMITS.splitWindowDays} days, each under ${formatMoney(c.threshold, currency)}, together ${formatMoney(total, currency)}.`,
      gestureIds: c.members.map((m) => m.id),
      lastAt: c.members[c.members.length - 1]!.at,
    };
  });
}

async function repeatCustomerFlags(db: DbOrTx, quarter: Quarter): Promise<Flag[]> {
  const rows = await queryRows<{ customerId: number; branchCount: number; ids: string; branchNames: string; lastAt: number }>(
    db,
    sql`
    select g.customer_id as "customerId", count(distinct g.branch_id) as "branchCount", ${joinedList(sql`g.id`)} as ids,
      (select ${joinedList(sql`name`, { separator: ", " })} from branches where id in (select distinct g2.branch_id from gestures g2 where g2.customer_id = g.customer_id
        and g2.submitted_at >= ${quarter.from.getTime()} and g2.submitted_at < ${quarter.until.getTime()})) as "branchNames",
      max(g.submitted_at) as "lastAt"
    from gestures g ${indexedBy("gestures_submitted_idx")}
    where g.submitted_at >= ${quarter.from.getTime()} and g.submitted_at < ${quarter.until.getTime()} and ${COUNTED}
    group by g.customer_id having count(distinct g.branch_id) >= 2`,
  );
  const refs = await customerRefs(
    db,
    rows.map((r) => r.customerId),
  );
  return rows.map((r) => {
    const ids = r.ids
      .split(",")
      .map(Number)
      .sort((a, b) => a - b);
    return {
      key: `repeat_customer:customer:${r.customerId}:${quarter.name}`,
      rule: "repeat_customer",
      subject: refs.get(r.customerId) ?? `#${r.customerId}`,
      branch: r.branchNames,
      summary: `${ids.length} gestures in ${quarter.name} recorded against ${r.branchCount} branches (${r.branchNames}).`,
      gestureIds: ids,
      lastAt: r.lastAt,
    };
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export type PeerRow = { branchId: number; proposerId: number; gestures: number; spend: number };

/** Proposers above `multiple` times their branch's median count or spend (branches with enough proposers). */
export function peerOutliers(rows: PeerRow[], multiple: number, minimumProposers: number) {
  const byBranch = new Map<number, PeerRow[]>();
  for (const row of rows) {
    const list = byBranch.get(row.branchId);
    if (list) list.push(row);
    else byBranch.set(row.branchId, [row]);
  }
  const outliers: (PeerRow & { medianGestures: number; medianSpend: number; byCount: boolean; bySpend: boolean })[] = [];
  for (const list of byBranch.values()) {
    if (list.length < minimumProposers) continue;
    const medianGestures = median(list.map((r) => r.gestures));
    const medianSpend = median(list.map((r) => r.spend));
    for (const row of list) {
      const byCount = row.gestures > multiple * medianGestures;
      const bySpend = medianSpend > 0 && row.spend > multiple * medianSpend;
      if (byCount || bySpend) outliers.push({ ...row, medianGestures, medianSpend, byCount, bySpend });
    }
  }
  return outliers;
}

async function peerOutlierFlags(db: DbOrTx, quarter: Quarter, currency: string): Promise<Flag[]> {
  const rows = await queryRows<PeerRow & { ids: string; lastAt: number; branchName: string }>(
    db,
    sql`
    select g.branch_id as "branchId", g.proposer_id as "proposerId", count(*) as gestures,
      sum(coalesce(g.actual_amount, g.approved_amount, g.requested_amount)) as spend, ${joinedList(sql`g.id`)} as ids, max(g.submitted_at) as "lastAt",
      (select name from branches where id = g.branch_id) as "branchName"
    from gestures g ${indexedBy("gestures_submitted_idx")}
    where g.submitted_at >= ${quarter.from.getTime()} and g.submitted_at < ${quarter.until.getTime()} and ${COUNTED}
    group by g.branch_id, g.proposer_id`,
  );
  const outliers = peerOutliers(rows, PATTERN_LIMITS.peerMultiple, PATTERN_LIMITS.peerMinimumProposers);
  const names = await userNames(
    db,
    outliers.map((o) => o.proposerId),
  );
  return outliers.map((o) => {
    const row = rows.find((r) => r.branchId === o.branchId && r.proposerId === o.proposerId)!;
    const parts = [
      o.byCount ? `${o.gestures} gestures against a branch median of ${o.medianGestures}` : null,
      o.bySpend ? `${formatMoney(o.spend, currency)} against a branch median of ${formatMoney(Math.round(o.medianSpend), currency)}` : null,
    ].filter(Boolean);
    return {
      key: `peer_outlier:user:${o.proposerId}:branch:${o.branchId}:${quarter.name}`,
      rule: "peer_outlier",
      subject: names.get(o.proposerId) ?? `#${o.proposerId}`,
      branch: row.branchName,
      summary: `In ${quarter.name}: ${parts.join("; ")}.`,
      gestureIds: row.ids
        .split(",")
        .map(Number)
        .sort((a, b) => a - b),
      lastAt: row.lastAt,
    };
  });
}

export type ApprovalPairRow = { approverId: number; proposerId: number; decisions: number; approvals: number };

/** Pairs where the approver approves this proposer far more readily than everyone else. */
export function unusualApprovalRates(rows: ApprovalPairRow[], minimum: number, gapPercent: number) {
  const totals = new Map<number, { decisions: number; approvals: number }>();
  for (const row of rows) {
    const total = totals.get(row.approverId) ?? { decisions: 0, approvals: 0 };
    total.decisions += row.decisions;
    total.approvals += row.approvals;
    totals.set(row.approverId, total);
  }
  return rows.flatMap((row) => {
    const total = totals.get(row.approverId)!;
    const others = { decisions: total.decisions - row.decisions, approvals: total.approvals - row.approvals };
    if (row.decisions < minimum || others.decisions < minimum) return [];
    const rate = (row.approvals / row.decisions) * 100;
    const otherRate = (others.approvals / others.decisions) * 100;
    return rate - otherRate >= gapPercent ? [{ ...row, rate, otherRate }] : [];
  });
}

async function approverRateFlags(db: DbOrTx, quarter: Quarter): Promise<Flag[]> {
  const rows = await queryRows<ApprovalPairRow & { ids: string; lastAt: number }>(
    db,
    sql`
    select d.approver_id as "approverId", g.proposer_id as "proposerId", count(*) as decisions,
      sum(case when d.decision = 'approve' then 1 else 0 end) as approvals, ${joinedList(sql`g.id`, { distinct: true })} as ids, max(d.at) as "lastAt"
    from gesture_decisions d ${indexedBy("gesture_decisions_at_idx")}
    join gestures g on g.id = d.gesture_id
    where d.at >= ${quarter.from.getTime()} and d.at < ${quarter.until.getTime()} and d.level = 'manager'
    group by d.approver_id, g.proposer_id`,
  );
  const found = unusualApprovalRates(rows, PATTERN_LIMITS.approverMinimumDecisions, PATTERN_LIMITS.approverRateGapPercent);
  const names = await userNames(
    db,
    found.flatMap((f) => [f.approverId, f.proposerId]),
  );
  return found.map((f) => {
    const row = rows.find((r) => r.approverId === f.approverId && r.proposerId === f.proposerId)!;
    return {
      key: `approver_rate:approver:${f.approverId}:proposer:${f.proposerId}:${quarter.name}`,
      rule: "approver_rate",
      subject: `${names.get(f.approverId) ?? `#${f.approverId}`} approving ${names.get(f.proposerId) ?? `#${f.proposerId}`}`,
      branch: null,
      summary: `In ${quarter.name}: approved ${f.approvals} of ${f.decisions} (${Math.round(f.rate)}%) against ${Math.round(f.otherRate)}% for everyone else.`,
      gestureIds: row.ids
        .split(",")
        .map(Number)
        .sort((a, b) => a - b),
      lastAt: row.lastAt,
    };
  });
}

async function userNames(db: DbOrTx, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  return new Map((await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, unique))).map((u) => [u.id, u.name]));
}

/** Customers by their CRM reference: the flag list needs to tell them apart, not to name them. */
async function customerRefs(db: DbOrTx, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  const result = new Map<number, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    for (const row of await queryRows<{ id: number; ref: string }>(
      db,
      sql`select id, crm_ref as ref from customers where id in (${sql.join(
        chunk.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    )) {
      result.set(row.id, `Customer ${row.ref}`);
    }
  }
  return result;
}

/** Every flag of a quarter, by rule (in FLAG_RULES order), newest activity first within a rule. */
export async function computeFlags(db: DbOrTx, quarter: Quarter, currency: string, rules: readonly FlagRule[] = FLAG_RULES): Promise<Flag[]> {
  const flags: Flag[] = [];
  for (const rule of rules) {
    const found =
      rule === "split_proposer"
        ? await splitFlags(db, quarter, "proposer", currency)
        : rule === "split_customer"
        ? await splitFlags(db, quarter, "customer", currency)
        : rule === "repeat_customer"
        ? await repeatCustomerFlags(db, quarter)
        : rule === "peer_outlier"
        ? await peerOutlierFlags(db, quarter, currency)
        : await approverRateFlags(db, quarter);
    flags.push(...found.sort((a, b) => b.lastAt - a.lastAt || a.key.localeCompare(b.key)));
  }
  return flags;
}

export type FlagReview = { flagKey: string; note: string; reviewedAt: Date; reviewerName: string };

export async function reviewsFor(db: DbOrTx, keys: string[]): Promise<Map<string, FlagReview>> {
  const result = new Map<string, FlagReview>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .select({ flagKey: flagReviews.flagKey, note: flagReviews.note, reviewedAt: flagReviews.reviewedAt, reviewerName: users.name })
      .from(flagReviews)
      .innerJoin(users, sql`${users.id} = ${flagReviews.reviewedById}`)
      .where(inArray(flagReviews.flagKey, keys.slice(i, i + 500)));
    for (const row of rows) result.set(row.flagKey, row);
  }
  return result;
}

export const REVIEW_NOTE_MAX = 1000;

/** The review form: exactly these fields, once each (no field is taken from anywhere else). The note's rules are reviewFlag's. */
export const ReviewFlagSchema = z.strictObject({
  flagKey: z.string().max(300).optional(),
  quarter: z.string().max(20).optional(),
  note: z.string().optional(),
});

/** Finance marks a flag reviewed with a note: once per flag, audited. The flag must exist in the quarter. */
export async function reviewFlag(db: DbOrTx, actor: { id: number; role: string }, input: { quarter: Quarter; flagKey: string; note: string; currency: string }, now: Date) {
  if (actor.role !== "finance") throw new DomainError("FORBIDDEN", "Only finance reviews flags.");
  const note = input.note.trim();
  if (!note) throw new DomainError("VALIDATION", "Write what you found, so that others know why the flag was closed.", { field: "note" });
  if (note.length > REVIEW_NOTE_MAX) throw new DomainError("VALIDATION", `Keep the note under ${REVIEW_NOTE_MAX} characters.`, { field: "note" });
  const rule = input.flagKey.split(":")[0] as FlagRule;
  if (!FLAG_RULES.includes(rule)) throw new DomainError("NOT_FOUND", "This flag does not exist (any more).");
  return await writeTransaction(db, async (tx) => {
    const flag = (await computeFlags(tx, input.quarter, input.currency, [rule])).find((f) => f.key === input.flagKey);
    if (!flag) throw new DomainError("NOT_FOUND", "This flag does not exist (any more): the gestures behind it changed.");
    const existing = await firstRow(
      tx
        .select({ id: flagReviews.id })
        .from(flagReviews)
        .where(sql`${flagReviews.flagKey} = ${flag.key}`)
        .limit(1),
    );
    if (existing) throw new DomainError("INVALID_STATE", "Someone has already reviewed this flag.");
    const review = await returnedRow(tx.insert(flagReviews).values({ flagKey: flag.key, rule, reviewedById: actor.id, note, reviewedAt: now }).returning());
    await recordAudit(tx, { actorId: actor.id, action: "flag.reviewed", entity: "flag_review", entityId: review.id, detail: { rule, flagKey: flag.key, gestures: flag.gestureIds.length }, at: now });
    return review;
  });
}
