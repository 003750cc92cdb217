// CSV exports that open cleanly in a spreadsheet and stream with flat memory.
//
// - Formula injection: a text cell that a spreadsheet would read as a formula (it starts with =, +,
//   -, @, a tab or a carriage return) gets a leading apostrophe, after OWASP's advice; plain
//   numbers such as -40 or 12.50 are left alone because a spreadsheet reads them as numbers.
// - Streaming: rows are fetched page by page with a keyset (`after` the last row's key), never with
//   an open cursor: the app shares one SQLite connection, and a cursor held open across awaits
//   would make every other request fail with "connection is busy". Each page is written with
//   csv-stringify and handed to the response only when the client asks for more.
import { stringify } from "csv-stringify/sync";

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

export type CsvStreamOptions<Row, Key> = {
  columns: CsvColumn<Row>[];
  /** The next page of rows after `after` (null for the first page), in a stable order. */
  fetchPage: (after: Key | null, limit: number) => Row[];
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
        if (!started) {
          started = true;
          const header = stringify([options.columns.map((c) => safeCell(c.header))], { record_delimiter: "\r\n" });
          controller.enqueue(encoder.encode((options.bom ? UTF8_BOM : "") + header));
          return;
        }
        const rows = options.fetchPage(after, pageSize);
        if (rows.length === 0) {
          controller.close();
          return;
        }
        after = options.keyOf(rows[rows.length - 1]!);
        const records = rows.map((row) => options.columns.map((column) => safeCell(column.value(row))));
        controller.enqueue(encoder.encode(stringify(records, { record_delimiter: "\r\n" })));
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
