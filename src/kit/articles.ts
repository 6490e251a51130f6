/**
 * The article intake the handlers get as `ctx.articles`: the extraction engine (its fetcher here;
 * parsing and extraction on the worker pool) with this deployment's limits, its errors turned into answers for
 * the member. Fetching happens here; reading a page (Readability) and finding its forecasts run
 * on the worker pool the caller names (ctx.work), never on the event loop.
 */
import { CatalogError, type ArticleTools } from './types.js';
import { fetchPage, FetchArticleError } from '../extract/fetch.js';
import { t as translate } from '../i18n/index.js';

/** A link that could not be read: the fetcher's reason told in the language of whoever sees it. */
export class UnreadableLink extends CatalogError {
  constructor(readonly refusal: FetchArticleError) {
    super('extract.unreadableLink', { reason: refusal.message });
  }

  override in(locale: string | null | undefined): string {
    return translate(locale, 'extract.unreadableLink', { reason: this.refusal.in(locale) });
  }
}

export const ARTICLE_LIMITS = { maxBytes: 5_000_000, timeoutMs: 15_000, maxFileBytes: 2_000_000 } as const;

const looksLikeHtml = (content: string, name: string, contentType: string | null) =>
  /html|xhtml/i.test(contentType ?? '') || /\.x?html?$/i.test(name) || /^\s*(?:<!doctype html|<html[\s>])/i.test(content);

export function articleTools(opts: { allowPrivateAddresses: boolean; maxBytes?: number; timeoutMs?: number }): ArticleTools {
  return {
    async fetchUrl(url, { guildId, work }) {
      let page;
      try {
        page = await fetchPage(url, {
          allowPrivateAddresses: opts.allowPrivateAddresses,
          maxBytes: opts.maxBytes ?? ARTICLE_LIMITS.maxBytes,
          timeoutMs: opts.timeoutMs ?? ARTICLE_LIMITS.timeoutMs,
        });
      } catch (error) {
        if (error instanceof FetchArticleError) throw new UnreadableLink(error);
        throw error;
      }
      const article =
        page.contentType === 'text/plain'
          ? await work.run(guildId, 'article.text', { text: page.text, url: page.finalUrl })
          : await work.run(guildId, 'article.html', { html: page.text, url: page.finalUrl });
      return { ...article, url: article.url ?? page.finalUrl };
    },
    async fromFile(content, name, contentType, { guildId, work }) {
      if (contentType && !/^text\/|html|xml|json/i.test(contentType) && !/\.(txt|text|md|html?|xhtml)$/i.test(name)) {
        throw new CatalogError('extract.notTextFileOfType', { name: name.slice(0, 80), type: contentType.split(';')[0]! });
      }
      if (content.includes('\u0000')) throw new CatalogError('extract.notTextFile', { name: name.slice(0, 80) });
      return looksLikeHtml(content, name, contentType)
        ? work.run(guildId, 'article.html', { html: content, url: null })
        : work.run(guildId, 'article.text', { text: content, url: null });
    },
    candidates(article, { today, guildId, work }) {
      return work.run(guildId, 'article.candidates', { article, today });
    },
  };
}
