import { t as translate, type MessageKey, type Vars } from '../i18n/index.js';

/** An expected problem with what the member asked; shown to them ephemerally as is. */
export class UserError extends Error {
  override name = 'UserError';
}

/**
 * A UserError whose text comes from the catalogs: for a throw where no locale is at hand. The error
 * boundary (src/kit/failures.ts) shows it in the language of whoever sees it; `message` is English.
 */
export class CatalogError extends UserError {
  override name = 'CatalogError';
  constructor(
    readonly key: MessageKey,
    readonly vars: Vars = {},
  ) {
    super(translate('en', key, vars));
  }

  /** The text in a locale. */
  in(locale: string | null | undefined): string {
    return translate(locale, this.key, this.vars);
  }
}
