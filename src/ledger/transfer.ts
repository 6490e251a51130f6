/**
 * Packs, imports and exports, one file per job under src/ledger/transfer/:
 *
 *   schema.ts     the pack and ledger-export JSON shapes, and parsing an uploaded file
 *   packs.ts      the packs shipped with Hindsight (src/packs/*.json)
 *   import.ts     importLedger: a pack or an export into a server (twice adds once)
 *   export.ts     exportLedger: a server's ledger as an export
 *   signature.ts  the server's secret export key and the signature of an export's member data
 *   csv.ts        an export as CSV, for spreadsheets
 */
export { MAX_ROUND, parseImportFile, type LedgerExport, type Pack } from './transfer/schema.js';
export { bundledPacks, findPack } from './transfer/packs.js';
export { IMPORT_CHUNK_ROWS, importLedger, type ImportResult } from './transfer/import.js';
export { exportLedger, type ExportOptions } from './transfer/export.js';
export { csvCell, exportCsv } from './transfer/csv.js';
