// Reads the CSV finance uploads to open a period: one row per branch, "branch code, amount". A
// header row is optional. Every row is checked; the caller shows the errors by line and nothing
// is opened until finance confirms the amounts on the page.
import { parse } from "csv-parse/sync";
import { CSV_MAX_ROWS } from "./budget-schemas";
import { parseMoney, type Money } from "../core/money";

export type CsvBranch = { id: number; code: string };
export type AllocationCsv = { amounts: Map<number, Money>; errors: string[]; rows: number };

const MAX_ERRORS = 50;

export function parseAllocationCsv(text: string, branches: readonly CsvBranch[]): AllocationCsv {
  const byCode = new Map(branches.map((branch) => [branch.code.toUpperCase(), branch]));
  const amounts = new Map<number, Money>();
  const errors: string[] = [];
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, max_record_size: 1_000 });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { amounts, errors: [`The file is not a readable CSV${line ? ` (line ${line})` : ""}. Save it as CSV with a branch code and an amount on each line.`], rows: 0 };
  }
  if (records.length === 0) return { amounts, errors: ["The file is empty. Put a branch code and an amount on each line."], rows: 0 };
  const first = records[0]!;
  const hasHeader = !byCode.has((first[0] ?? "").toUpperCase()) && /code|branch/i.test(first[0] ?? "");
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length > CSV_MAX_ROWS) return { amounts, errors: [`The file has ${rows.length} rows; at most ${CSV_MAX_ROWS} are read at once.`], rows: rows.length };

  const firstLine = new Map<number, number>();
  rows.forEach((cells, index) => {
    if (errors.length >= MAX_ERRORS) return;
    const line = index + (hasHeader ? 2 : 1);
    if (cells.length !== 2) {
      const hint = cells.length > 2 ? ' Put an amount with a thousands comma in double quotes: NTH,"1,234.56".' : "";
      errors.push(`Line ${line}: expected a branch code and an amount, found ${cells.length} ${cells.length === 1 ? "value" : "values"}.${hint}`);
      return;
    }
    const [code = "", amountText = ""] = cells;
    const branch = byCode.get(code.toUpperCase());
    if (!branch) {
      errors.push(`Line ${line}: no active branch has the code “${code.slice(0, 20)}”.`);
      return;
    }
    const seen = firstLine.get(branch.id);
    if (seen !== undefined) {
      errors.push(`Line ${line}: ${branch.code} appears again (first on line ${seen}).`);
      return;
    }
    firstLine.set(branch.id, line);
    const amount = parseMoney(amountText);
    if (!amount.ok) {
      errors.push(`Line ${line} (${branch.code}): ${amount.message}`);
      return;
    }
    amounts.set(branch.id, amount.value);
  });
  return { amounts, errors, rows: rows.length };
}
