// Validation of one Compose file against the Compose specification's JSON schema
// (compose-spec.json, vendored from https://github.com/compose-spec/compose-spec
// schema/compose-spec.json at 170098ba, Apache License 2.0). The schema is compiled with ajv at
// build time (scripts/gen-compose-validator.mjs → dist/compose-validate.cjs); without a build it
// is compiled here on first use.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  if (existsSync(built)) cached = require(built) as Validator;
  else {
    const Ajv = (require('ajv') as { default: new (o: object) => { compile(s: unknown): Validator } }).default;
    const schema: unknown = JSON.parse(readFileSync(join(root, 'src/engine/compose/compose-spec.json'), 'utf8'));
    cached = new Ajv({ allErrors: false, strict: false, validateSchema: false }).compile(schema);
  }
  return cached;
}

/** The first schema error of a file's (interpolated) value, or undefined when it is valid. */
export function schemaError(value: unknown): SchemaError | undefined {
  const v = validator();
  if (v(value)) return undefined;
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
