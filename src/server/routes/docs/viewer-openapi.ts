/**
 * `/openapi.json` for one viewer: the generated document with the `{id}` parameters of the
 * dataset and dashboard paths narrowed to the ids this viewer may read, so a client generator
 * (or a curious reader) learns only of datasets it can use and private ones are left out.
 */
interface Parameter {
  readonly in?: string;
  readonly name?: string;
  readonly schema?: Record<string, unknown>;
}

type Doc = { readonly paths?: Record<string, Record<string, unknown>> } & Record<string, unknown>;

function withEnum(parameters: unknown, ids: readonly string[]): unknown {
  if (!Array.isArray(parameters)) return parameters;
  return parameters.map((parameter: Parameter) =>
    parameter.in === 'path' && parameter.name === 'id'
      ? { ...parameter, schema: { ...parameter.schema, enum: [...ids] } }
      : parameter,
  );
}

export function viewerOpenApi(
  doc: Doc,
  readable: { readonly datasets: readonly string[]; readonly dashboards: readonly string[] },
): Doc {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [url, item] of Object.entries(doc.paths ?? {})) {
    const ids = url.startsWith('/api/v1/datasets/{id}')
      ? readable.datasets
      : url.startsWith('/api/v1/dashboards/{id}')
        ? readable.dashboards
        : undefined;
    if (ids === undefined) {
      paths[url] = item;
      continue;
    }
    const narrowed: Record<string, unknown> = {};
    for (const [method, operation] of Object.entries(item)) {
      narrowed[method] =
        typeof operation === 'object' && operation !== null
          ? {
              ...operation,
              parameters: withEnum((operation as { parameters?: unknown }).parameters, ids),
            }
          : operation;
    }
    paths[url] = narrowed;
  }
  return { ...doc, paths };
}
