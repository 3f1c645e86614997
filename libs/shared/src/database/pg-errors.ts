/** PostgreSQL's unique_violation, with the constraint that fired. */
export function uniqueViolationConstraint(error: unknown): string | null {
  const candidate = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const source = candidate?.driverError ?? candidate;
  return source?.code === '23505' ? (source.constraint ?? '') : null;
}
