/**
 * The article intake the handlers get as `ctx.articles`: the extraction engine (src/extract/) with
 * this deployment's limits, its errors turned into answers for the member.
 */
import { UserError, type ArticleTools } from './types.js';
import { articleFromHtml, articleFromText, extractCandidates, fetchArticle, FetchArticleError } from '../extract/index.js';

export const ARTICLE_LIMITS = { maxBytes: 5_000_000, timeoutMs: 15_000, maxFileBytes: 2_000_000 } as const;

const looksLikeHtml = (content: string, name: string, contentType: string | null) =>
  /html|xhtml/i.test(contentType ?? '') || /\.x?html?$/i.test(name) || /^\s*(?:<!doctype html|<html[\s>])/i.test(content);

export function articleTools(opts: { allowPrivateAddresses: boolean; maxBytes?: number; timeoutMs?: number }): ArticleTools {
  return {
    async fetchUrl(url) {
      try {
        const fetched = await fetchArticle(url, {
          allowPrivateAddresses: opts.allowPrivateAddresses,
          maxBytes: opts.maxBytes ?? ARTICLE_LIMITS.maxBytes,
          timeoutMs: opts.timeoutMs ?? ARTICLE_LIMITS.timeoutMs,
        });
        // The article alone (the engine also reports the type and size of what it read), its URL the final one.
        return { ...fetched.article, url: fetched.article.url ?? fetched.finalUrl };
      } catch (error) {
        if (error instanceof FetchArticleError) throw new UserError(`Could not read that link: ${error.message}`);
        throw error;
      }
    },
    fromFile(content, name, contentType) {
      if (contentType && !/^text\/|html|xml|json/i.test(contentType) && !/\.(txt|text|md|html?|xhtml)$/i.test(name)) {
        throw new UserError(`${name.slice(0, 80)} is not a text or HTML file (it is ${contentType.split(';')[0]}). Upload the article as .txt or .html.`);
      }
      if (content.includes('\u0000')) throw new UserError(`${name.slice(0, 80)} is not a text or HTML file. Upload the article as .txt or .html.`);
      return looksLikeHtml(content, name, contentType) ? articleFromHtml(content) : articleFromText(content);
    },
    candidates(input, { today }) {
      return extractCandidates(input, { today });
    },
  };
}
