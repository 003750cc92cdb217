import { pino } from "pino";
import { env } from "./env.server";

// Structured JSON logs. Never log passwords, session tokens or customer notes: the redaction
// below is a second line of defence, not the first.
export const logger = pino({
  level: env.NODE_ENV === "test" ? "silent" : env.LOG_LEVEL,
  base: undefined,
  redact: {
    paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie", "headers.cookie", "note", "*.note"],
    censor: "[redacted]",
  },
});
