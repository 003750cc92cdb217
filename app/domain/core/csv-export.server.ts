// CSV exports that open cleanly in a spreadsheet and stream with flat memory.
//
// - Formula injection: a text cell that a spreadsheet would read as a formula (it starts with =, +,
//   -, @, a tab or a carriage return) gets a leading apostrophe, after OWASP's advice; plain
//   numbers such as -40 or 12.50 are left alone because a spreadsheet reads them as numbers.
// - Streaming: rows are fetched page by page with a keyset (`after` the last row's key), never with
//   an open cursor: the app shares one SQLite connection, and a cursor held open across awaits
//   would make every other request fail with "connection is busy". Each page is written as CSV
//   text and handed to the response only when the client asks for more. In production the pages
//   are read and written in an export worker thread (app/utils/export-worker.server.ts), so that a
//   long export never holds up the pages other people are waiting for.

export type CsvColumn<Row> = { header: string; value: (row: Row) => string | number | null | undefined };

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** The value as it should be written: formula-leading text neutralised, numbers kept as numbers. */
export function safeCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  if (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

export const UTF8_BOM = "\uFEFF";

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One cell as RFC 4180 text: quoted only when it holds a comma, a quote or a line break (as csv-stringify writes it). */
function csvField(value: string | number): string {
  if (typeof value === "number") return String(value);
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE, '""')}"` : value;
}

/** The header line (after an optional byte-order mark), CRLF-terminated. */
export function csvHeaderText<Row>(columns: CsvColumn<Row>[], bom = false): string {
  return (bom ? UTF8_BOM : "") + columns.map((c) => csvField(safeCell(c.header))).join(",") + "\r\n";
}

/**
 * Rows as CSV lines, each CRLF-terminated, every cell through safeCell. Written by hand rather than
 * with csv-stringify: the same output (a property test compares them) at several times the speed,
 * which is what a million-row export spends its time on.
 */
export function csvRowsText<Row>(rows: Row[], columns: CsvColumn<Row>[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) line += ",";
      line += csvField(safeCell(columns[i]!.value(row)));
    }
    out += line + "\r\n";
  }
  return out;
}

export type CsvStreamOptions<Row, Key> = {
  columns: CsvColumn<Row>[];
  /** The next page of rows after `after` (null for the first page), in a stable order. */
  fetchPage: (after: Key | null, limit: number) => Promise<Row[]>;
  keyOf: (row: Row) => Key;
  /** Start with a byte-order mark so that spreadsheet programs read the file as UTF-8. */
  bom?: boolean;
  pageSize?: number;
  /** Resolves when the client has taken what was sent (the server's drain), so memory stays flat. */
  drained?: () => Promise<void>;
};

/** A pull-based stream of CSV bytes: header first, then every row, one page at a time. */
export function csvStream<Row, Key>(options: CsvStreamOptions<Row, Key>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pageSize = options.pageSize ?? 2_000;
  let after: Key | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (options.drained) await options.drained();
        // Let the event loop answer waiting requests between pages: a resolved promise alone would
        // run the next page at once, and the whole export would hold the loop until its end.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(csvHeaderText(options.columns, options.bom)));
          return;
        }
        const rows = await options.fetchPage(after, pageSize);
        if (rows.length === 0) {
          controller.close();
          return;
        }
        after = options.keyOf(rows[rows.length - 1]!);
        controller.enqueue(encoder.encode(csvRowsText(rows, options.columns)));
        if (rows.length < pageSize) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Headers for a CSV download with a safe file name. */
export function csvHeaders(fileName: string): HeadersInit {
  const safeName = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${safeName}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
