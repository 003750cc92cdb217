// The downloadable templates: the header line and one example row of each import kind.
import type { ImportKind } from "../../../db/schema";
import { CUSTOMER_COLUMNS, SIGNAL_COLUMNS } from "./import-limits";

export const IMPORT_TEMPLATES: Record<ImportKind, string> = {
  customers: `${CUSTOMER_COLUMNS.join(",")}\r\nCRM-000123,Jane Example,NTH,2012-04-30,retail,03-14,"1 High Street\r\nNorthvale NV1 1AA",no,,\r\nCRM-000124,Sam Example,NTH,2019-09-02,retail,,"1 High Street\r\nNorthvale NV1 1AA",no,,STH\r\n`,
  signals: `${SIGNAL_COLUMNS.join(",")}\r\nEV-000001,CRM-000123,long_wait,2026-01-15,crm,medium,Waited 80 minutes at the counter.\r\n`,
};

export const IMPORT_KIND_LABELS: Record<ImportKind, string> = { customers: "Customers", signals: "Signals" };
