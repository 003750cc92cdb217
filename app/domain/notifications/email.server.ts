// Sends the e-mail outbox (`npm run jobs`). With SMTP_URL set, each message goes out through
// nodemailer, as plain text and HTML; without it, each is written to the log and marked 'logged', so
// a machine without a mail server still shows what would have been sent. Every link is made absolute
// from the app's public origin as the message is sent; a composer given by the caller may write the
// message afresh at that moment (the approval e-mail, with its decision link, is written so). Nothing here throws out of the loop: a
// message that fails is retried on later runs with a growing delay, and given up as 'failed'
// after MAX_EMAIL_ATTEMPTS (or at once when the server refuses it for good, a 5xx reply).
import { and, asc, eq, sql } from "drizzle-orm";
import { createTransport } from "nodemailer";
import type { Logger } from "pino";
import { emailOutbox, notifications, type NotificationKind } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { least } from "~/utils/dialect.server";
import { EMAIL_LINK_PREFIX } from "./notifications.server";

export type OutgoingEmail = { to: string; subject: string; text: string; html?: string };

/** A message of the outbox as the sender reads it, with the notification it tells of. */
export type OutboxMessage = {
  id: number;
  toAddress: string;
  subject: string;
  body: string;
  userId: number | null;
  kind: NotificationKind | null;
  gestureId: number | null;
};

/** Writes a message afresh as it is sent (null: the stored message, its links made absolute, will do). */
export type EmailComposer = (db: Db, message: OutboxMessage, context: { origin: string; now: Date }) => Promise<{ subject: string; text: string; html: string } | null>;

export type EmailTransport = { kind: "smtp"; send: (email: OutgoingEmail) => Promise<void>; close: () => void } | { kind: "log"; send: (email: OutgoingEmail) => Promise<void>; close: () => void };

export const DEFAULT_EMAIL_FROM = "Empathy Fund <no-reply@empathy-fund.localhost>";
export const MAX_EMAIL_ATTEMPTS = 5;
/** Retry n waits EMAIL_BACKOFF_MS × 2^(n−1) after the previous one (5, 10, 20, 40 minutes). */
export const EMAIL_BACKOFF_MS = 5 * 60 * 1000;
const ERROR_MAX = 500;

/** SMTP through nodemailer when `smtpUrl` is set (smtp:// or smtps://, credentials in the URL), else the log. */
export function createEmailTransport(options: { smtpUrl?: string; from?: string; logger: Pick<Logger, "info"> }): EmailTransport {
  const from = options.from ?? DEFAULT_EMAIL_FROM;
  if (!options.smtpUrl) {
    return {
      kind: "log",
      send: async (email) => {
        options.logger.info({ email: { from, to: email.to, subject: email.subject, body: email.text } }, "e-mail written to the log (SMTP_URL is not set)");
      },
      close: () => {},
    };
  }
  // Timeouts keep one unresponsive server from holding the job for minutes.
  const transporter = createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    kind: "smtp",
    send: async (email) => {
      await transporter.sendMail({ from, to: email.to, subject: email.subject, text: email.text, ...(email.html ? { html: email.html } : {}) });
    },
    close: () => transporter.close(),
  };
}

/** Makes the gesture link of a body absolute when the app's public origin is known. */
export function withAbsoluteLinks(body: string, appOrigin: string | undefined): string {
  if (!appOrigin) return body;
  const origin = appOrigin.replace(/\/+$/, "");
  return body
    .split("\n")
    .map((line) => (line.startsWith(`${EMAIL_LINK_PREFIX}/`) ? `${EMAIL_LINK_PREFIX}${origin}${line.slice(EMAIL_LINK_PREFIX.length)}` : line))
    .join("\n");
}

/** Text made safe to place in HTML, as element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]!));
}

/** The HTML part of a plain message: its paragraphs escaped, its link line a link. */
export function plainToHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => {
    if (paragraph.startsWith(EMAIL_LINK_PREFIX) && /^https?:\/\//.test(paragraph.slice(EMAIL_LINK_PREFIX.length))) {
      const url = paragraph.slice(EMAIL_LINK_PREFIX.length).trim();
      return `<p><a href="${escapeHtml(url)}">Open it in Empathy Fund</a></p>`;
    }
    return `<p>${paragraph.split("\n").map(escapeHtml).join("<br>")}</p>`;
  });
  return htmlDocument(paragraphs.join("\n"));
}

/** The frame of every HTML part: no scripts, no remote images, no styles beyond a few inline ones. */
export function htmlDocument(content: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Empathy Fund</title></head>\n<body>\n${content}\n</body></html>\n`;
}

/** The message as it goes out: written afresh by the composer, or the stored one with absolute links. */
async function composeEmail(db: Db, message: OutboxMessage, now: Date, options: { appOrigin?: string; compose?: EmailComposer }) {
  const origin = options.appOrigin?.replace(/\/+$/, "");
  const composed = origin && options.compose ? await options.compose(db, message, { origin, now }) : null;
  if (composed) return composed;
  const text = withAbsoluteLinks(message.body, origin);
  return { subject: message.subject, text, html: plainToHtml(text) };
}

function describe(error: unknown): { message: string; permanent: boolean } {
  const err = error as { message?: unknown; responseCode?: unknown };
  const message = (typeof err?.message === "string" ? err.message : String(error)).slice(0, ERROR_MAX);
  const code = typeof err?.responseCode === "number" ? err.responseCode : 0;
  return { message, permanent: code >= 500 && code < 600 };
}

export type SendSummary = { sent: number; logged: number; failed: number; retrying: number };

/**
 * Sends up to `batch` pending messages whose retry delay has passed, oldest first. Each message is
 * claimed (its attempt counted) before it is sent, so two runs at once never send it twice.
 */
export async function sendPendingEmails(
  db: Db,
  transport: EmailTransport,
  now: Date,
  options: { batch?: number; maxAttempts?: number; appOrigin?: string; compose?: EmailComposer; logger?: Pick<Logger, "warn"> } = {},
): Promise<SendSummary> {
  const batch = options.batch ?? 200;
  const maxAttempts = options.maxAttempts ?? MAX_EMAIL_ATTEMPTS;
  const summary: SendSummary = { sent: 0, logged: 0, failed: 0, retrying: 0 };
  const due = await db
    .select({
      id: emailOutbox.id,
      toAddress: emailOutbox.toAddress,
      subject: emailOutbox.subject,
      body: emailOutbox.body,
      attempts: emailOutbox.attempts,
      userId: notifications.userId,
      kind: notifications.kind,
      gestureId: notifications.gestureId,
    })
    .from(emailOutbox)
    .leftJoin(notifications, eq(notifications.id, emailOutbox.notificationId))
    .where(
      and(
        eq(emailOutbox.status, "pending"),
        // created + backoff × (2^attempts − 1): the sum of the delays before this attempt.
        sql`${emailOutbox.createdAt} + ${EMAIL_BACKOFF_MS} * ((1 << ${least(emailOutbox.attempts, 20)}) - 1) <= ${now.getTime()}`,
      ),
    )
    .orderBy(asc(emailOutbox.id))
    .limit(batch);
  for (const message of due) {
    try {
      const claimed = await db
        .update(emailOutbox)
        .set({ attempts: message.attempts + 1 })
        .where(and(eq(emailOutbox.id, message.id), eq(emailOutbox.status, "pending"), eq(emailOutbox.attempts, message.attempts)));
      if (claimed.changes === 0) continue;
      const attempts = message.attempts + 1;
      try {
        await transport.send({ to: message.toAddress, ...(await composeEmail(db, message, now, options)) });
        const status = transport.kind === "smtp" ? "sent" : "logged";
        await db.update(emailOutbox).set({ status, sentAt: now, lastError: null }).where(eq(emailOutbox.id, message.id));
        summary[status] += 1;
      } catch (error) {
        const { message: lastError, permanent } = describe(error);
        const giveUp = permanent || attempts >= maxAttempts;
        await db
          .update(emailOutbox)
          .set({ status: giveUp ? "failed" : "pending", lastError })
          .where(eq(emailOutbox.id, message.id));
        summary[giveUp ? "failed" : "retrying"] += 1;
      }
    } catch (error) {
      // The database itself refused (busy, disk full): leave the message for the next run.
      options.logger?.warn({ err: describe(error).message, emailId: message.id }, "could not update the e-mail outbox");
    }
  }
  return summary;
}
