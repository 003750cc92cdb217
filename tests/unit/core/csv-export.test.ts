// CSV exports: formula-leading text is neutralised, numbers stay numbers, every row comes out once
// in order through keyset pages, and the optional byte-order mark is there only when asked for.
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "csv-stringify/sync";
import { csvHeaderText, csvRowsText, csvStream, safeCell, UTF8_BOM } from "~/domain/core/csv-export.server";

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  // Decoded keeping a byte-order mark, so the test sees exactly what a spreadsheet receives.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

describe("safeCell", () => {
  it("neutralises cells a spreadsheet would run as a formula", () => {
    for (const cell of ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tstart", "\rstart", '=HYPERLINK("http://x")']) {
      expect(safeCell(cell)).toBe(`'${cell}`);
    }
  });

  it("leaves plain text and plain numbers alone", () => {
    expect(safeCell("Flowers")).toBe("Flowers");
    expect(safeCell("-40.00")).toBe("-40.00");
    expect(safeCell("12")).toBe("12");
    expect(safeCell(-4000)).toBe(-4000);
    expect(safeCell(null)).toBe("");
    expect(safeCell(Number.NaN)).toBe("");
  });

  it("never lets a written cell start a formula (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (cell) => {
        const written = String(safeCell(cell));
        const formulaLike = /^[=+\-@\t\r]/.test(written) && !/^-?\d+(\.\d+)?$/.test(written);
        expect(formulaLike).toBe(false);
        // Nothing is lost: the original is the written cell without the guard.
        expect(written === cell || written === `'${cell}`).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe("csvStream", () => {
  const rows = Array.from({ length: 4_321 }, (_, i) => ({ id: i + 1, name: i % 7 === 0 ? `=evil${i}` : `Name, "quoted" ${i}\nline two`, amount: -i }));
  const fetchPage = async (after: number | null, limit: number) => rows.filter((r) => r.id > (after ?? 0)).slice(0, limit);
  const columns = [
    { header: "id", value: (r: (typeof rows)[number]) => r.id },
    { header: "name", value: (r: (typeof rows)[number]) => r.name },
    { header: "amount_minor", value: (r: (typeof rows)[number]) => r.amount },
  ];

  it("writes the header and every row exactly once, in order, through keyset pages", async () => {
    let pages = 0;
    const out = await text(csvStream<(typeof rows)[number], number>({ columns, fetchPage: (a, l) => (pages++, fetchPage(a, l)), keyOf: (r) => r.id, pageSize: 500 }));
    const parsed = parse(out, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(rows.length);
    expect(parsed.map((r) => Number(r.id))).toEqual(rows.map((r) => r.id));
    expect(parsed[7]!.name).toBe("'=evil7");
    expect(parsed[1]!.name).toBe(rows[1]!.name);
    expect(parsed[3]!.amount_minor).toBe("-3");
    expect(pages).toBe(Math.ceil(rows.length / 500));
    expect(out.startsWith(UTF8_BOM)).toBe(false);
    expect(out).toContain("\r\n");
  });

  it("starts with a byte-order mark when asked for one", async () => {
    const out = await text(csvStream({ columns, fetchPage, keyOf: (r) => r.id, bom: true }));
    expect(out.startsWith(`${UTF8_BOM}id,name,amount_minor\r\n`)).toBe(true);
  });

  it("reads a page only when the client asks for more", async () => {
    let pages = 0;
    const stream = csvStream<(typeof rows)[number], number>({ columns, fetchPage: (a, l) => (pages++, fetchPage(a, l)), keyOf: (r) => r.id, pageSize: 100 });
    const reader = stream.getReader();
    await reader.read(); // header
    await reader.read(); // first page
    await new Promise((r) => setTimeout(r, 20));
    expect(pages).toBeLessThanOrEqual(2);
    await reader.cancel();
  });
});

describe("csvRowsText", () => {
  const cellOf = (text: fc.Arbitrary<string>) => fc.oneof(text, fc.constantFrom("a,b", 'say "hi"', "two\nlines", "=1+1", "-40.00", ""), fc.integer(), fc.constant(null));
  const columns = [0, 1, 2].map((i) => ({ header: `c${i}`, value: (r: (string | number | null)[]) => r[i] }));

  it("writes what csv-stringify writes (property)", () => {
    // Except line breaks: csv-stringify 6.9 with a CRLF record delimiter leaves a lone "\n" or "\r"
    // unquoted (a spreadsheet then splits the row); csvRowsText quotes them (next test).
    const noBreaks = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ""));
    const rowsOf = fc.array(
      fc.array(
        cellOf(noBreaks).filter((c) => typeof c !== "string" || !/[\r\n]/.test(c)),
        { minLength: 3, maxLength: 3 },
      ),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(rowsOf, (rows) => {
        expect(csvRowsText(rows, columns)).toBe(
          stringify(
            rows.map((r) => r.map((v) => safeCell(v))),
            { record_delimiter: "\r\n" },
          ),
        );
        expect(csvHeaderText(columns, true)).toBe(UTF8_BOM + stringify([["c0", "c1", "c2"]], { record_delimiter: "\r\n" }));
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads back as the cells it was given, carriage returns and all (property)", () => {
    const rowsOf = fc.array(fc.array(cellOf(fc.string({ maxLength: 20, unit: fc.constantFrom("a", ",", '"', "\r", "\n", " ", "=") })), { minLength: 3, maxLength: 3 }), {
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(rowsOf, (rows) => {
        const parsed = parse(csvRowsText(rows, columns), { relax_column_count: false }) as string[][];
        expect(parsed).toEqual(rows.map((r) => r.map((v) => String(safeCell(v)))));
      }),
      { numRuns: 2_000 },
    );
  });
});
