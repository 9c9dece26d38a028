// Validation of one Compose file against the Compose specification's JSON schema
// (compose-spec.json, vendored from https://github.com/compose-spec/compose-spec
// schema/compose-spec.json at 170098ba, Apache License 2.0). The schema is compiled with ajv at
// build time (scripts/gen-compose-validator.mjs → dist/compose-validate.cjs); without a build it
// is compiled here on first use.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

let cached: Validator | undefined;

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('compose: cannot find the dockui package root');
}

function validator(): Validator {
  if (cached) return cached;
  const root = packageRoot();
  const require = createRequire(join(root, 'package.json'));
  const built = join(root, 'dist', 'compose-validate.cjs');
  if (existsSync(built)) cached = loadWithCodeCache(built, require) as Validator;
  else {
    const Ajv = (require('ajv') as { default: new (o: object) => { compile(s: unknown): Validator } }).default;
    const schema: unknown = JSON.parse(readFileSync(join(root, 'src/engine/compose/compose-spec.json'), 'utf8'));
    cached = new Ajv({ allErrors: false, strict: false, validateSchema: false }).compile(schema);
  }
  return cached;
}

let keepCache: (() => void) | undefined;

/**
 * The built validator (440 KB of generated code, 45-70 ms to compile on the loaded host) loaded
 * as bin/dockui.cjs loads the CLI: through vm.Script with V8's code cache, dist/v8-cache/
 * compose-validate.bin (rewritten when missing or refused, after the first validation so that
 * what it compiled is in it; a rebuild empties dist/v8-cache). Without write access: no cache.
 */
function loadWithCodeCache(file: string, req: NodeJS.Require): unknown {
  const cacheFile = join(dirname(file), 'v8-cache', 'compose-validate.bin');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const mod = { exports: {} as unknown };
  (script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void)(
    mod.exports,
    req,
    mod,
    file,
    dirname(file),
  );
  if (!cachedData || script.cachedDataRejected)
    keepCache = () => {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // a read-only install: no cache
      }
    };
  return mod.exports;
}

/** The first schema error of a file's (interpolated) value, or undefined when it is valid. */
export function schemaError(value: unknown): SchemaError | undefined {
  const v = validator();
  const ok = v(value);
  keepCache?.();
  keepCache = undefined;
  if (ok) return undefined;
  return v.errors?.[0] ?? { instancePath: '', keyword: 'schema', params: {}, message: 'does not match the Compose schema' };
}

/** "/services/web/ports/0" → ["services", "web", "ports", 0]. */
export function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** One line for a schema error: "services.web.ports.0 must be string". */
export function describeSchemaError(e: SchemaError): string {
  const at = pointerPath(e.instancePath).join('.') || 'the top level';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at === 'the top level' ? '' : at + ': '}unknown key ${JSON.stringify(e.params.additionalProperty)}`;
    case 'type':
      return `${at} must be ${String(e.params.type).replace(/,/g, ' or ')}`;
    case 'required':
      return `${at} needs ${JSON.stringify(e.params.missingProperty)}`;
    case 'enum':
      return `${at} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}
