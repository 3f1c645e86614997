import type { Database } from '@app/shared';

/** How long the planner's figures are reused before they are read again: they change only when PostgreSQL analyzes the table. */
const REFRESH_MS = 60_000;

/** The three-character pieces of a term, as `identity.search_trigrams` cuts the indexed text. */
export function termTrigrams(term: string): string[] {
  const pieces = new Set<string>();
  for (let at = 0; at + 3 <= term.length; at += 1) pieces.add(term.slice(at, at + 3));
  return [...pieces];
}

interface Figures {
  /** Estimated postings of each common piece (the planner's most common values times the table's rows). */
  common: Map<string, number>;
  /** The fewest postings estimated for a listed piece; 0 without statistics. */
  leastListed: number;
  readAt: number;
}

/**
 * Which piece of a search term has the fewest postings, from PostgreSQL's own statistics on
 * `identity.user_search_postings` (its most common trigrams and their frequencies), so the search
 * walks the shortest list without counting any. A piece the statistics do not list as common is
 * rarer than every one they list. Without statistics (a table never analyzed), every piece is
 * taken as rare, which is right for the small tables that have none.
 */
export class SearchTrigramStats {
  private figures: Figures | null = null;
  private loading: Promise<Figures> | null = null;

  constructor(private readonly db: Pick<Database, 'query'>) {}

  /**
   * The piece of these terms with the fewest estimated postings (the first such piece on a tie),
   * and that estimate: for a piece the statistics do not list, the fewest they list for any piece
   * (an upper bound, as the list holds the most common ones), or 0 without statistics.
   */
  async rarest(terms: readonly string[]): Promise<{ piece: string; postings: number }> {
    const { common, leastListed } = await this.current();
    let piece = '';
    let postings = Infinity;
    for (const candidate of terms.flatMap(termTrigrams)) {
      const count = common.get(candidate) ?? -1;
      if (count < postings) [piece, postings] = [candidate, count];
    }
    return { piece, postings: postings < 0 ? leastListed : postings };
  }

  private async current(): Promise<Figures> {
    const figures = this.figures;
    if (figures && Date.now() - figures.readAt < REFRESH_MS) return figures;
    const loading = (this.loading ??= this.load().finally(() => (this.loading = null)));
    if (!figures) return loading;
    // Stale figures still choose well: answer with them while the new ones load (a failed load is tried again next time).
    loading.catch(() => undefined);
    return figures;
  }

  private async load(): Promise<Figures> {
    const [row] = await this.db.query<{ vals: string[] | null; freqs: number[] | null; rows: number }>(
      `SELECT s.most_common_vals::text::text[] AS vals, s.most_common_freqs AS freqs,
              greatest(c.reltuples, 0)::float8 AS rows
         FROM pg_class c LEFT JOIN pg_stats s
           ON s.schemaname = 'identity' AND s.tablename = 'user_search_postings' AND s.attname = 'trigram'
        WHERE c.oid = 'identity.user_search_postings'::regclass`,
    );
    const common = new Map<string, number>();
    row?.vals?.forEach((piece, index) => common.set(piece, Math.round((row.freqs?.[index] ?? 0) * row.rows)));
    this.figures = { common, leastListed: common.size ? Math.min(...common.values()) : 0, readAt: Date.now() };
    return this.figures;
  }
}
