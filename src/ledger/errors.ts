/**
 * An expected failure caused by what a member asked for. Its message is shown to them as is
 * (ephemerally in Discord), so it says what to fix. Nothing was written when one is thrown.
 */
export class LedgerError extends Error {
  override name = 'LedgerError';
  constructor(
    readonly code:
      | 'invalid_input'
      | 'not_found'
      | 'forbidden'
      | 'conflict'
      | 'closed',
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new LedgerError('invalid_input', message);
export const notFound = (message: string) => new LedgerError('not_found', message);
export const forbidden = (message: string) => new LedgerError('forbidden', message);
