// Receipt limits, shared by the server (receipts.server.ts) and the fulfilment form.
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;
