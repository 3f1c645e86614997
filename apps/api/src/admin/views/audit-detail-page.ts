import type { AuditEventRow } from '@app/activity';
import { AUDIT_PATH } from '../admin-paths.js';
import { utcTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type SignedInAdmin } from './layout.js';

interface Change {
  attribute: string;
  before: unknown;
  after: unknown;
}

/**
 * The changes a row records, in the shapes the audit mappings write: one `from`/`to` pair (named by
 * `change`, or a custom attribute's key), or a `changes` object of pairs (settings updated at once).
 */
export function changesOf(details: Record<string, unknown>): Change[] {
  const changes = details.changes;
  if (changes && typeof changes === 'object' && !Array.isArray(changes)) {
    return Object.entries(changes as Record<string, unknown>).map(([attribute, pair]) => {
      const { from, to } = (pair ?? {}) as { from?: unknown; to?: unknown };
      return { attribute, before: from, after: to };
    });
  }
  if (!('from' in details) && !('to' in details)) return [];
  const key = details.custom_attribute_key;
  const attribute = typeof key === 'string' ? `custom attribute ${key}` : typeof details.change === 'string' ? details.change : 'value';
  return [{ attribute, before: details.from, after: details.to }];
}

function value(content: unknown): SafeHtml {
  if (content === undefined || content === null || content === '') return html`<span class="muted">(none)</span>`;
  if (typeof content === 'string') return html`${content}`;
  return html`<code>${JSON.stringify(content)}</code>`;
}

function changeTable(changes: Change[]): SafeHtml {
  if (!changes.length) return html``;
  return html`<section aria-labelledby="changes-heading">
      <h2 id="changes-heading">Before and after</h2>
      <table class="changes">
        <thead><tr><th scope="col">Attribute</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
        <tbody>${changes.map((change) => html`<tr><th scope="row">${change.attribute}</th><td>${value(change.before)}</td><td>${value(change.after)}</td></tr>`)}</tbody>
      </table>
    </section>`;
}

/** `GET /admin/audit/:id`: every field of one row, its details, and the values it changed side by side. */
export function auditDetailPage(admin: SignedInAdmin, event: AuditEventRow, backQuery: string): string {
  const details = event.details ?? {};
  const entries: [string, unknown][] = [
    ['ID', String(event.id)],
    ['Time', utcTime(event.created_at)],
    ['Event name', event.event_name],
    ['Author', `${typeof details.author_name === 'string' ? details.author_name : '(unknown)'} (user id ${event.author_id})`],
    ['Target', `${typeof details.target_details === 'string' ? details.target_details : '(unknown)'} (${event.entity_type} ${event.entity_id})`],
    ['Message', details.custom_message],
    ['IP address', details.ip_address],
  ];
  const body = html`<p><a href="${`${AUDIT_PATH}${backQuery}`}">← Back to the audit log</a></p>
    <h1>Audit event ${event.id}: ${event.event_name}</h1>
    <dl class="fields">${entries.map(([term, content]) => html`<dt>${term}</dt><dd>${value(content)}</dd>`)}</dl>
    ${changeTable(changesOf(details))}
    <section aria-labelledby="details-heading">
      <h2 id="details-heading">All details</h2>
      <dl class="fields">${Object.entries(details).map(([key, content]) => html`<dt><code>${key}</code></dt><dd>${value(content)}</dd>`)}</dl>
    </section>`;
  return layout({ title: `Audit event ${event.id}`, body, admin, section: 'audit' });
}
