// What every response must be, whatever was sent: never a 5xx, and every 4xx a GitLab error body
// as JSON. Shared by test/fuzz and bench/fuzz.mjs.

const isText = (value) => typeof value === 'string' && value.length > 0;

/**
 * GitLab's error bodies: `{"message": <text or {attr: [msgs]}>}`, `{"error": <text>}`, and the
 * OAuth-style `invalid_token` and `insufficient_scope` bodies of the token checks.
 */
export function isGitlabErrorBody(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body).sort().join(',');
  if (keys === 'message') return isText(body.message) || (body.message !== null && typeof body.message === 'object');
  if (keys === 'error') return isText(body.error);
  if (keys === 'error,error_description') return body.error === 'invalid_token' && isText(body.error_description);
  if (keys === 'error,error_description,scope') return body.error === 'insufficient_scope' && isText(body.error_description) && isText(body.scope);
  return false;
}

/** What is wrong with one response (empty when nothing is). `response.error` is a transport failure. */
export function contractProblems(response) {
  if (response.error) return [`no response: ${response.error}`];
  const problems = [];
  if (response.status >= 500) problems.push(`status ${response.status}`);
  if (response.status >= 400 && response.status < 500) {
    if (response.headers['content-type'] !== 'application/json') problems.push(`Content-Type ${JSON.stringify(response.headers['content-type'])} on a ${response.status}`);
    if (!isGitlabErrorBody(response.body)) problems.push(`not a GitLab error body: ${response.text.slice(0, 200)}`);
  }
  return problems;
}
