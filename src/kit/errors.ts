/** An expected problem with what the member asked; shown to them ephemerally as is. */
export class UserError extends Error {
  override name = 'UserError';
}
