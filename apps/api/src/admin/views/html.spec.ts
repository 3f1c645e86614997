import { describe, expect, it } from '@jest/globals';
import { escapeHtml, html, SafeHtml } from './html.js';

describe('html templates', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it('keeps nested templates as markup and escapes the strings inside arrays', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
    expect(html`${['<i>', new SafeHtml('<b>')]}`.value).toBe('&lt;i&gt;<b>');
  });

  it('renders null, undefined and false as nothing, numbers and true as text', () => {
    expect(html`[${null}${undefined}${false}${0}${true}]`.value).toBe('[0true]');
  });

  it('escapeHtml leaves text without special characters as it is', () => {
    expect(escapeHtml('plain text 123')).toBe('plain text 123');
  });
});
