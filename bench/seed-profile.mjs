// The profile of seeded user `id`: the same for bench/seed.mjs (bulk, through the event store) and
// bench/seed-check.mjs (through POST /api/v4/users), so the two databases can be compared row by row.
import { BENCH_USERNAME_PREFIX } from './common.mjs';

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Hedy', 'Dennis', 'Karen', 'John', 'Anita', 'Niklaus', 'Sophie', 'Tim', 'Lynn'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Lamarr', 'Ritchie', 'Jones', 'Backus', 'Borg', 'Wirth', 'Wilson', 'Berners', 'Conway'];
const BIOS = ['', '', 'Backend engineer', 'Platform team', 'SRE on call this week', 'Writes docs and tests', 'Open source maintainer'];
const ORGS = ['', '', 'Example Corp', 'ACME', 'Initech'];
const pick = (list, n) => list[n % list.length];

/** Deterministic variety from the id: `bench-<first>-<id>`, a name from two short lists, some bios and organizations. */
export function seedProfile(userId) {
  const n = userId * 7919;
  const first = pick(FIRST, n);
  const last = pick(LAST, Math.floor(n / 20));
  return {
    username: `${BENCH_USERNAME_PREFIX}${first.toLowerCase()}-${userId}`,
    email: `${BENCH_USERNAME_PREFIX}${userId}@bench.example.com`,
    name: `${first} ${last}`,
    bio: pick(BIOS, n >> 3),
    organization: pick(ORGS, n >> 5),
  };
}
