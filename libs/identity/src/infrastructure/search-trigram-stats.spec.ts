import { describe, expect, it } from '@jest/globals';
import { SearchTrigramStats, termTrigrams } from './search-trigram-stats.js';

/** A database that answers the statistics query with these figures, and counts how often it was asked. */
function statsDatabase(vals: string[] | null, freqs: number[] | null, rows = 1_000_000) {
  const asked = { count: 0 };
  return {
    asked,
    db: {
      query: async <T>() => {
        asked.count += 1;
        return [{ vals, freqs, rows }] as T[];
      },
    },
  };
}

describe('termTrigrams', () => {
  it('cuts every three-character piece once, spaces and punctuation included', () => {
    expect(termTrigrams('jones')).toEqual(['jon', 'one', 'nes']);
    expect(termTrigrams('aaaa')).toEqual(['aaa']);
    expect(termTrigrams('o b.')).toEqual(['o b', ' b.']);
    expect(termTrigrams('ab')).toEqual([]);
  });
});

describe('SearchTrigramStats.rarest', () => {
  it('walks the piece the statistics count fewest postings for', async () => {
    const { db } = statsDatabase(['jon', 'nes', 'one'], [0.01, 0.002, 0.03]);
    expect(await new SearchTrigramStats(db).rarest(['jones'])).toEqual({ piece: 'nes', postings: 2_000 });
  });

  it('a piece the statistics do not list is rarer than every listed one, across all the terms', async () => {
    const { db } = statsDatabase(['mar', 'arg', 'rga', 'are', 'ret', 'ann'], [0.05, 0.01, 0.01, 0.02, 0.01, 0.001]);
    // Estimated at most as common as the least common listed piece.
    expect(await new SearchTrigramStats(db).rarest(['ann', 'margaret'])).toEqual({ piece: 'gar', postings: 1_000 });
  });

  it('on a tie, the first piece; without statistics (a table never analyzed), the first piece of the first term', async () => {
    expect(await new SearchTrigramStats(statsDatabase(['jon', 'one', 'nes'], [0.01, 0.01, 0.01]).db).rarest(['jones'])).toEqual({ piece: 'jon', postings: 10_000 });
    expect(await new SearchTrigramStats(statsDatabase(null, null).db).rarest(['jones', 'ann'])).toEqual({ piece: 'jon', postings: 0 });
  });

  it('reads the statistics once for many searches', async () => {
    const { db, asked } = statsDatabase(['jon'], [0.5]);
    const stats = new SearchTrigramStats(db);
    for (const term of ['jones', 'joan', 'jonas']) await stats.rarest([term]);
    expect(asked.count).toBe(1);
  });
});
