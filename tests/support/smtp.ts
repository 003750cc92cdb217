// A real SMTP server on a random loopback port (smtp-server, by nodemailer's author) that keeps
// what it receives, and a small reader of the messages nodemailer writes: headers, and the plain
// text and HTML parts of a multipart/alternative body, decoded (quoted-printable or base64).
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string };

export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    logger: false,
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((done) => server.close(() => done())) };
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf("\r\n\r\n");
  const head = (at < 0 ? raw : raw.slice(0, at)).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: at < 0 ? "" : raw.slice(at + 4) };
}

function decode(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding?.toLowerCase() === "quoted-printable") {
    const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, "%25")).replace(/\r\n/g, "\n");
  }
  return body.replace(/\r\n/g, "\n");
}

/** The subject, recipients and decoded text and HTML parts of a message. */
export function readMail(raw: string): { subject: string; to: string; text: string; html: string | null; contentType: string } {
  const { headers, body } = splitHeaders(raw);
  const contentType = headers.get("content-type") ?? "text/plain";
  const parts: { type: string; content: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith("--")) break;
      const part = splitHeaders(chunk.replace(/^\r\n/, ""));
      parts.push({ type: part.headers.get("content-type") ?? "text/plain", content: decode(part.body.replace(/\r\n$/, ""), part.headers.get("content-transfer-encoding")) });
    }
  } else {
    parts.push({ type: contentType, content: decode(body, headers.get("content-transfer-encoding")) });
  }
  return {
    subject: headers.get("subject") ?? "",
    to: headers.get("to") ?? "",
    contentType,
    text: (parts.find((p) => p.type.startsWith("text/plain"))?.content ?? "").trim(),
    html: parts.find((p) => p.type.startsWith("text/html"))?.content ?? null,
  };
}
