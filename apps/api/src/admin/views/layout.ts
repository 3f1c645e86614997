import { AUDIT_PATH, QUEUES_PATH, SIGN_OUT_PATH, STYLESHEET_PATH } from '../admin-paths.js';
import { html, type SafeHtml } from './html.js';

/** Who is signed in, for the header: their username and the CSRF value the sign-out form carries. */
export interface SignedInAdmin {
  username: string;
  csrf: string;
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Absent on pages shown before sign-in (the form, refusals). */
  admin?: SignedInAdmin;
  /** The section to mark as current in the navigation. */
  section?: 'audit' | 'queues';
}

function navigation(section: PageOptions['section']): SafeHtml {
  const link = (href: string, label: string, current: boolean) => html`<li><a href="${href}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav aria-label="Admin sections"><ul>${link(AUDIT_PATH, 'Audit log', section === 'audit')}${link(`${QUEUES_PATH}/`, 'Queue dashboard', section === 'queues')}</ul></nav>`;
}

/**
 * Every admin page: a skip link to the content first (keyboard users), the signed-in admin and a
 * sign-out button, then the page. No script: everything works with links, forms and the keyboard.
 */
export function layout({ title, body, admin, section }: PageOptions): string {
  const account = admin
    ? html`${navigation(section)}
      <div class="account">
        <span>Signed in as <strong>@${admin.username}</strong></span>
        <form method="post" action="${SIGN_OUT_PATH}">
          <input type="hidden" name="csrf" value="${admin.csrf}">
          <button type="submit" class="button secondary">Sign out</button>
        </form>
      </div>`
    : '';
  return html`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${title} · GitLab Users admin</title>
  <link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
  <a class="skip-link" href="#main">Skip to main content</a>
  <header class="site-header">
    <span class="brand">GitLab Users admin</span>
    ${account}
  </header>
  <main id="main" tabindex="-1">
    ${body}
  </main>
</body>
</html>
`.value;
}

/** A page that only says what happened and what to do (a refusal, a missing event, a failure). */
export function messagePage(title: string, message: string, admin?: SignedInAdmin, next?: { href: string; label: string }): string {
  const body = html`<h1>${title}</h1>
    <p class="notice error" role="alert">${message}</p>
    ${next ? html`<p><a href="${next.href}">${next.label}</a></p>` : ''}`;
  return layout({ title, body, admin });
}
