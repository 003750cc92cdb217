// The approval e-mail and its reminder, written as they are sent (`npm run jobs` passes this
// composer to the outbox sender): the evidence an approver needs (decision-links.server.ts's
// approvalEvidence) and a single-use link to the proposal's decision page, created at that moment
// for the recipient and the proposal's current version, so the outbox never holds a live token.
// A proposal that no longer waits for the recipient gets the stored message, without a link to decide.
import { eq } from "drizzle-orm";
import { gestures, users, type Role } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { escapeHtml, htmlDocument, type EmailComposer } from "../notifications/email.server";
import { approvalEvidence, issueDecisionLink, rightToDecide } from "./decision-links.server";
import { organisationFacts } from "./gesture-record.server";
import { writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

const APPROVAL_KINDS = new Set(["approval_needed", "approval_reminder"]);
const WAITING = new Set(["submitted", "awaiting_finance"]);

function timeWords(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone, timeZoneName: "short" }).format(at);
}

/** The composer of approval e-mails; `secret` keys the stored hash of each link's token. */
export function approvalEmailComposer(secret: string): EmailComposer {
  return async (db: Db, message, { origin, now }) => {
    if (!message.kind || !APPROVAL_KINDS.has(message.kind) || message.gestureId === null || message.userId === null) return null;
    const gesture = await firstRow(db.select().from(gestures).where(eq(gestures.id, message.gestureId)).limit(1));
    const user = await firstRow(db.select({ id: users.id, role: users.role, branchId: users.branchId, active: users.active }).from(users).where(eq(users.id, message.userId)).limit(1));
    if (!gesture || !user || !user.active) return null;
    const actor = { id: user.id, role: user.role as Role, branchId: user.branchId };
    const { timeZone, today } = await organisationFacts(db, now);
    // Only a proposal its recipient may decide now gets a link; otherwise the stored message goes.
    const right = await rightToDecide(db, actor, gesture, today);
    if (!right.allowed || !WAITING.has(gesture.status)) return null;
    return await writeTransaction(db, async (tx) => {
      const link = await issueDecisionLink(tx, { gestureId: gesture.id, approverId: user.id, version: gesture.version, secret, now });
      const evidence = await approvalEvidence(tx, gesture, now);
      const decideUrl = `${origin}${link.path}`;
      const gestureUrl = `${origin}/gestures/${gesture.id}`;
      const queueUrl = `${origin}/approvals`;
      const intro = message.body.split("\n\n")[0]!.trim();
      const heading = `Proposal #${gesture.id}: ${evidence.typeName} for ${evidence.occasion.toLowerCase()}`;
      const action = right.goesToFinance ? "approve (it then goes to finance), return or reject it" : "approve, return or reject it";
      const validity = `The link is for you alone, works once and until ${timeWords(link.expiresAt, timeZone)}. It opens the proposal: nothing is decided until you choose there.`;
      const text = [
        intro,
        heading,
        evidence.lines.map((line) => `${line.label}: ${line.value}`).join("\n"),
        `Decide on it (${action}):\n${decideUrl}`,
        validity,
        `The whole proposal: ${gestureUrl}\nYour approvals queue: ${queueUrl}`,
      ].join("\n\n");
      const html = htmlDocument(
        [
          `<p>${escapeHtml(intro)}</p>`,
          `<h1 style="font-size:1.25em">${escapeHtml(heading)}</h1>`,
          `<table role="presentation" cellpadding="4">${evidence.lines
            .map((line) => `<tr><th align="left" valign="top">${escapeHtml(line.label)}</th><td>${escapeHtml(line.value)}</td></tr>`)
            .join("")}</table>`,
          `<p><a href="${escapeHtml(decideUrl)}" style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px">Decide on proposal #${
            gesture.id
          }</a></p>`,
          `<p>${escapeHtml(`You can ${action} on the page the button opens.`)} ${escapeHtml(validity)}</p>`,
          `<p><a href="${escapeHtml(gestureUrl)}">The whole proposal</a> · <a href="${escapeHtml(queueUrl)}">Your approvals queue</a></p>`,
        ].join("\n"),
      );
      return { subject: message.subject, text, html };
    });
  };
}
