/** Registered application commands (global and per guild). */
import type { FakeCommand, FakeStats, Snowflake } from './types.js';
import { ApiError, asNumber, asString, clone, Errors, isObject, snowflake, type JsonObject } from './util.js';

const DEFINITION_KEYS = [
  'type',
  'name',
  'name_localizations',
  'description',
  'description_localizations',
  'options',
  'default_member_permissions',
  'dm_permission',
  'contexts',
  'integration_types',
  'nsfw',
] as const;

export class CommandStore {
  private readonly global = new Map<Snowflake, FakeCommand>();
  private readonly guilds = new Map<Snowflake, Map<Snowflake, FakeCommand>>();
  readonly puts: FakeStats['commandPuts'] = { global: 0, guild: {} };

  constructor(private readonly applicationId: Snowflake) {}

  private scope(guildId: Snowflake | undefined): Map<Snowflake, FakeCommand> {
    if (!guildId) return this.global;
    let map = this.guilds.get(guildId);
    if (!map) {
      map = new Map();
      this.guilds.set(guildId, map);
    }
    return map;
  }

  list(guildId?: Snowflake): FakeCommand[] {
    return [...this.scope(guildId).values()].map((c) => clone(c));
  }

  get(guildId: Snowflake | undefined, id: Snowflake): FakeCommand {
    const command = this.scope(guildId).get(id);
    if (!command) throw Errors.unknownCommand();
    return clone(command);
  }

  /** The command a user would invoke in a guild: guild commands shadow global ones. */
  findByName(guildId: Snowflake, name: string, type = 1): FakeCommand | undefined {
    const match = (c: FakeCommand): boolean => c.name === name && c.type === type;
    return [...this.scope(guildId).values()].find(match) ?? [...this.global.values()].find(match);
  }

  bulkOverwrite(guildId: Snowflake | undefined, body: unknown): FakeCommand[] {
    if (guildId) this.puts.guild[guildId] = (this.puts.guild[guildId] ?? 0) + 1;
    else this.puts.global += 1;
    const scope = this.scope(guildId);
    const previous = [...scope.values()];
    const next = new Map<Snowflake, FakeCommand>();
    for (const input of Array.isArray(body) ? body.filter(isObject) : []) {
      const type = asNumber(input.type) ?? 1;
      const existing =
        previous.find((c) => c.id === asString(input.id)) ??
        previous.find((c) => c.name === input.name && c.type === type);
      const command = this.build(guildId, input, existing);
      next.set(command.id, command);
    }
    scope.clear();
    for (const [id, command] of next) scope.set(id, command);
    return this.list(guildId);
  }

  /** POST: creates, or updates the command with the same name (Discord's upsert). */
  upsert(guildId: Snowflake | undefined, input: JsonObject): { command: FakeCommand; created: boolean } {
    const scope = this.scope(guildId);
    const type = asNumber(input.type) ?? 1;
    const existing = [...scope.values()].find((c) => c.name === input.name && c.type === type);
    const command = this.build(guildId, input, existing);
    scope.set(command.id, command);
    return { command: clone(command), created: !existing };
  }

  patch(guildId: Snowflake | undefined, id: Snowflake, input: JsonObject): FakeCommand {
    const scope = this.scope(guildId);
    const existing = scope.get(id);
    if (!existing) throw Errors.unknownCommand();
    const merged: JsonObject = { ...existing, ...input };
    const command = this.build(guildId, merged, existing);
    scope.set(id, command);
    return clone(command);
  }

  delete(guildId: Snowflake | undefined, id: Snowflake): void {
    if (!this.scope(guildId).delete(id)) throw Errors.unknownCommand();
  }

  private build(guildId: Snowflake | undefined, input: JsonObject, existing: FakeCommand | undefined): FakeCommand {
    const name = asString(input.name);
    if (!name) throw new ApiError(400, 50035, 'Invalid Form Body', { name: 'required' });
    const type = asNumber(input.type) ?? 1;
    const dmp = input.default_member_permissions;
    const command: FakeCommand = {
      id: existing?.id ?? snowflake(),
      application_id: this.applicationId,
      version: '',
      type,
      name,
      name_localizations: isObject(input.name_localizations) ? clone(input.name_localizations) : null,
      description: asString(input.description) ?? '',
      description_localizations: isObject(input.description_localizations) ? clone(input.description_localizations) : null,
      default_member_permissions: dmp === null || dmp === undefined ? null : String(dmp),
      dm_permission: input.dm_permission !== false,
      contexts: Array.isArray(input.contexts) ? clone(input.contexts) : null,
      integration_types: Array.isArray(input.integration_types) ? clone(input.integration_types) : [0],
      nsfw: input.nsfw === true,
    };
    if (Array.isArray(input.options) && input.options.length > 0) command.options = clone(input.options);
    if (guildId) command.guild_id = guildId;
    const changed = !existing || definition(existing) !== definition(command);
    command.version = changed ? snowflake() : existing.version;
    return command;
  }
}

function definition(command: FakeCommand): string {
  return JSON.stringify(DEFINITION_KEYS.map((k) => command[k] ?? null));
}
