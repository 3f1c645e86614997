import pg from 'pg';
import { VERIFICATION_SNAPSHOT, verifyChains, verificationSummary, type ChainVerification } from '@app/eventstore';
import { clientSql, keepErrorsHandled, loadConfig, type Sql } from '@app/shared';

const USAGE = `Usage: npm run audit:verify [-- --json]
  Walks every stream's hash chain and the relay's seal chain of the event log (DATABASE_URL),
  names the first broken link, and records the outcome for the metrics.
  Exit status: 0 intact, 1 broken links found, 2 could not verify.`;

function report(result: ChainVerification): string {
  const seconds = ((result.finishedAt.getTime() - result.startedAt.getTime()) / 1000).toFixed(1);
  const lines = [
    `Checked ${result.eventsChecked} events in ${result.streamsChecked} streams and ${result.sealsChecked} seals in ${seconds} s.`,
    result.awaitingSeal > 0 ? `${result.awaitingSeal} events committed after the last seal wait for the relay to seal them (not a break).` : 'Every committed event is sealed.',
  ];
  if (result.intact) {
    lines.push('Intact: every stream chain and the seal chain hold.');
    if (result.headSeal) lines.push(`Last seal: ${result.headSeal} (keep it outside this database to pin the log up to it).`);
  } else {
    lines.push(`BROKEN: ${result.breakCount} broken link${result.breakCount === 1 ? '' : 's'}. First: ${result.breaks[0].problem}`);
    for (const found of result.breaks.slice(1)) lines.push(`  also: ${found.problem}`);
    if (result.breakCount > result.breaks.length) lines.push(`  … and ${result.breakCount - result.breaks.length} more.`);
    lines.push('Rows of the log were changed or removed behind the service: see "Verification reports a broken link" in the README.');
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== '--json')) {
    console.error(`Unknown argument "${args.find((arg) => arg !== '--json')}".\n\n${USAGE}`);
    return 2;
  }
  const client = new pg.Client({ connectionString: loadConfig().databaseUrl, application_name: 'gitlab-users-audit-verify' });
  // A lost connection must end in exit status 2 (could not verify), not a crash's 1 (broken).
  keepErrorsHandled(client);
  await client.connect();
  try {
    const sql: Sql = clientSql(client);
    const transaction = async <T>(work: (tx: Sql) => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        await client.query(VERIFICATION_SNAPSHOT);
        const result = await work(sql);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    };
    const result = await verifyChains(transaction, sql);
    console.log(args.includes('--json') ? JSON.stringify({ ...verificationSummary(result), breaksListed: result.breaks }) : report(result));
    return result.intact ? 0 : 1;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Could not verify the event log:', error instanceof Error ? error.message : error, '\nCheck DATABASE_URL and that the migrations have run (npm start applies them).');
    process.exit(2);
  },
);
