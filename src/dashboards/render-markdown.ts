/**
 * A text panel's Markdown → safe HTML, rendered on the server so the web app only inserts it
 * (no Markdown library in the bundle, no inline script or style: it passes the strict CSP).
 * markdown-it with raw HTML off escapes every tag an author writes; links keep only http(s),
 * mailto-free relative targets; images are off (they would fetch from anywhere).
 */
import MarkdownIt from 'markdown-it';
import { PLACEHOLDER } from './dashboard-schema.js';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.disable(['image']);
// Table alignment arrives as style="text-align:…", which the CSP (no inline styles) blocks
// with a console error: carry it as a class instead.
markdown.core.ruler.push('align_classes', (state) => {
  for (const token of state.tokens) {
    const style = token.attrGet('style');
    if (style === null) continue;
    const align = /^text-align:(left|right|center)$/.exec(String(style));
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    if (align) token.attrJoin('class', `align-${align[1]}`);
  }
});

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const ALLOWED_SCHEMES = new Set(['http', 'https']);

/**
 * A link target the panel may point to: http(s) or relative (`/datasets/x`, `#top`, `page`).
 * markdown-it has already decoded entities and percent-escapes it normalises, and control
 * characters or whitespace inside a scheme (`java\tscript:`) are stripped before the check.
 */
export function isSafeLink(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (compact.startsWith('//')) return false;
  const scheme = SCHEME.exec(compact);
  if (scheme === null)
    return !compact.includes(':') || compact.indexOf(':') > compact.search(/[/?#]/);
  return ALLOWED_SCHEMES.has((scheme[1] as string).toLowerCase());
}

markdown.validateLink = (url) => isSafeLink(url) && isSafeLink(safeDecode(url));

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

const NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A placeholder's number as the text shows it; "–" for no value. */
export function formatValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : NUMBER_FORMAT.format(value);
}

/** The HTML of `text` with each `{{ name }}` replaced by its formatted value. */
export function renderMarkdown(
  text: string,
  values: Readonly<Record<string, number | null>> = {},
): string {
  const filled = text.replace(PLACEHOLDER, (_match, name: string) =>
    formatValue(Object.hasOwn(values, name) ? values[name] : null),
  );
  return markdown.render(filled);
}
