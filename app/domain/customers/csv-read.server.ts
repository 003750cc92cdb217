// Reads an uploaded CSV as a stream: decodes it (UTF-8 with or without a byte-order mark, UTF-16
// with one, and Windows-1252 when the bytes are not UTF-8), parses it with csv-parse (quoted
// newlines, CRLF), and stops with a clear message at the size or row limit.
import { createHash } from "node:crypto";
import { pipeline, Readable } from "node:stream";
import { parse } from "csv-parse";
import { DomainError } from "../core/errors";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "./import-limits";

export type CsvRecord = { row: number; line: number; values: Record<string, string> };
export type CsvFile = { header: string[]; records: CsvRecord[]; encoding: string; sha256: string; bytes: number };

/** Header names as people write them ("CRM Ref", "crm-ref") become crm_ref. */
export function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

async function* decode(source: AsyncIterable<Uint8Array>, state: { encoding: string; bytes: number; hash: ReturnType<typeof createHash> }, maxBytes: number) {
  let decoder: TextDecoder | null = null;
  let pending = new Uint8Array(0);
  for await (const chunk of source) {
    state.bytes += chunk.byteLength;
    if (state.bytes > maxBytes) {
      const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${maxBytes} bytes`;
      throw new DomainError("VALIDATION", `The file is larger than ${limit}. Split it into smaller files and import them one after the other.`, { field: "file" });
    }
    state.hash.update(chunk);
    let bytes: Uint8Array = chunk;
    if (!decoder) {
      // Wait for enough bytes to recognise a byte-order mark.
      const joined = new Uint8Array(pending.length + bytes.length);
      joined.set(pending);
      joined.set(bytes, pending.length);
      if (joined.length < 3) {
        pending = joined;
        continue;
      }
      bytes = joined;
      if (bytes[0] === 0xff && bytes[1] === 0xfe) state.encoding = "utf-16le";
      else if (bytes[0] === 0xfe && bytes[1] === 0xff) state.encoding = "utf-16be";
      else state.encoding = "utf-8";
      // ignoreBOM false: the decoder drops the mark itself.
      decoder = new TextDecoder(state.encoding, { fatal: state.encoding === "utf-8" });
    }
    yield decodeChunk(bytes, true);
  }
  if (!decoder && pending.length) {
    decoder = new TextDecoder("utf-8", { fatal: true });
    state.encoding = "utf-8";
    yield decodeChunk(pending, true);
  }
  if (decoder) yield decodeChunk(new Uint8Array(0), false);

  function decodeChunk(bytes: Uint8Array, stream: boolean): string {
    try {
      return decoder!.decode(bytes, { stream });
    } catch {
      // Not UTF-8: a spreadsheet saved as "CSV" on Windows. Read the rest as Windows-1252 (the
      // bytes before were valid UTF-8, so plain ASCII in practice).
      state.encoding = "windows-1252";
      decoder = new TextDecoder("windows-1252");
      return decoder.decode(bytes, { stream });
    }
  }
}

/** Parses a CSV stream into records keyed by normalised header names. */
export async function readCsv(source: AsyncIterable<Uint8Array>, options: { maxBytes?: number; maxRows?: number } = {}): Promise<CsvFile> {
  const maxBytes = options.maxBytes ?? IMPORT_MAX_BYTES;
  const maxRows = options.maxRows ?? IMPORT_MAX_ROWS;
  const state = { encoding: "utf-8", bytes: 0, hash: createHash("sha256") };
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: 64 * 1024 });
  // pipeline (unlike pipe) hands an error of the source (size limit, encoding) to the parser.
  pipeline(Readable.from(decode(source, state, maxBytes)), parser, () => undefined);
  let header: string[] | null = null;
  const records: CsvRecord[] = [];
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = item.record.map(normaliseHeader);
        continue;
      }
      if (item.record.every((cell) => cell.trim() === "")) continue;
      if (records.length >= maxRows) {
        throw new DomainError("VALIDATION", `The file has more than ${maxRows.toLocaleString("en-US")} rows. Split it into smaller files and import them one after the other.`, {
          field: "file",
        });
      }
      const values: Record<string, string> = {};
      header.forEach((name, index) => {
        values[name] = item.record[index] ?? "";
      });
      if (item.record.length > header.length && item.record.slice(header.length).some((cell) => cell.trim() !== "")) {
        values.__extra = String(item.record.length - header.length);
      }
      records.push({ row: records.length + 1, line: item.info.lines, values });
    }
  } catch (error) {
    parser.destroy();
    if (error instanceof DomainError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DomainError("VALIDATION", `The file is not a readable CSV (${message.slice(0, 160)}). Save it from your spreadsheet as “CSV UTF-8” and try again.`, { field: "file" });
  }
  if (!header || header.every((h) => h === "")) {
    throw new DomainError("VALIDATION", "The file is empty. Download the template to see which columns it needs.", { field: "file" });
  }
  return { header, records, encoding: state.encoding, sha256: state.hash.digest("hex"), bytes: state.bytes };
}
