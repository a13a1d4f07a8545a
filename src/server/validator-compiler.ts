/**
 * The request validator: zod schemas through fastify-type-provider-zod, except the query
 * schemas of the data API, which document rather than check. Every query string the parser
 * gives (string or string[] values) passes them, and the engine's own parser then checks each
 * parameter by name with the answer SPEC §9 asks for; running zod first only copied the object
 * on the hottest routes.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

const documentOnly = new WeakSet<object>();

/** Marks a schema that every value of its HTTP part passes: OpenAPI shows it, nothing runs it. */
export function documentsOnly<T extends ZodType>(schema: T): T {
  documentOnly.add(schema);
  return schema;
}

const passThrough = (value: unknown) => ({ value });

export const compileValidator: FastifySchemaCompiler<ZodType> = (route) =>
  documentOnly.has(route.schema) ? passThrough : validatorCompiler(route);
