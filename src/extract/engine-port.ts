/**
 * The one import of the extraction engine by what uses it (src/kit/articles.ts): the engine's own
 * names, with `fetchArticle` answering the article alone (the engine also reports the final URL,
 * type and size of what it read).
 */
import { fetchArticle as fetchWithReport, type FetchArticleOptions } from './fetch.js';
import type { ArticleInput } from './types.js';

export { articleFromHtml, articleFromText, extractCandidates, FetchArticleError } from './index.js';

export async function fetchArticle(url: string, opts: FetchArticleOptions = {}): Promise<ArticleInput> {
  const fetched = await fetchWithReport(url, opts);
  return { ...fetched.article, url: fetched.article.url ?? fetched.finalUrl };
}
