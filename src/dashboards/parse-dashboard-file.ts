/**
 * One dashboard file's text → its definition, or every problem in it, each with the path in
 * the file and its line, so that an author can go straight to the mistake.
 */
import { LineCounter, isNode, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { DashboardDefinition, DashboardProblem } from '../shared/dashboard-types.js';
import { dashboardFileSchema } from './dashboard-schema.js';
import { normalizeDashboard } from './normalize-dashboard.js';

export type ParseResult =
  | { readonly ok: true; readonly definition: DashboardDefinition }
  | {
      readonly ok: false;
      readonly problems: DashboardProblem[];
      readonly title: string | undefined;
    };

/** `['panels', 2, 'type']` → `panels[2].type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The line of the deepest node on `path` that exists in the document. */
function lineOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Line and column of character `position` (1-based) inside the scalar at `path`: where a
 * computed measure's problem is. Quoted scalars start one character later; escapes inside
 * them are rare in a measure and would shift the column only.
 */
function positionIn(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
  position: number,
): { line: number; column: number } | undefined {
  const node = doc.getIn(path as unknown[], true);
  if (!isScalar(node) || !node.range) return undefined;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  const { line, col } = counter.linePos(node.range[0] + quoted + position - 1);
  return { line, column: col };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  return issue.message;
}

function titleOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const title = (raw as Record<string, unknown>)['title'];
  return typeof title === 'string' && title.trim() !== '' ? title : undefined;
}

/** Parse and validate one dashboard; `file` is how problems name it. */
export function parseDashboardFile(text: string, file: string, id: string): ParseResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => ({
      file,
      path: '',
      line: counter.linePos(error.pos[0]).line,
      message: `not valid YAML: ${error.message.split('\n')[0] ?? error.code}`,
    }));
    return { ok: false, problems, title: undefined };
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [
        {
          file,
          path: '',
          line: 1,
          message: 'a dashboard is a mapping of title, dataset, filters and panels',
        },
      ],
      title: undefined,
    };
  }
  const parsed = dashboardFileSchema.safeParse(raw);
  if (parsed.success) return { ok: true, definition: normalizeDashboard(parsed.data, id, file) };
  const problems = parsed.error.issues.map((issue) => {
    // An unknown key's own node is the better place to point at than its parent mapping.
    const path =
      issue.code === 'unrecognized_keys' && issue.keys.length === 1
        ? [...issue.path, issue.keys[0] as string]
        : issue.path;
    const position =
      issue.code === 'custom' && typeof issue.params?.['position'] === 'number'
        ? positionIn(doc, counter, path, issue.params['position'])
        : undefined;
    const line = position?.line ?? lineOf(doc, counter, path);
    return {
      file,
      path: formatPath(path),
      ...(line !== undefined && { line }),
      ...(position !== undefined && { column: position.column }),
      message: issueMessage(issue),
    };
  });
  return { ok: false, problems, title: titleOf(raw) };
}

/** `file:line path: message`, the one-line form used in logs and on the page. */
export function describeProblem(problem: DashboardProblem): string {
  const where =
    problem.line === undefined
      ? problem.file
      : `${problem.file}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where} ${problem.path}: ${problem.message}`;
}
