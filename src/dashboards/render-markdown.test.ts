import { describe, expect, it } from 'vitest';
import { formatValue, isSafeLink, renderMarkdown } from './render-markdown.js';

const TAGS = new Set(
  'p h1 h2 h3 h4 h5 h6 em strong code pre ul ol li a blockquote hr br table thead tbody tr th td s'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(['href', 'title', 'class', 'start']);

/**
 * Every real tag of `html` (markdown-it escapes quotes in attribute values, so a value never
 * holds a `"`): only text elements, only inert attributes, links only http(s) or relative.
 */
function expectInert(html: string): void {
  const tag = /<\/?([A-Za-z][A-Za-z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g;
  const stripped = html.replace(tag, (_whole, name: string, attributes: string) => {
    expect(TAGS.has(name.toLowerCase()), `tag <${name}>`).toBe(true);
    for (const [, attribute, value] of attributes.matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) {
      expect(ATTRIBUTES.has(String(attribute).toLowerCase()), `attribute ${attribute}`).toBe(true);
      if (attribute === 'href') {
        const decoded = String(value).replace(/&amp;/g, '&');
        expect(isSafeLink(decoded), `href ${decoded}`).toBe(true);
      }
    }
    return '';
  });
  // What is left is text: any "<" in it is escaped.
  expect(stripped).not.toContain('<');
}

const XSS_CORPUS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<iframe src="https://evil.example"></iframe>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](&#x6A;&#x61;vascript:alert(1))',
  '[click](javascript&colon;alert(1))',
  '[click](%6Aavascript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '[click](//evil.example/path)',
  '[ref][x]\n\n[x]: javascript:alert(1)',
  '<javascript:alert(1)>',
  '![img](https://evil.example/pixel.png)',
  '![img](javascript:alert(1))',
  '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
  '`<script>`',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<scr<script>ipt>alert(1)</script>',
  '<!-- <script>alert(1)</script> -->',
  '<a href=# onclick=alert(1)>x</a>',
  '{{ total }}<script>',
];

describe('renderMarkdown', () => {
  it('renders Markdown: headings, emphasis, lists, code, tables and links', () => {
    const html = renderMarkdown(
      '## Summary\n\n*Some* **text**, `code` and [docs](https://example.com/a?b=1) and [page](/datasets/x).\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    );
    expect(html).toContain('<h2>Summary</h2>');
    expect(html).toContain('<em>Some</em> <strong>text</strong>, <code>code</code>');
    expect(html).toContain('<a href="https://example.com/a?b=1">docs</a>');
    expect(html).toContain('<a href="/datasets/x">page</a>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<td>1</td>');
  });

  it('fills {{ name }} placeholders with formatted numbers', () => {
    expect(
      renderMarkdown('Total {{ total }}, mean {{mean}}, none {{ none }}.', {
        total: 12345.678,
        mean: 0.5,
        none: null,
      }),
    ).toBe('<p>Total 12,345.68, mean 0.5, none –.</p>\n');
    expect(formatValue(Number.NaN)).toBe('–');
  });

  it.each(XSS_CORPUS)('leaves nothing that runs: %s', (text) => {
    const html = renderMarkdown(text, { total: 1 });
    expectInert(html);
    expect(html).not.toMatch(/href="[^"]*(?:javascript|vbscript|data):/i);
    expect(html).not.toMatch(/href="\/\//);
    expect(html).not.toContain('<script');
  });

  it('escapes raw HTML as text instead of dropping it', () => {
    expect(renderMarkdown('<b>bold</b> & co')).toBe('<p>&lt;b&gt;bold&lt;/b&gt; &amp; co</p>\n');
  });

  it('aligns table columns with classes, not inline styles (the CSP blocks those)', () => {
    const html = renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |\n');
    expect(html).toContain('<th class="align-center">a</th>');
    expect(html).toContain('<td class="align-right">2</td>');
    expect(html).not.toContain('style');
  });
});

describe('isSafeLink', () => {
  it('accepts http(s) and relative links only', () => {
    for (const url of [
      'https://a.example',
      'http://a.example/x',
      '/x',
      'x/y',
      '#top',
      '?q=1',
      'a/b:c',
    ])
      expect(isSafeLink(url), url).toBe(true);
    for (const url of [
      'javascript:x',
      'data:x',
      'mailto:a@b',
      'ftp://x',
      'file:///etc/passwd',
      '//evil',
      ' javascript:x',
      'java\nscript:x',
    ])
      expect(isSafeLink(url), url).toBe(false);
  });
});
