/**
 * The configuration reference rendered from a JSON Schema of the shape zod 4's z.toJSONSchema emits
 * (scripts/config-reference.ts), and how `npm run config:docs` places it (scripts/config-docs.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, REFERENCE_END, REFERENCE_START, renderedSchemaFile, withReference } from '../../scripts/config-docs';
import { renderConfigReference, type JsonSchema } from '../../scripts/config-reference';

const schema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 3, maxLength: 24, pattern: '^[a-z]+$', description: 'Prefix of every resource name.' },
    logLevel: { default: 'info', type: 'string', enum: ['debug', 'info'], description: 'Either `debug` | `info`.' },
    stage: { default: null, type: ['string', 'null'], allOf: [{ pattern: '^[a-z]' }, { pattern: '[a-z0-9]$' }] },
    terraform: {
      type: 'object',
      properties: {
        backend: {
          default: { type: 'local' },
          oneOf: [
            { type: 'object', properties: { type: { type: 'string', const: 'local' }, path: { type: 'string' } }, required: ['type'], additionalProperties: false },
            {
              type: 'object',
              properties: { type: { type: 'string', const: 's3' }, bucket: { type: 'string' }, region: { type: 'string', description: 'Default: the deployment region.' } },
              required: ['type', 'bucket'],
              additionalProperties: false,
            },
          ],
        },
        workspace: {
          anyOf: [
            { type: 'string' },
            { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } }, required: ['tags'], additionalProperties: false },
          ],
        },
        environment: {
          type: 'object',
          propertyNames: { type: 'string' },
          additionalProperties: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'], additionalProperties: false },
        },
      },
      additionalProperties: false,
    },
    identity: {
      type: 'object',
      description: 'The user pool.',
      properties: {
        userPool: {
          anyOf: [
            {
              type: 'object',
              properties: {
                create: {
                  type: 'object',
                  properties: {
                    domain: { type: 'object', properties: { prefix: { type: 'string' } }, required: ['prefix'], additionalProperties: false },
                    accessTokenValidityMinutes: { default: 60, type: 'integer', minimum: 5, maximum: 1440 },
                    refreshTokenValidityDays: { type: 'integer', minimum: 1, maximum: 9007199254740991 },
                    maxUsers: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
                  },
                  required: ['domain'],
                  additionalProperties: false,
                },
              },
              required: ['create'],
              additionalProperties: false,
            },
            { type: 'object', properties: { existing: { $ref: '#/$defs/ExistingPool' } }, required: ['existing'], additionalProperties: false },
          ],
        },
        machineClients: {
          default: [],
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' }, minItems: 1 } },
            required: ['name', 'scopes'],
            additionalProperties: false,
          },
        },
      },
      required: ['userPool'],
      additionalProperties: false,
    },
    tools: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, inputSchema: { description: 'The tool input schema.', $ref: '#/$defs/Schema' } },
        required: ['name', 'inputSchema'],
        additionalProperties: false,
      },
    },
  },
  required: ['name', 'identity'],
  additionalProperties: false,
  $defs: {
    ExistingPool: { type: 'object', properties: { userPoolId: { type: 'string', description: '`<region>_<id>`.' } }, required: ['userPoolId'], additionalProperties: false },
    Schema: { description: 'A JSON Schema document.', $ref: '#/$defs/__schema0' },
    __schema0: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        properties: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { $ref: '#/$defs/Schema' } },
        items: { $ref: '#/$defs/Schema' },
      },
    },
  },
} as JsonSchema;

const reference = renderConfigReference(schema);
const lines = reference.split('\n');

describe('renderConfigReference', () => {
  it('puts the top-level scalars under "Top level" and every other top-level property in its own section, in schema order', () => {
    expect(lines.filter((l) => l.startsWith('## '))).toEqual(['## Top level', '## `terraform`', '## `identity`', '## `tools`', '## `Schema`']);
    expect(reference).toContain('## `identity`\n\nThe user pool. Required.\n');
  });

  it('marks required fields, shows ranges and patterns, lists enums and escapes | in cells', () => {
    expect(lines).toContain('| `name` | `string (3–24 chars)` | **required** | Prefix of every resource name. Pattern `^[a-z]+$`. |');
    expect(lines).toContain("| `logLevel` | `'debug' \\| 'info'` | `'info'` | Either `debug` \\| `info`. |");
    expect(lines).toContain('| `userPool.create.accessTokenValidityMinutes` | `integer (5–1440)` | `60` |  |');
    expect(lines).toContain('| `userPool.create.refreshTokenValidityDays` | `integer (≥ 1)` | — |  |');
    expect(lines).toContain('| `userPool.create.maxUsers` | `integer` | — |  |');
  });

  it('merges allOf patterns and renders nullable types', () => {
    expect(lines).toContain('| `stage` | `string \\| null` | `null` | Pattern `^[a-z]` and `[a-z0-9]$`. |');
  });

  it('renders the object branch of a mixed union at the same path and records of objects by <key>', () => {
    expect(lines).toContain('| `workspace` | `string \\| { tags }` | — |  |');
    expect(lines).toContain('| `workspace.tags` | `string[]` | **required** |  |');
    expect(lines).toContain('| `environment.<key>.value` | `string` | **required** |  |');
  });

  it('renders nested objects and keyed alternatives by their key path, inlining a non-recursive $ref', () => {
    expect(lines).toContain('| `userPool` | `{ create } \\| { existing }` | **required** |  |');
    expect(lines).toContain('| `userPool.create.domain` | `{ prefix }` | **required** |  |');
    expect(lines).toContain('| `userPool.create.domain.prefix` | `string` | **required** |  |');
    expect(lines).toContain('| `userPool.existing.userPoolId` | `string` | **required** | `<region>_<id>`. |');
  });

  it('labels discriminated-union branches by their discriminator and renders object defaults as code', () => {
    expect(lines).toContain("| `backend` | `{ type: 'local', … } \\| { type: 's3', bucket, … }` | `{ type: 'local' }` |  |");
    expect(lines).toContain('| `backend (type: "local").path` | `string` | — |  |');
    expect(lines).toContain('| `backend (type: "s3").bucket` | `string` | **required** |  |');
    expect(lines).toContain('| `backend (type: "s3").region` | `string` | — | Default: the deployment region. |');
    expect(reference).not.toContain('.type`');
  });

  it('renders arrays of objects as path[] rows, with the array default and item constraints', () => {
    expect(lines).toContain('| `machineClients` | `{ name, scopes }[]` | `[]` |  |');
    expect(lines).toContain('| `machineClients[].name` | `string` | **required** |  |');
    expect(lines).toContain('| `machineClients[].scopes` | `string[] (≥ 1 items)` | **required** |  |');
    expect(lines).toContain('| `[].name` | `string` | **required** |  |');
  });

  it('renders a recursive $ref once, in its own section, and links to it from every use', () => {
    expect(lines).toContain('| `[].inputSchema` | [`Schema`](#schema) | **required** | The tool input schema. |');
    expect(reference).toContain('## `Schema`\n\nA JSON Schema document. Recursive: where it contains itself, the field links back here.\n');
    expect(lines).toContain('| `properties` | Record<string, [`Schema`](#schema)> | — |  |');
    expect(lines).toContain('| `items` | [`Schema`](#schema) | — |  |');
    expect(reference.match(/^## `Schema`$/gm)).toHaveLength(1);
  });

  it('renders the items of a list branch of a union (a list of definitions or an S3 object) and leaves non-empty strings unmarked', () => {
    const tools: JsonSchema = {
      type: 'object',
      properties: {
        target: {
          type: 'object',
          properties: {
            tools: {
              anyOf: [
                { type: 'array', minItems: 1, items: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false } },
                { type: 'object', properties: { s3Uri: { type: 'string', minLength: 1 } }, required: ['s3Uri'], additionalProperties: false },
              ],
            },
          },
          required: ['tools'],
          additionalProperties: false,
        },
      },
    };
    const rows = renderConfigReference(tools).split('\n');
    expect(rows).toContain('| `tools[].name` | `string` | **required** |  |');
    expect(rows).toContain('| `tools.s3Uri` | `string` | **required** |  |');
  });

  it('is deterministic', () => {
    expect(renderConfigReference(structuredClone(schema))).toBe(reference);
    expect(reference.endsWith('|\n')).toBe(true);
  });
});

describe('config:docs files', () => {
  it('writes the schema as 2-space JSON with a trailing newline', () => {
    expect(renderedSchemaFile({ type: 'object', required: ['name'] })).toBe('{\n  "type": "object",\n  "required": [\n    "name"\n  ]\n}\n');
  });

  it('replaces only the text between the markers, idempotently', () => {
    const markdown = `# Configuration\n\nIntro.\n\n${REFERENCE_START}\nold reference\n${REFERENCE_END}\n\n## Terraform inputs\n`;
    const updated = withReference(markdown, '## Top level\n\nnew\n');
    expect(updated).toBe(`# Configuration\n\nIntro.\n\n${REFERENCE_START}\n\n## Top level\n\nnew\n\n${REFERENCE_END}\n\n## Terraform inputs\n`);
    expect(withReference(updated, '## Top level\n\nnew\n')).toBe(updated);
  });

  it.each([
    ['no markers', '# Configuration\n'],
    ['only the start marker', `${REFERENCE_START}\n`],
    ['the markers in the wrong order', `${REFERENCE_END}\n${REFERENCE_START}\n`],
    ['the start marker twice', `${REFERENCE_START}\n${REFERENCE_START}\n${REFERENCE_END}\n`],
  ])('throws a clear error naming the file and markers with %s', (_case, markdown) => {
    expect(() => withReference(markdown, 'x', 'docs/configuration.md')).toThrow(
      'docs/configuration.md must contain <!-- config-reference:start --> and then <!-- config-reference:end -->, once each',
    );
  });
});

describe('npm run config:docs', () => {
  let root: string;
  let stderr: string[];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-docs-'));
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'docs/configuration.md'), `# Configuration\n\n${REFERENCE_START}\nold\n${REFERENCE_END}\n\n## Outputs\n`);
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('--check names each stale file and writes nothing; a run writes both; then --check passes', () => {
    expect(main(['--check'], root)).toBe(1);
    expect(stderr).toEqual([
      'config.schema.json is out of date: run npm run config:docs\n',
      'docs/configuration.md is out of date: run npm run config:docs\n',
    ]);
    expect(fs.existsSync(path.join(root, 'config.schema.json'))).toBe(false);

    expect(main([], root)).toBe(0);
    const docs = fs.readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
    expect(docs.startsWith(`# Configuration\n\n${REFERENCE_START}\n\n## `)).toBe(true);
    expect(docs.endsWith(`|\n\n${REFERENCE_END}\n\n## Outputs\n`)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'config.schema.json'), 'utf8'))).toHaveProperty('type', 'object');

    stderr = [];
    expect(main(['--check'], root)).toBe(0);
    expect(stderr).toEqual([]);
  });

  it('--check names only the file that went stale', () => {
    expect(main([], root)).toBe(0);
    fs.appendFileSync(path.join(root, 'config.schema.json'), ' ');
    expect(main(['--check'], root)).toBe(1);
    expect(stderr).toEqual(['config.schema.json is out of date: run npm run config:docs\n']);
  });
});
