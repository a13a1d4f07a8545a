/**
 * A readable API page rendered on the server from the OpenAPI document: no scripts, so it works
 * under the strict Content-Security-Policy, and always in step with the routes.
 */
import { FAVICON_PATH } from '../web/favicon.js';

interface OpenApiParameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
}

interface OpenApiOperation {
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly OpenApiParameter[];
}

export interface OpenApiDocument {
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description?: string;
  };
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Backticks become <code>, nothing else is interpreted. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function renderDocs(doc: OpenApiDocument): string {
  const sections = Object.entries(doc.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const params = (op.parameters ?? [])
          .map(
            (p) =>
              `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${inline(p.description ?? '')}</td></tr>`,
          )
          .join('');
        return `<section><h2><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
<p>${inline(op.summary ?? '')}</p>${op.description ? `<p>${inline(op.description)}</p>` : ''}
${params ? `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>meaning</th></tr></thead><tbody>${params}</tbody></table>` : ''}</section>`;
      }),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} API</title><link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml"><link rel="stylesheet" href="/docs/docs.css"></head>
<body><main><h1>${escapeHtml(doc.info.title)} API <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${inline(doc.info.description ?? '')} Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${sections}</main></body></html>`;
}

export const DOCS_CSS = `:root{color-scheme:light dark;font-family:system-ui,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1rem}section{border-top:1px solid #8884;padding:.5rem 0}
h2{font-size:1.05rem}.method{display:inline-block;min-width:3.5rem;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #8884;padding:.25rem .5rem;text-align:left;vertical-align:top}
code{font-family:ui-monospace,monospace}`;
