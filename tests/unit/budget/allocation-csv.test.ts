import { describe, expect, it } from "vitest";
import { parseAllocationCsv } from "~/domain/budget/allocation-csv.server";

const BRANCHES = [
  { id: 1, code: "NTH" },
  { id: 2, code: "STH" },
  { id: 3, code: "CTY" },
];

describe("allocation CSV (branch code, amount)", () => {
  it("reads codes and amounts, with or without a header, a BOM, quotes and Windows line ends", () => {
    const csv = parseAllocationCsv('\uFEFFBranch code,Amount\r\nNTH,1200\r\nsth,"1,234.50"\r\n\r\nCTY,0\r\n', BRANCHES);
    expect(csv.errors).toEqual([]);
    expect(csv.rows).toBe(3);
    expect([...csv.amounts]).toEqual([
      [1, 120_000],
      [2, 123_450],
      [3, 0],
    ]);
    expect([...parseAllocationCsv("NTH,5\nSTH,6", BRANCHES).amounts]).toEqual([
      [1, 500],
      [2, 600],
    ]);
  });

  it("names every bad line: unknown code, repeated code, bad amount, wrong number of values", () => {
    const csv = parseAllocationCsv("NTH,12.345\nXYZ,5\nSTH,-4\nSTH,7\nCTY,1,234.50\nCTY\n", BRANCHES);
    expect(csv.errors).toEqual([
      "Line 1 (NTH): Use at most two decimals (cents).",
      "Line 2: no active branch has the code “XYZ”.",
      "Line 3 (STH): The amount cannot be negative.",
      "Line 4: STH appears again (first on line 3).",
      'Line 5: expected a branch code and an amount, found 3 values. Put an amount with a thousands comma in double quotes: NTH,"1,234.56".',
      "Line 6: expected a branch code and an amount, found 1 value.",
    ]);
  });

  it("refuses an empty or unreadable file", () => {
    expect(parseAllocationCsv("", BRANCHES).errors).toEqual(["The file is empty. Put a branch code and an amount on each line."]);
    expect(parseAllocationCsv('NTH,"12\n', BRANCHES).errors[0]).toMatch(/^The file is not a readable CSV/);
  });
});
