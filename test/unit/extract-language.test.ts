/**
 * The language of an article, from its text (src/extract/language.ts): short Russian, Ukrainian and
 * English samples written for this test, Russian and Ukrainian told apart (a trigram model alone
 * takes a short Russian sentence for Ukrainian), a Cyrillic quote in an English article, and every
 * English article among the fixtures still read as English.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { franc } from 'franc-min';
import { detectLanguage } from '../../src/extract/language.js';
import { articleFromHtml, articleFromText } from '../../src/extract/index.js';
import { assertReadableLanguage } from '../../src/kit/locale.js';
import { translator } from '../../src/i18n/index.js';

const RUSSIAN = [
  'Россия не собирается вести переговоры с Украиной до конца года, заявил министр.',
  'Песков заявил, что Кремль ожидает возобновления переговоров в январе. По его словам, это было бы логично.',
  'Переговоры начнутся в январе, сказал Песков.',
  'Посол будет назначен в ближайшие недели, сообщили в министерстве иностранных дел.',
];
const UKRAINIAN = [
  'Росія не збирається вести переговори з Україною до кінця року, заявив міністр.',
  'Пєсков заявив, що Кремль очікує відновлення переговорів у січні. За його словами, це було б логічно.',
  'Переговори почнуться в січні, сказав Пєсков.',
  'Посла буде призначено найближчими тижнями, повідомили в міністерстві закордонних справ.',
];
const ENGLISH = [
  'Russia will not negotiate with Ukraine before the end of the year, the minister said.',
  'Peskov said the Kremlin expects the talks to resume in January, which he called logical.',
  'The ambassador will be appointed in the coming weeks, the foreign ministry said.',
  'Halvorsen Micro lifts outlook on data-centre demand, warns on memory costs',
];

describe('the language of an article', () => {
  it('is Russian for short Russian samples', () => {
    for (const text of RUSSIAN) expect(detectLanguage(text), text).toEqual({ code: 'rus', english: false });
  });

  it('is Ukrainian for short Ukrainian samples', () => {
    for (const text of UKRAINIAN) expect(detectLanguage(text), text).toEqual({ code: 'ukr', english: false });
  });

  it('tells Russian from Ukrainian where trigrams alone do not', () => {
    // The reason for the letter test: franc on its own names this Russian sentence Ukrainian.
    expect(franc(RUSSIAN[0]!)).toBe('ukr');
    expect(detectLanguage(RUSSIAN[0]!).code).toBe('rus');
  });

  it('is English for short English samples, a headline included', () => {
    for (const text of ENGLISH) expect(detectLanguage(text), text).toEqual({ code: 'eng', english: true });
  });

  it('stays English with a Cyrillic name or quote inside, and a Russian article with an English quote stays Russian', () => {
    expect(detectLanguage(`${ENGLISH[1]} The ministry's statement was headlined «Переговоры в январе».`).english).toBe(true);
    expect(detectLanguage(`${RUSSIAN[1]} ${RUSSIAN[3]} По словам Reuters, "talks will resume".`).code).toBe('rus');
  });

  it('is another language for German and French, and undetermined (so read) for too little text', () => {
    expect(detectLanguage('Russland wird vor Ende des Jahres nicht mit der Ukraine verhandeln, sagte der Minister.')).toEqual({ code: 'deu', english: false });
    expect(detectLanguage('La Russie ne négociera pas avec l’Ukraine avant la fin de l’année, a déclaré le ministre.')).toEqual({ code: 'fra', english: false });
    expect(detectLanguage('Talks soon.')).toEqual({ code: 'und', english: true });
    expect(detectLanguage('https://example.ru/novosti/peregovory-v-yanvare')).toEqual({ code: 'und', english: true });
  });

  it('is English for every English article among the fixtures', () => {
    const dir = fileURLToPath(new URL('../fixtures/articles/', import.meta.url));
    const files = readdirSync(dir).filter((f) => /\.(txt|html)$/.test(f));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const raw = readFileSync(`${dir}${file}`, 'utf8');
      const article = file.endsWith('.html') ? articleFromHtml(raw) : articleFromText(raw);
      expect(detectLanguage(article.text), file).toEqual({ code: 'eng', english: true });
    }
  });
});

describe('an article extraction cannot read', () => {
  it('is refused in the member’s language, naming the article’s language', async () => {
    await expect(assertReadableLanguage(RUSSIAN[1]!, translator('en-US'))).rejects.toThrow('This article is in Russian; Hindsight reads English articles only for now. Nothing was saved.');
    await expect(assertReadableLanguage(UKRAINIAN[1]!, translator('ru'))).rejects.toThrow('Язык этой статьи — украинский;');
    await expect(assertReadableLanguage(RUSSIAN[1]!, translator('uk'))).rejects.toThrow('Мова цієї статті — російська;');
    await expect(assertReadableLanguage(ENGLISH[1]!, translator('ru'))).resolves.toBeUndefined();
  });
});
