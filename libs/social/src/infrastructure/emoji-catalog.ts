import { gemoji } from 'gemoji';

interface EmojiEntry {
  /** The character(s) shown. */
  emoji: string;
  /** The emoji's name, GitLab's `title` attribute. */
  description: string;
}

/**
 * The emoji names a status may use, from `gemoji` (GitHub's emoji list, the `:shortcode:` names
 * GitLab's own list uses as well), kept current by updating the package.
 */
const BY_NAME = new Map<string, EmojiEntry & { name: string }>();
const BY_CHARACTER = new Map<string, string>();
for (const entry of gemoji) {
  for (const name of entry.names) BY_NAME.set(name, { name, emoji: entry.emoji, description: entry.description });
  if (!BY_CHARACTER.has(entry.emoji)) BY_CHARACTER.set(entry.emoji, entry.names[0]);
}

export function isKnownEmoji(name: string): boolean {
  return BY_NAME.has(name);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);

function glEmoji(name: string): string {
  const entry = BY_NAME.get(name)!;
  return `<gl-emoji title="${escapeHtml(entry.description)}" data-name="${escapeHtml(entry.name)}">${entry.emoji}</gl-emoji>`;
}

/** Longest first, so a sequence (a flag, a family) wins over the single emoji it starts with. */
const CHARACTERS = new RegExp(
  [...BY_CHARACTER.keys()]
    .sort((a, b) => b.length - a.length)
    .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gu',
);

/**
 * A status message as GitLab's emoji pipeline renders it: the text HTML-escaped, then each
 * `:name:` of a known emoji, and each emoji character, as a `<gl-emoji>` element. Unknown
 * `:words:` stay as they are. Not Markdown: GitLab's pipeline for statuses is not either.
 */
export function renderStatusMessage(message: string | null): string {
  if (!message) return '';
  const escaped = escapeHtml(message);
  // Characters first: the `<gl-emoji>` a shortcode becomes contains its character, which must not be wrapped again.
  const withCharacters = escaped.replace(CHARACTERS, (char) => glEmoji(BY_CHARACTER.get(char)!));
  return withCharacters.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => (BY_NAME.has(name) ? glEmoji(name) : whole));
}
