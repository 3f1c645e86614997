import { AUDIT_EVENT_NAMES, type AuditEventRow } from '@app/activity';
import { AUDIT_EXPORT_PATH, AUDIT_PATH } from '../admin-paths.js';
import { reviewQueryString, type FilterValues } from '../audit-review-query.js';
import { utcTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type SignedInAdmin } from './layout.js';

export interface AuditListView {
  admin: SignedInAdmin;
  values: FilterValues;
  errors: string[];
  rows: AuditEventRow[];
  /** The cursor of this page, when it is not the first. */
  cursor: string | null;
  /** The cursor of the next page, when there is one. */
  nextCursor: string | null;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

function field(name: keyof FilterValues, label: string, value: string, attributes: SafeHtml, hint?: string): SafeHtml {
  const hintId = `${name}-hint`;
  return html`<div class="field">
      <label for="${name}">${label}</label>
      <input id="${name}" name="${name}" value="${value}" ${attributes}${hint ? html` aria-describedby="${hintId}"` : ''}>
      ${hint ? html`<span class="hint" id="${hintId}">${hint}</span>` : ''}
    </div>`;
}

function filterForm(values: FilterValues): SafeHtml {
  return html`<form method="get" action="${AUDIT_PATH}" class="filters" role="search" aria-label="Filter audit events">
    ${field('author_id', 'Author', values.author_id, html`type="text" inputmode="numeric" autocomplete="off"`, 'User id of who did it')}
    ${field('target_user_id', 'Target user', values.target_user_id, html`type="text" inputmode="numeric" autocomplete="off"`, 'User id the event is about')}
    ${field('event_name', 'Event name', values.event_name, html`type="text" list="event-names" autocomplete="off" spellcheck="false"`, 'Any name; suggestions listed')}
    <datalist id="event-names">${AUDIT_EVENT_NAMES.map((name) => html`<option value="${name}"></option>`)}</datalist>
    ${field('created_after', 'Created from', values.created_after, html`type="date"`, 'Day in UTC, included')}
    ${field('created_before', 'Created until', values.created_before, html`type="date"`, 'Day in UTC, included')}
    <div class="actions">
      <button type="submit" class="button">Apply filters</button>
      <a href="${AUDIT_PATH}" class="button secondary">Clear filters</a>
    </div>
  </form>`;
}

function row(event: AuditEventRow, back: string): SafeHtml {
  const details = event.details ?? {};
  return html`<tr>
      <td class="nowrap"><time datetime="${event.created_at.toISOString()}">${utcTime(event.created_at)}</time></td>
      <td><a href="${`${AUDIT_PATH}/${event.id}${back}`}">${event.event_name}</a> <span class="muted">#${event.id}</span></td>
      <td>${text(details.author_name) || '—'} <span class="muted">(id ${event.author_id})</span></td>
      <td>${text(details.target_details) || '—'} <span class="muted">(${event.entity_type} ${event.entity_id})</span></td>
      <td>${text(details.custom_message)}</td>
      <td class="nowrap">${text(details.ip_address)}</td>
    </tr>`;
}

/**
 * `GET /admin/audit`: the filter form, a page of events (newest first) each linking to its
 * details, keyset page links, and the CSV download of the whole filter.
 */
export function auditListPage({ admin, values, errors, rows, cursor, nextCursor }: AuditListView): string {
  const filterQuery = reviewQueryString(values);
  const back = reviewQueryString(values, cursor ? { cursor } : {});
  const problems = errors.length
    ? html`<div class="notice error" role="alert"><p>These filters cannot be used:</p><ul>${errors.map((error) => html`<li>${error}</li>`)}</ul></div>`
    : '';
  const table = rows.length
    ? html`<table>
        <caption class="visually-hidden">Audit events, newest first</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Author</th><th scope="col">Target</th><th scope="col">Message</th><th scope="col">IP address</th></tr></thead>
        <tbody>${rows.map((event) => row(event, back))}</tbody>
      </table>`
    : errors.length
      ? ''
      : html`<p class="notice">No audit events match these filters.</p>`;
  const pages =
    cursor || nextCursor
      ? html`<nav class="pages" aria-label="Pages">
          ${cursor ? html`<a href="${`${AUDIT_PATH}${filterQuery}`}">First page</a>` : ''}
          ${nextCursor ? html`<a href="${`${AUDIT_PATH}${reviewQueryString(values, { cursor: nextCursor })}`}" rel="next">Next page</a>` : ''}
        </nav>`
      : '';
  const body = html`<h1>Audit log</h1>
    ${filterForm(values)}
    ${problems}
    ${errors.length
      ? ''
      : html`<div class="toolbar">
          <p>${rows.length} event${rows.length === 1 ? '' : 's'} on this page, newest first.</p>
          <a href="${`${AUDIT_EXPORT_PATH}${filterQuery}`}" class="button secondary" download>Download CSV</a>
        </div>`}
    ${table}
    ${pages}`;
  return layout({ title: 'Audit log', body, admin, section: 'audit' });
}
