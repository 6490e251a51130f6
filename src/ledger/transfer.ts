/**
 * Packs, imports and exports, one file per job under src/ledger/transfer/:
 *
 *   schema.ts     the pack and ledger-export JSON shapes, and parsing an uploaded file
 *   packs.ts      the packs shipped with Hindsight (src/packs/*.json)
 *   prepare.ts    an import parsed and checked, no database (the bot runs it on its worker pool)
 *   import.ts     importLedger: a prepared import written in batches (twice adds once)
 *   export.ts     exportLedger / exportFiles: a server's ledger as exports (files that each import)
 *   signature.ts  the signature of an export's member data; keys.ts the server's secret key
 *   csv.ts        an export as CSV, for spreadsheets
 */
export { MAX_ROUND, parseImportFile, type LedgerExport, type Pack } from './transfer/schema.js';
export { bundledPacks, findPack } from './transfer/packs.js';
export { IMPORT_BATCH_CLAIMS, IMPORT_BATCH_ROWS, prepareImport, preparePack, type PreparedImport, type PrepareScope } from './transfer/prepare.js';
export { IMPORT_CHUNK_ROWS, importLedger, type ImportOptions, type ImportResult } from './transfer/import.js';
export { exportFiles, exportLedger, PART_MAX_BYTES, REPLY_MAX_BYTES, REPLY_MAX_FILES, type ExportBatch, type ExportFile, type ExportOptions } from './transfer/export.js';
export { csvCell, exportCsv } from './transfer/csv.js';
