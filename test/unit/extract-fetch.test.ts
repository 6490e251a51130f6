/**
 * fetchArticle against a local HTTP server on 127.0.0.1: private addresses refused unless allowed,
 * every redirect checked again, the connection pinned to the checked address, size and time
 * limits, non-HTML refused, charsets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedAddressReason, charsetOf, fetchArticle, FetchArticleError, NOT_PUBLIC } from '../../src/extract/fetch.js';
import { UnreadableLink } from '../../src/kit/articles.js';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Council passes budget | The Test Gazette</title>
<meta property="og:site_name" content="The Test Gazette"><meta property="article:published_time" content="2024-03-02T10:00:00Z"></head>
<body><nav>Home · News · Sport</nav><article><h1>Council passes budget</h1>
<p>The council passed its budget on Tuesday after a long debate about the new library, which has been closed since the spring.</p>
<p>“We will open the library again by June,” the mayor said after the vote, adding that the repairs were already under way.</p>
<p>Residents who spoke at the meeting said they were pleased, though several questioned whether the timetable was realistic.</p>
</article><footer>© The Test Gazette</footer></body></html>`;

let server: Server;
let base: string;
let port: number;
const hits: string[] = [];

function handler(req: IncomingMessage, res: ServerResponse) {
  const url = req.url ?? '/';
  hits.push(url);
  if (url === '/article') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  } else if (url === '/redirect-ok') {
    res.writeHead(302, { location: '/article' });
    res.end();
  } else if (url === '/redirect-private') {
    res.writeHead(301, { location: `http://127.0.0.2:${port}/article` });
    res.end();
  } else if (url === '/redirect-metadata') {
    res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end();
  } else if (url.startsWith('/loop')) {
    const n = Number(url.slice(5) || 0);
    res.writeHead(302, { location: `/loop${n + 1}` });
    res.end();
  } else if (url === '/huge') {
    res.writeHead(200, { 'content-type': 'text/html' }); // no content-length: streamed
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 3 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => {});
    pump();
  } else if (url === '/huge-declared') {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(50 * 1024 * 1024) });
    res.write('<html>');
  } else if (url === '/slow') {
    // answers nothing
  } else if (url === '/pdf') {
    res.writeHead(200, { 'content-type': 'application/pdf' });
    res.end('%PDF-1.7');
  } else if (url === '/plain') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=windows-1252' });
    res.end(Buffer.from('Caf\xe9 owners said prices will rise by March.\n\nMore text.', 'latin1'));
  } else if (url === '/meta-charset') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(Buffer.concat([Buffer.from('<html><head><meta charset="iso-8859-1"><title>Caf'), Buffer.from([0xe9]), Buffer.from('</title></head><body><p>x</p></body></html>')]));
  } else {
    res.writeHead(404);
    res.end();
  }
}

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function refusal(promise: Promise<unknown>): Promise<FetchArticleError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FetchArticleError);
    return error as FetchArticleError;
  }
  throw new Error('expected a refusal');
}

describe('fetchArticle', () => {
  it('refuses a loopback address by default, before connecting', async () => {
    const before = hits.length;
    const e = await refusal(fetchArticle(`${base}/article`));
    expect(e.code).toBe('private-address');
    expect(e.message).toBe(NOT_PUBLIC);
    expect(hits.length).toBe(before);
  });

  it('reads the page when private addresses are allowed (the test setting)', async () => {
    const got = await fetchArticle(`${base}/article`, { allowPrivateAddresses: true });
    expect(got.article.title).toBe('Council passes budget');
    expect(got.article.outlet).toBe('The Test Gazette');
    expect(got.article.publishedOn).toBe('2024-03-02');
    expect(got.article.text).toContain('“We will open the library again by June,” the mayor said');
    expect(got.article.text).not.toContain('Home · News');
    expect(got.contentType).toBe('text/html');
  });

  it('follows a redirect and checks it again', async () => {
    const ok = await fetchArticle(`${base}/redirect-ok`, { allowPrivateAddresses: ['127.0.0.1'] });
    expect(ok.finalUrl).toBe(`${base}/article`);
    expect(ok.redirects).toBe(1);
    const toOther = await refusal(fetchArticle(`${base}/redirect-private`, { allowPrivateAddresses: ['127.0.0.1'] }));
    expect(toOther.code).toBe('private-address');
    expect(toOther.message).toBe(NOT_PUBLIC);
    const toMetadata = await refusal(fetchArticle(`${base}/redirect-metadata`, { allowPrivateAddresses: ['127.0.0.1'] }));
    expect(toMetadata.code).toBe('private-address');
    expect(toMetadata.message).toBe(NOT_PUBLIC);
  });

  it('stops after 5 redirects', async () => {
    const e = await refusal(fetchArticle(`${base}/loop0`, { allowPrivateAddresses: true }));
    expect(e.code).toBe('too-many-redirects');
    expect(e.message).toBe('Too many redirects (more than 5).');
  });

  it('refuses a host when any address it resolves to is private, and connects only to the address it checked', async () => {
    const mixed = await refusal(fetchArticle('http://news.test/a', { resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }] }));
    expect(mixed.code).toBe('private-address');
    expect(mixed.message).toBe(NOT_PUBLIC);
    // An internal name is refused without saying what it resolves to (nor that it is private).
    const internal = await refusal(fetchArticle('http://intranet.corp/wiki', { resolve: async () => [{ address: '10.1.2.3', family: 4 }] }));
    expect(internal.code).toBe('private-address');
    expect(internal.message).toBe('That address is not public; only public web pages can be read.');
    expect(internal.message).not.toMatch(/10\.1\.2\.3|intranet|private/);
    // news.test does not exist in DNS: reading the page proves the connection went to the checked address
    const pinned = await fetchArticle(`http://news.test:${port}/article`, { allowPrivateAddresses: ['127.0.0.1'], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(pinned.article.title).toBe('Council passes budget');
  });

  it('aborts a page past the size limit, streamed or declared', async () => {
    const streamed = await refusal(fetchArticle(`${base}/huge`, { allowPrivateAddresses: true }));
    expect(streamed.code).toBe('too-large');
    expect(streamed.message).toBe('The page is larger than 2 MB.');
    const declared = await refusal(fetchArticle(`${base}/huge-declared`, { allowPrivateAddresses: true }));
    expect(declared.code).toBe('too-large');
    const small = await refusal(fetchArticle(`${base}/article`, { allowPrivateAddresses: true, maxBytes: 100 }));
    expect(small.code).toBe('too-large');
  });

  it('tells its reason in the member’s language (issue 26), the English message unchanged', async () => {
    const big = await refusal(fetchArticle(`${base}/huge`, { allowPrivateAddresses: true, maxBytes: 1.5 * 1024 * 1024 }));
    expect(big.message).toBe('The page is larger than 1.5 MB.');
    expect(big.in('ru')).toBe('Страница больше 1,5 МБ.');
    expect(big.in('uk')).toBe('Сторінка більша за 1,5 МБ.');
    expect(big.in('en-US')).toBe(big.message);
    const pdf = await refusal(fetchArticle(`${base}/pdf`, { allowPrivateAddresses: true }));
    expect(pdf.in('uk')).toBe('За цим посиланням не вебсторінка (application/pdf).');
    const refused = new UnreadableLink(await refusal(fetchArticle(`${base}/article`)));
    expect(refused.message).toBe(`Could not read that link: ${NOT_PUBLIC}`);
    expect(refused.in('ru')).toBe('Не удалось прочитать ссылку: Этот адрес не публичный; читаются только общедоступные веб-страницы.');
  });

  it('gives up after the time limit', async () => {
    const t0 = Date.now();
    const e = await refusal(fetchArticle(`${base}/slow`, { allowPrivateAddresses: true, timeoutMs: 1000 }));
    expect(e.code).toBe('timeout');
    expect(e.message).toBe('No answer within 1 s.');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('refuses what is not a web page, and links that are not http(s)', async () => {
    const pdf = await refusal(fetchArticle(`${base}/pdf`, { allowPrivateAddresses: true }));
    expect(pdf.code).toBe('not-html');
    expect(pdf.message).toBe('That link is not a web page (application/pdf).');
    expect((await refusal(fetchArticle('ftp://example.com/a.txt'))).code).toBe('bad-scheme');
    expect((await refusal(fetchArticle('file:///etc/passwd'))).code).toBe('bad-scheme');
    expect((await refusal(fetchArticle('not a link'))).code).toBe('bad-url');
    expect((await refusal(fetchArticle(`${base}/missing`, { allowPrivateAddresses: true }))).message).toMatch(/^The site answered 404/);
  });

  it('decodes by the charset of the header or of the page', async () => {
    const plain = await fetchArticle(`${base}/plain`, { allowPrivateAddresses: true });
    expect(plain.charset).toBe('windows-1252');
    expect(plain.article.text).toContain('Café owners said prices will rise by March.');
    const meta = await fetchArticle(`${base}/meta-charset`, { allowPrivateAddresses: true });
    expect(meta.charset).toBe('windows-1252'); // the WHATWG label for iso-8859-1
    expect(meta.article.title).toBe('Café');
    expect(charsetOf('text/html', Buffer.from('<p>no meta</p>'))).toBe('utf-8');
    expect(charsetOf('text/html; charset=bogus-charset', Buffer.from('<p>x</p>'))).toBe('utf-8');
  });
});

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.8', 'private'],
    ['172.20.1.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['100.64.0.1', 'private (carrier-grade NAT)'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
  ])('%s is refused (%s)', (address, why) => {
    expect(blockedAddressReason(address)).toBe(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34', '172.32.0.1'])('%s is public', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });
});
