// The HTTP layer every request passes through before Remix: request id and structured log line,
// security headers with a per-request CSP nonce, the cross-site check for every non-GET request,
// a body-size ceiling, and static files. Kept out of the Remix build; bundled into build/server.js.
import { randomBytes, randomUUID } from "node:crypto";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { IMPORT_MAX_BYTES } from "../domain/customers/import-limits";
import { RECEIPT_MAX_BYTES } from "../domain/gestures/receipts.server";
import { runWithRequestMemo } from "../utils/request-memo.server";

export type AppLoadContext = { requestId: string; nonce: string; ipAddress: string; routeId?: string; drained?: () => Promise<void> };

declare module "@remix-run/node" {
  interface AppLoadContext {
    requestId: string;
    nonce: string;
    /** The client's address (from X-Forwarded-For only when TRUST_PROXY says so). */
    ipAddress: string;
    routeId?: string;
    /**
     * Resolves once the response's socket buffer has room again (under 1 MiB waiting). Remix's adapter writes a streamed
     * body without waiting for "drain", so a large stream (a CSV export) awaits this before each page.
     */
    drained?: () => Promise<void>;
  }
}

/** Bytes of a streamed response that may wait unsent before the stream pauses (see `drained`). */
const STREAM_BUFFER_LIMIT = 1024 * 1024;

export type HttpOptions = {
  build: ServerBuild;
  logger: Logger;
  production: boolean;
  /** Exact public origin, when a proxy in front rewrites the Host header. */
  appOrigin?: string;
  /** Express's "trust proxy" setting, e.g. "loopback" or a hop count, when behind a proxy. */
  trustProxy?: string;
  publicDir?: string;
};

/** Largest request body accepted before Remix reads it. Upload routes get their own limit below. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The CRM upload (a 20 MB file plus the multipart envelope); the route streams and re-checks it. */
export const UPLOAD_BODY_LIMITS: Record<string, number> = { "/imports": IMPORT_MAX_BYTES + 64 * 1024 };
/** The fulfilment form on a gesture page carries a receipt (10 MB plus the form around it); storeReceipt re-checks it. */
const RECEIPT_UPLOAD_PATH = /^\/gestures\/\d{1,12}$/;
const RECEIPT_UPLOAD_LIMIT = RECEIPT_MAX_BYTES + 64 * 1024;

/** The body limit of a file upload (multipart) to a path: an upload route's own; anything else has MAX_BODY_BYTES. */
export function uploadLimitOf(path: string, contentType: string | undefined): number | undefined {
  // Only a multipart body carries a file; a plain form to an upload route is as small as any other.
  if (!contentType?.toLowerCase().startsWith("multipart/form-data")) return undefined;
  return UPLOAD_BODY_LIMITS[path] ?? (RECEIPT_UPLOAD_PATH.test(path) ? RECEIPT_UPLOAD_LIMIT : undefined);
}
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function createHttpApp(options: HttpOptions) {
  const { build, logger, production } = options;
  const publicDir = options.publicDir ?? "public";
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  if (options.trustProxy) app.set("trust proxy", /^\d+$/.test(options.trustProxy) ? Number(options.trustProxy) : options.trustProxy);

  app.use(function requestLog(req: Request, res: Response, next: NextFunction) {
    const started = process.hrtime.bigint();
    const context: AppLoadContext = {
      requestId: randomUUID(),
      nonce: randomBytes(16).toString("base64"),
      ipAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      // Up to STREAM_BUFFER_LIMIT may wait in the socket's buffer, so that the next page is read
      // while this one is sent; beyond it, the stream waits for "drain".
      drained: () =>
        res.writableLength < STREAM_BUFFER_LIMIT || res.destroyed
          ? Promise.resolve()
          : new Promise<void>((done) => {
              const finish = () => {
                res.off("drain", finish);
                res.off("close", finish);
                done();
              };
              res.on("drain", finish);
              res.on("close", finish);
            }),
    };
    res.locals.context = context;
    res.setHeader("X-Request-Id", context.requestId);
    res.on("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.statusCode;
      // The path only: query strings may carry search terms about customers.
      logger[status >= 500 ? "error" : "info"]({
        requestId: context.requestId,
        method: req.method,
        path: req.path,
        route: context.routeId ?? routeFromDataRequest(req),
        status,
        durationMs: Math.round(durationMs * 10) / 10,
      });
    });
    next();
  });

  app.use(function securityHeaders(_req: Request, res: Response, next: NextFunction) {
    const { nonce } = res.locals.context as AppLoadContext;
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
      ].join("; "),
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (production) res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    next();
  });

  app.use(function rejectCrossSite(req: Request, res: Response, next: NextFunction) {
    if (SAFE_METHODS.has(req.method)) return next();
    // The refusals below are answered before the no-store middleware further down.
    res.setHeader("Cache-Control", "no-store");
    if (isCrossSite(req, options.appOrigin)) {
      res.status(403).type("text/plain").send("Forbidden: this request came from another site.");
      return;
    }
    // A chunked body has no length to check up front. Browsers always send Content-Length with a
    // form; only upload routes, which count the bytes as they stream, accept a body without one.
    if (req.headers["transfer-encoding"] !== undefined && uploadLimitOf(req.path, req.headers["content-type"]) === undefined) {
      res.status(411).type("text/plain").send("Send the request with a Content-Length header.");
      return;
    }
    const length = Number(req.headers["content-length"] ?? 0);
    const uploadLimit = uploadLimitOf(req.path, req.headers["content-type"]);
    if (length > (uploadLimit ?? MAX_BODY_BYTES)) {
      res
        .status(413)
        .type("text/plain")
        .send(
          uploadLimit !== undefined && RECEIPT_UPLOAD_PATH.test(req.path)
            ? `The receipt is larger than ${RECEIPT_MAX_BYTES / 1024 / 1024} MB. Go back, and scan or photograph it at a lower resolution, or save it as a smaller PDF. Nothing was recorded.`
            : "The request is too large.",
        );
      return;
    }
    next();
  });

  app.use(function refuseNulInAddress(req: Request, res: Response, next: NextFunction) {
    // No one types a NUL; PostgreSQL cannot store or compare one. Refused here, on both engines
    // alike, before a search or filter reaches a query (form values: Connections.query).
    if (!/%00/.test(req.originalUrl)) return next();
    res.setHeader("Cache-Control", "no-store");
    res.status(400).type("text/plain").send("The address contains a NUL character, which no field accepts. Remove it and try again.");
  });

  app.use("/build", express.static(`${publicDir}/build`, { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(publicDir, { maxAge: "1h", index: false }));

  app.use(function noStore(_req: Request, res: Response, next: NextFunction) {
    // Pages show who is signed in and what they may see: never keep them in a shared or back-button cache.
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  const remix = createRequestHandler({
    build,
    mode: production ? "production" : "development",
    getLoadContext: (_req, res) => res.locals.context as AppLoadContext,
  });
  // Each request's loaders share one memo (the session is looked up once, not by every loader).
  app.all("*", (req, res, next) => runWithRequestMemo(() => remix(req, res, next)));
  return app;
}

/**
 * A state-changing request is cross-site when the browser says so (Sec-Fetch-Site) or when its
 * Origin names another site. Requests without either header come from non-browser clients, which
 * hold no ambient cookies to abuse.
 */
export function isCrossSite(req: Pick<Request, "headers">, appOrigin?: string): boolean {
  if (req.headers["sec-fetch-site"] === "cross-site") return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (appOrigin) return origin !== appOrigin;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return true; // "null" (sandboxed frames, some redirects) or garbage
  }
  return originHost !== req.headers.host;
}

function routeFromDataRequest(req: Request): string | undefined {
  const data = req.query._data;
  return typeof data === "string" ? data.slice(0, 100) : undefined;
}
