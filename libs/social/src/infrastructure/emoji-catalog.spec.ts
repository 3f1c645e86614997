import { describe, expect, it } from '@jest/globals';
import { isKnownEmoji, renderStatusMessage } from './emoji-catalog.js';

describe('emoji catalog', () => {
  it('knows the names GitLab statuses use, and nothing made up', () => {
    for (const name of ['speech_balloon', 'coffee', 'palm_tree', '+1', 'thumbsup', 'red_circle']) expect([name, isKnownEmoji(name)]).toEqual([name, true]);
    for (const name of ['', 'nope', 'Coffee', ':coffee:', 'coffee ']) expect([name, isKnownEmoji(name)]).toEqual([name, false]);
  });

  it('renders message_html: escaped text, :names: and emoji characters as <gl-emoji>, unknown :words: kept', () => {
    expect(renderStatusMessage('I crave coffee :coffee:')).toBe('I crave coffee <gl-emoji title="hot beverage" data-name="coffee">☕</gl-emoji>');
    expect(renderStatusMessage('<b>"Tom" & \'Jerry\'</b> :nope:')).toBe('&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt; :nope:');
    expect(renderStatusMessage('☕')).toBe('<gl-emoji title="hot beverage" data-name="coffee">☕</gl-emoji>');
    expect(renderStatusMessage(null)).toBe('');
  });
});
