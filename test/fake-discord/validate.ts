/**
 * Validation of requests against Discord's published OpenAPI 3.1 description (API v10).
 *
 * The spec's paths are relative to its server, https://discord.com/api/v10; the fake serves
 * the same paths under http://127.0.0.1:PORT/api/v10.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isObject, type JsonObject } from './util.js';

const SPEC_ID = 'https://fake-discord.local/openapi.json';
const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

interface ParameterDef {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  segments: string[];
  literalCount: number;
  parameters: ParameterDef[];
  requestBody: { required: boolean; content: Record<string, unknown> } | undefined;
}

export interface RouteMatch {
  operation: Operation;
  params: Record<string, string>;
}

export type BodyKind = 'json' | 'multipart' | 'none';

/**
 * Places where the published spec disagrees with what Discord accepts and discord.js sends.
 * Each patch widens the schema; it never narrows it.
 */
const SPEC_PATCHES: { schema: string; property: string; reason: string; add: unknown }[] = [
  ...['ApplicationCommandCreateRequest', 'ApplicationCommandUpdateRequest', 'ApplicationCommandPatchRequestPartial'].map(
    (schema) => ({
      schema,
      property: 'default_member_permissions',
      reason: 'Discord documents and accepts a string bit set; discord.js builders send a string',
      add: { type: 'string', pattern: '^[0-9]+$' },
    }),
  ),
];

/** The vendored spec, `test/fixtures/discord-api-spec/openapi.json` (see test/fixtures/README.md). */
export function defaultSpecPath(): string {
  return fileURLToPath(new URL('../fixtures/discord-api-spec/openapi.json', import.meta.url));
}

const cache = new Map<string, SpecValidator>();

export class SpecValidator {
  private readonly operations = new Map<string, Operation[]>();
  private readonly bodyAjv: Ajv2020;
  private readonly paramAjv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** One validator per spec file and process: compiling is the expensive part. */
  static load(specPath: string = defaultSpecPath()): SpecValidator {
    let validator = cache.get(specPath);
    if (!validator) {
      if (!existsSync(specPath)) {
        throw new Error(`fake-discord: Discord OpenAPI spec not found at ${specPath} (vendored in the repository: see test/fixtures/README.md)`);
      }
      validator = new SpecValidator(JSON.parse(readFileSync(specPath, 'utf8')) as JsonObject);
      validator.warmUp();
      cache.set(specPath, validator);
    }
    return validator;
  }

  private constructor(spec: JsonObject) {
    const components = isObject(spec.components) ? spec.components : {};
    const schemas = structuredClone(isObject(components.schemas) ? components.schemas : {});
    for (const patch of SPEC_PATCHES) {
      const target = schemas[patch.schema];
      if (isObject(target) && isObject(target.properties) && patch.property in target.properties) {
        target.properties[patch.property] = { anyOf: [target.properties[patch.property], patch.add] };
      }
    }
    this.bodyAjv = makeAjv({ coerceTypes: false });
    this.paramAjv = makeAjv({ coerceTypes: true });
    for (const ajv of [this.bodyAjv, this.paramAjv]) ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
    this.indexOperations(isObject(spec.paths) ? spec.paths : {});
  }

  private indexOperations(paths: JsonObject): void {
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      const shared = parameterDefs(item.parameters);
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        const segments = template.split('/').slice(1);
        const rb = isObject(op.requestBody) ? op.requestBody : undefined;
        const operation: Operation = {
          method: method.toUpperCase(),
          template,
          operationId: typeof op.operationId === 'string' ? op.operationId : `${method} ${template}`,
          segments,
          literalCount: segments.filter((s) => !s.startsWith('{')).length,
          parameters: [...shared, ...parameterDefs(op.parameters)],
          requestBody: rb
            ? { required: rb.required === true, content: isObject(rb.content) ? rb.content : {} }
            : undefined,
        };
        const list = this.operations.get(operation.method) ?? [];
        list.push(operation);
        this.operations.set(operation.method, list);
      }
    }
    // Most literal segments first, so /users/@me wins over /users/{user_id}.
    for (const list of this.operations.values()) list.sort((a, b) => b.literalCount - a.literalCount);
  }

  /** Compiles the hot operations up front so the first interaction callback is not slowed down. */
  private warmUp(): void {
    const hot: [string, string][] = [
      ['POST', '/interactions/1/t/callback'],
      ['POST', '/channels/1/messages'],
      ['PATCH', '/channels/1/messages/1'],
      ['POST', '/webhooks/1/t'],
      ['PATCH', '/webhooks/1/t/messages/@original'],
      ['PUT', '/applications/1/commands'],
      ['PUT', '/applications/1/guilds/1/commands'],
    ];
    for (const [method, path] of hot) {
      const match = this.match(method, path);
      if (!match) continue;
      this.validateBody(match, {}, 'json');
      this.validateQuery(match, new URLSearchParams());
      this.validatePath(match);
    }
  }

  /** Finds the operation for a method and a path relative to /api/v10. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').slice(1).map(safeDecode);
    for (const operation of this.operations.get(method.toUpperCase()) ?? []) {
      if (operation.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = operation.segments.every((seg, i) => {
        const part = parts[i] ?? '';
        if (seg.startsWith('{')) {
          if (part === '') return false;
          params[seg.slice(1, -1)] = part;
          return true;
        }
        return seg === part;
      });
      if (ok) return { operation, params };
    }
    return undefined;
  }

  /** Methods the spec knows for this path (to tell "wrong method" from "no such path"). */
  methodsFor(path: string): string[] {
    return [...this.operations.keys()].filter((m) => this.match(m, path));
  }

  validatePath(match: RouteMatch): string[] {
    const errors: string[] = [];
    for (const def of match.operation.parameters.filter((p) => p.in === 'path')) {
      const value = match.params[def.name];
      const validate = this.compile(this.paramAjv, `path:${match.operation.operationId}:${def.name}`, def.schema);
      if (!validate(value)) errors.push(...summarize(validate.errors, `{${def.name}}=${JSON.stringify(value)}`));
    }
    return errors;
  }

  validateQuery(match: RouteMatch, query: URLSearchParams): string[] {
    const defs = match.operation.parameters.filter((p) => p.in === 'query');
    const errors: string[] = [];
    const values: Record<string, unknown> = {};
    for (const key of new Set(query.keys())) {
      const all = query.getAll(key);
      values[key] = all.length > 1 ? all : all[0];
      if (!defs.some((d) => d.name === key)) errors.push(`unknown query parameter "${key}"`);
    }
    const schema = {
      type: 'object',
      properties: Object.fromEntries(defs.map((d) => [d.name, d.schema])),
      required: defs.filter((d) => d.required).map((d) => d.name),
    };
    const validate = this.compile(this.paramAjv, `query:${match.operation.operationId}`, schema);
    if (!validate(values)) errors.push(...summarize(validate.errors, 'query'));
    return errors;
  }

  /** Validates a parsed body (the JSON, or a multipart request's payload_json). */
  validateBody(match: RouteMatch, body: unknown, kind: BodyKind): string[] {
    const rb = match.operation.requestBody;
    if (kind === 'none') return rb?.required ? ['request body is required'] : [];
    if (!rb) return ['this operation takes no request body'];
    const mediaType = kind === 'multipart' && !rb.content['application/json'] ? 'multipart/form-data' : 'application/json';
    const media = rb.content[mediaType];
    if (!isObject(media)) return [`content type ${kind === 'multipart' ? 'multipart/form-data' : 'application/json'} is not accepted here`];
    const validate = this.compile(this.bodyAjv, `body:${match.operation.operationId}:${mediaType}`, media.schema);
    return validate(body) ? [] : summarize(validate.errors, 'body');
  }

  /** Validates a value against one of the spec's component schemas (e.g. what a fake route returns). */
  validateSchema(name: string, value: unknown): string[] {
    const validate = this.compile(this.bodyAjv, `schema:${name}`, { $ref: `#/components/schemas/${name}` });
    return validate(value) ? [] : summarize(validate.errors, name);
  }

  private compile(ajv: Ajv2020, key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = ajv.compile(rebaseRefs(schema ?? {}) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function makeAjv(opts: { coerceTypes: boolean }): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: false, coerceTypes: opts.coerceTypes });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object.
  const mod = addFormatsModule as unknown as { default?: (a: Ajv2020) => Ajv2020 } & ((a: Ajv2020) => Ajv2020);
  (mod.default ?? mod)(ajv);
  ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
  ajv.addFormat('nonce', { type: 'string', validate: (s: string) => s.length <= 25 });
  return ajv;
}

function parameterDefs(value: unknown): ParameterDef[] {
  return (Array.isArray(value) ? value : []).filter(isObject).map((p) => ({
    name: String(p.name),
    in: String(p.in),
    required: p.required === true,
    schema: p.schema ?? {},
  }));
}

/** Inline operation schemas use "#/components/..." refs; point them at the registered spec. */
function rebaseRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebaseRefs);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : rebaseRefs(v);
  }
  return out;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Turns Ajv errors into short readable lines. Unions (oneOf/anyOf) report every branch's
 * failure; drop the noise (the union summary, "must be null" branches, type-discriminator
 * mismatches) when more specific errors remain.
 */
export function summarize(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  const all = errors ?? [];
  const noise = (e: ErrorObject): boolean =>
    e.keyword === 'oneOf' ||
    e.keyword === 'anyOf' ||
    (e.keyword === 'type' && JSON.stringify(e.params) === '{"type":"null"}') ||
    ((e.keyword === 'enum' || e.keyword === 'const') && e.instancePath.endsWith('/type'));
  const specific = all.filter((e) => !noise(e));
  const chosen = specific.length > 0 ? specific : all;
  const lines = chosen.map((e) => {
    const where = `${prefix}${e.instancePath}`;
    const detail = e.keyword === 'enum' ? ` ${JSON.stringify(e.params)}` : '';
    return `${where} ${e.message ?? e.keyword}${detail}`;
  });
  return [...new Set(lines)].slice(0, 12);
}
