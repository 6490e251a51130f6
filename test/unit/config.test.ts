import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** Runs loadConfig, expecting a ConfigError; returns it. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const GUILD = '123456789012345678';
const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123';

describe('loadConfig — HINDSIGHT_EXTRACT_ALLOW_PRIVATE', () => {
  it('is off by default, reads true/false, and names a bad value', () => {
    expect(loadConfig({}).HINDSIGHT_EXTRACT_ALLOW_PRIVATE).toBe(false);
    expect(loadConfig({ HINDSIGHT_EXTRACT_ALLOW_PRIVATE: 'true' }).HINDSIGHT_EXTRACT_ALLOW_PRIVATE).toBe(true);
    expect(loadConfig({ HINDSIGHT_EXTRACT_ALLOW_PRIVATE: '0' }).HINDSIGHT_EXTRACT_ALLOW_PRIVATE).toBe(false);
    expect(configError({ HINDSIGHT_EXTRACT_ALLOW_PRIVATE: 'maybe' }).message).toMatch(/HINDSIGHT_EXTRACT_ALLOW_PRIVATE: must be true or false/);
  });
});

describe('loadConfig — defaults', () => {
  it('gives the defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      HINDSIGHT_DATA_DIR: './data',
      DISCORD_API_URL: 'https://discord.com/api',
      LOG_LEVEL: 'info',
      HINDSIGHT_CATCHUP_HOURS: 6,
      HINDSIGHT_EXTRACT_ALLOW_PRIVATE: false,
      HINDSIGHT_ROLE: 'all',
      REST_PROXY_PORT: 8090,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config.DISCORD_GUILD_ID).toBeUndefined();
  });

  it('counts empty and blank strings as unset', () => {
    const config = loadConfig({
      DATABASE_URL: '',
      HINDSIGHT_DATA_DIR: '   ',
      DISCORD_TOKEN: '',
      DISCORD_API_URL: '',
      DISCORD_GUILD_ID: ' ',
      LOG_LEVEL: '',
      HINDSIGHT_CATCHUP_HOURS: '',
    });
    expect(config).toEqual(loadConfig({}));
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' })).toEqual(loadConfig({}));
  });
});

describe('loadConfig — valid values', () => {
  it('reads every variable, trimmed', () => {
    const config = loadConfig({
      DATABASE_URL: ' postgres://u:p@localhost:5432/hindsight ',
      HINDSIGHT_DATA_DIR: '/var/lib/hindsight',
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: 'http://localhost:8080/api',
      DISCORD_GUILD_ID: GUILD,
      LOG_LEVEL: 'debug',
      HINDSIGHT_CATCHUP_HOURS: '12',
      HINDSIGHT_EXTRACT_ALLOW_PRIVATE: ' true ',
    });
    expect(config).toEqual({
      DATABASE_URL: 'postgres://u:p@localhost:5432/hindsight',
      HINDSIGHT_DATA_DIR: '/var/lib/hindsight',
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: 'http://localhost:8080/api',
      DISCORD_GUILD_ID: GUILD,
      LOG_LEVEL: 'debug',
      HINDSIGHT_CATCHUP_HOURS: 12,
      HINDSIGHT_EXTRACT_ALLOW_PRIVATE: true,
      HINDSIGHT_ROLE: 'all',
      REST_PROXY_PORT: 8090,
    });
  });

  it('reads the HTTP interactions settings and refuses incomplete or malformed ones', () => {
    const key = 'ab'.repeat(32);
    const secret = 'c'.repeat(64);
    expect(loadConfig({ HINDSIGHT_ROLE: 'interactions', INTERACTIONS_PORT: '8080', DISCORD_PUBLIC_KEY: key, DISCORD_REST_PROXY_URL: 'http://127.0.0.1:8090/api', HINDSIGHT_REST_PROXY_SECRET: secret })).toMatchObject({
      HINDSIGHT_ROLE: 'interactions',
      INTERACTIONS_PORT: 8080,
      DISCORD_PUBLIC_KEY: key,
      DISCORD_REST_PROXY_URL: 'http://127.0.0.1:8090/api',
    });
    expect(() => loadConfig({ INTERACTIONS_PORT: '8080' })).toThrow(/DISCORD_PUBLIC_KEY: is required with INTERACTIONS_PORT/);
    expect(() => loadConfig({ HINDSIGHT_ROLE: 'interactions' })).toThrow(/INTERACTIONS_PORT: is required/);
    expect(() => loadConfig({ INTERACTIONS_PORT: '8080', DISCORD_PUBLIC_KEY: 'zz'.repeat(32) })).toThrow(/DISCORD_PUBLIC_KEY: must be the 64 hex digits/);
    expect(() => loadConfig({ HINDSIGHT_ROLE: 'both' })).toThrow(/HINDSIGHT_ROLE/);
    // The REST exit refuses callers without its secret: a bot pointed at it must have it.
    expect(() => loadConfig({ DISCORD_REST_PROXY_URL: 'http://127.0.0.1:8090/api' })).toThrow(/HINDSIGHT_REST_PROXY_SECRET: is required with DISCORD_REST_PROXY_URL/);
    expect(() => loadConfig({ DISCORD_REST_PROXY_URL: 'http://127.0.0.1:8090/api', HINDSIGHT_REST_PROXY_SECRET: 'short' })).toThrow(/HINDSIGHT_REST_PROXY_SECRET: must be at least 32 characters/);
  });

  it('accepts postgresql:// too', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/db' }).DATABASE_URL).toBe('postgresql://localhost/db');
  });

  it('accepts catch-up hours from 0 to 336 (14 days)', () => {
    expect(loadConfig({ HINDSIGHT_CATCHUP_HOURS: '0' }).HINDSIGHT_CATCHUP_HOURS).toBe(0);
    expect(loadConfig({ HINDSIGHT_CATCHUP_HOURS: '336' }).HINDSIGHT_CATCHUP_HOURS).toBe(336);
    expect(loadConfig({ HINDSIGHT_CATCHUP_HOURS: '1.5' }).HINDSIGHT_CATCHUP_HOURS).toBe(1.5);
  });

  it('accepts guild ids of 17 to 20 digits', () => {
    expect(loadConfig({ DISCORD_GUILD_ID: '1'.repeat(17) }).DISCORD_GUILD_ID).toBe('1'.repeat(17));
    expect(loadConfig({ DISCORD_GUILD_ID: '1'.repeat(20) }).DISCORD_GUILD_ID).toBe('1'.repeat(20));
  });
});

describe('loadConfig — errors', () => {
  it('names every bad variable in one ConfigError', () => {
    const e = configError({
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      DISCORD_GUILD_ID: 'abc',
      DISCORD_API_URL: 'ftp://x',
      HINDSIGHT_CATCHUP_HOURS: 'lots',
    });
    expect(e.name).toBe('ConfigError');
    expect(e.message).toMatch(/^Invalid configuration:\n/);
    for (const name of ['DATABASE_URL', 'LOG_LEVEL', 'DISCORD_GUILD_ID', 'DISCORD_API_URL', 'HINDSIGHT_CATCHUP_HOURS']) {
      expect(e.message).toContain(`  ${name}: `);
    }
    // One line per bad variable, and nothing about the good ones.
    expect(e.message.split('\n')).toHaveLength(6);
    expect(e.message).not.toContain('HINDSIGHT_DATA_DIR');
    expect(e.message).not.toContain('DISCORD_TOKEN');
  });

  it('says what each variable must be', () => {
    const e = configError({ DATABASE_URL: 'mysql://x', DISCORD_GUILD_ID: 'abc', DISCORD_API_URL: 'ftp://x' });
    expect(e.message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(e.message).toContain('DISCORD_GUILD_ID: must be a Discord id (17–20 digits)');
    expect(e.message).toContain('DISCORD_API_URL: must be an http(s) URL');
  });

  it.each([
    ['DISCORD_GUILD_ID', '1'.repeat(16)],
    ['DISCORD_GUILD_ID', '1'.repeat(21)],
    ['HINDSIGHT_CATCHUP_HOURS', '-1'],
    ['HINDSIGHT_CATCHUP_HOURS', '337'],
    ['LOG_LEVEL', 'INFO'],
    ['DISCORD_API_URL', 'not a url'],
    ['DATABASE_URL', 'localhost:5432/db'],
  ])('refuses %s=%j', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(`${name}: `);
  });

  it.each([
    'not a token !!secretvalue42',
    'short.secretvalue42',
    'has spaces secretvalue42 in it and more',
    'sec$ret.value42.xyz',
  ])('names a malformed DISCORD_TOKEN without echoing its value (%#)', (token) => {
    const e = configError({ DISCORD_TOKEN: token, LOG_LEVEL: 'loud' });
    expect(e.message).toContain('DISCORD_TOKEN: ');
    expect(e.message).toContain('LOG_LEVEL: ');
    const everything = `${e.message}\n${e.stack ?? ''}\n${String(e)}\n${JSON.stringify(e)}`;
    expect(everything).not.toContain('secretvalue42');
    expect(everything).not.toContain('secret');
    expect(everything).not.toContain(token);
  });

  it('does not echo a valid token when other variables are bad', () => {
    const e = configError({ DISCORD_TOKEN: TOKEN, DATABASE_URL: 'mysql://x' });
    expect(`${e.message}\n${e.stack ?? ''}`).not.toContain(TOKEN);
    expect(e.message).not.toContain('DISCORD_TOKEN');
  });
});

describe('DISCORD_SHARD', () => {
  it('accepts id/count with the id below the count, and names the variable otherwise', () => {
    expect(loadConfig({ DISCORD_SHARD: '1/2' }).DISCORD_SHARD).toBe('1/2');
    for (const bad of ['2/2', 'one/two', '0', '0/0']) {
      expect(() => loadConfig({ DISCORD_SHARD: bad })).toThrow(/DISCORD_SHARD/);
    }
  });
});
