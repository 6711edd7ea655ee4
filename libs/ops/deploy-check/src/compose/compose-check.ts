import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { formatSchemaErrors } from '../validate/schema-errors';

/** A compose file, parsed as Compose reads it (YAML merge keys resolved). */
export const readComposeFile = (file: string): Record<string, unknown> =>
  parse(fs.readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;

/**
 * Problems of a compose file against the compose-spec JSON schema (the one compose-go,
 * Docker Compose's loader, validates with): unknown keys, wrong types, bad values.
 */
export const validateCompose = (compose: unknown, schemaFile: string): string[] => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as object);
  return validate(compose) ? [] : formatSchemaErrors(validate.errors);
};
