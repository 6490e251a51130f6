/** The ledger: every operation callable without Discord, each taking the server and the acting member. */
export * from './context.js';
export * from './errors.js';
export * from './limits.js';
export * from './rules.js';
export * from './scoring.js';
export * from './dates.js';
export * from './settings.js';
export * from './claims.js';
export * from './claim-queries.js';
export * from './claim-row.js';
export * from './voting.js';
export * from './transfer.js';
export { claimHistory } from './audit.js';
