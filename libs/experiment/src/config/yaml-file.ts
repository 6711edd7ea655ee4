import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

/** A config or price file that cannot be used; the message names the file, the field and what is allowed. */
export class ConfigFileError extends Error {
  readonly code = 'EXPERIMENT.CONFIG_INVALID';
  readonly retriable = false;
  constructor(
    readonly file: string,
    /** One line per problem: `field: what is allowed, got <value> (line N)`. */
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `${file}: ${problems[0]}`
        : `${file}: ${problems.length} problems\n${problems.map((problem) => `  ${file}: ${problem}`).join('\n')}`,
    );
    this.name = 'ConfigFileError';
  }
}

/** How a file is named in messages: relative to the working directory when inside it. */
export const displayPath = (file: string): string => {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
};

/** `k[1]`, `workloads[0].keys.exponent`, `replicas.2`. */
export const formatFieldPath = (segments: readonly (string | number)[]): string =>
  segments.reduce<string>(
    (acc, segment) =>
      typeof segment === 'number' ? `${acc}[${segment}]` : acc ? `${acc}.${segment}` : segment,
    '',
  ) || '(top level)';

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  const json = JSON.stringify(value);
  return json && json.length > 60 ? `${json.slice(0, 57)}...` : String(json);
};

const valueAt = (root: unknown, segments: readonly (string | number)[]): unknown =>
  segments.reduce<unknown>(
    (node, segment) =>
      node !== null && typeof node === 'object'
        ? (node as Record<string, unknown>)[String(segment)]
        : undefined,
    root,
  );

const lineAt = (
  doc: Document,
  lineCounter: LineCounter,
  segments: readonly (string | number)[],
  key?: string,
): number | undefined => {
  const node = segments.length === 0 ? doc.contents : doc.getIn(segments, true);
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  }
  const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
  if (offset !== undefined) return lineCounter.linePos(offset).line;
  // A missing field: point at its parent.
  return segments.length > 0 ? lineAt(doc, lineCounter, segments.slice(0, -1)) : undefined;
};

/** The field names an object schema accepts at a path (for "unknown field" messages). */
export const allowedKeysAt = (
  schema: z.ZodTypeAny,
  segments: readonly (string | number)[],
): string[] => {
  let node: z.ZodTypeAny | undefined = schema;
  const unwrap = (current: z.ZodTypeAny): z.ZodTypeAny => {
    let inner = current;
    for (;;) {
      if (inner instanceof z.ZodEffects) inner = inner.innerType();
      else if (inner instanceof z.ZodDefault) inner = inner._def.innerType;
      else if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable)
        inner = inner.unwrap();
      else return inner;
    }
  };
  for (const segment of segments) {
    if (!node) return [];
    const current = unwrap(node);
    if (current instanceof z.ZodObject)
      node = (current.shape as Record<string, z.ZodTypeAny>)[String(segment)];
    else if (current instanceof z.ZodArray) node = current.element;
    else if (current instanceof z.ZodRecord) node = current.valueSchema;
    else return [];
  }
  if (!node) return [];
  const target = unwrap(node);
  if (target instanceof z.ZodObject) return Object.keys(target.shape as object);
  if (target instanceof z.ZodDiscriminatedUnion) {
    const options = target.options as z.ZodObject<z.ZodRawShape>[];
    return [...new Set(options.flatMap((option) => Object.keys(option.shape)))];
  }
  return [];
};

/** Turns zod issues into one readable line each, with the offending value and the YAML line. */
export const describeConfigIssues = (
  issues: readonly z.ZodIssue[],
  raw: unknown,
  schema: z.ZodTypeAny,
  doc?: Document,
  lineCounter?: LineCounter,
): string[] =>
  issues.flatMap((issue) => {
    const where = (segments: readonly (string | number)[], key?: string) => {
      const line = doc && lineCounter ? lineAt(doc, lineCounter, segments, key) : undefined;
      return line === undefined ? '' : ` (line ${line})`;
    };
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      const allowed = allowedKeysAt(schema, issue.path);
      return issue.keys.map(
        (key) =>
          `${formatFieldPath([...issue.path, key])}: unknown field${allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : ''}${where(issue.path, key)}`,
      );
    }
    // A record key outside an enum (e.g. an operation name): the key is the problem, not its value.
    if (
      issue.code === z.ZodIssueCode.invalid_enum_value &&
      issue.path[issue.path.length - 1] === issue.received
    ) {
      return [
        `${formatFieldPath(issue.path)}: unknown name "${String(issue.received)}"; ${issue.message}${where(issue.path.slice(0, -1), String(issue.received))}`,
      ];
    }
    const value = valueAt(raw, issue.path);
    const got =
      issue.code === z.ZodIssueCode.custom && value !== undefined && typeof value === 'object'
        ? ''
        : `, got ${describeValue(value)}`;
    return [`${formatFieldPath(issue.path)}: ${issue.message}${got}${where(issue.path)}`];
  });

/** Validates YAML text with `schema`; every failure names `shownName` (the file as the user wrote it). */
export const parseYamlText = <S extends z.ZodTypeAny>(
  source: string,
  shownName: string,
  schema: S,
): z.output<S> => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      shownName,
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        const message = (error.message.split('\n')[0] ?? '').replace(
          / at line \d+, column \d+:?$/,
          '',
        );
        return `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}not valid YAML: ${message}`;
      }),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigFileError(shownName, [
      `(top level): expected a mapping of fields, got ${describeValue(raw)}`,
    ]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigFileError(
      shownName,
      describeConfigIssues(parsed.error.issues, raw, schema, doc, lineCounter),
    );
  }
  return parsed.data as z.output<S>;
};

/** Reads a YAML file and validates it with `schema`; every failure names the file. */
export const loadYamlFile = <S extends z.ZodTypeAny>(file: string, schema: S): z.output<S> => {
  const shown = displayPath(file);
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileError(shown, [
      code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`,
    ]);
  }
  return parseYamlText(source, shown, schema);
};
