/**
 * The one import of the extraction engine by what uses it (src/kit/articles.ts): fetching a page
 * without parsing it (parsing and extraction run on the worker pool, src/work/jobs.ts).
 */
export { fetchPage, FetchArticleError, type FetchedPage, type FetchArticleOptions } from './fetch.js';
