// The summary bench/cpu.mjs prints: medians over the rounds of each scenario and server, the API's
// ratios to the baseline in the same run, as a markdown table (or JSON), and on request the SQL each
// server sent per request.
import { fmt } from './common.mjs';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Statement counts per completed request, summed over the rounds (texts collapsed to one line). */
function statementsPerRequest(rows) {
  const ok = rows.reduce((sum, r) => sum + r.ok, 0);
  const totals = new Map();
  for (const r of rows) {
    for (const [text, n] of Object.entries(r.byText)) {
      const key = text.replace(/\s+/g, ' ').trim();
      totals.set(key, (totals.get(key) ?? 0) + n);
    }
  }
  return [...totals].map(([text, n]) => ({ text, perRequest: n / Math.max(ok, 1) })).sort((a, b) => b.perRequest - a.perRequest);
}

function summarise(rows) {
  if (rows.length === 0) return null;
  const pick = (field) => median(rows.map((r) => r[field]));
  return {
    label: rows[0].serverLabel ?? null,
    rounds: rows.length,
    reqPerSec: pick('reqPerSec'),
    cpuMsPerRequest: pick('cpuMsPerRequest'),
    p50: pick('p50'),
    p99: pick('p99'),
    roundTripsPerRequest: pick('roundTripsPerRequest'),
    failed: rows.reduce((sum, r) => sum + r.failed, 0),
    statements: statementsPerRequest(rows),
  };
}

/** One entry per scenario: the baseline's and the API's medians and the API/baseline ratios. */
export function summary(results, notes) {
  const labels = [...new Set(results.map((r) => r.scenario))];
  return labels.map((scenario) => {
    const baseline = summarise(results.filter((r) => r.scenario === scenario && r.server === 'baseline'));
    const api = summarise(results.filter((r) => r.scenario === scenario && r.server === 'api'));
    const ratio = baseline && api ? { cpu: api.cpuMsPerRequest / baseline.cpuMsPerRequest, p99: api.p99 / baseline.p99 } : null;
    return { scenario, note: notes[scenario] ?? null, baseline, api, ratio };
  });
}

// Both ends: the statements built on the shared user SELECT differ only in their last clauses.
const shorten = (text) => (text.length > 160 ? `${text.slice(0, 60)} … ${text.slice(-95)}` : text);
const loads = (l) => l.map((x) => x.toFixed(2)).join(' ');

export function markdown(run, rows, withSql) {
  const lines = [
    `Node ${run.node}, ${run.cpus} CPUs; load average (1, 5, 15 min) ${loads(run.loadAverageStart)} at start, ${loads(run.loadAverageEnd)} at end; ` +
      `${run.options.duration} s per measurement after ${run.options.warmup} s of warm-up, median of ${run.options.rounds} round(s); ` +
      `reads at ${run.options.connections} connections, baseline and API alternately; writes at ${run.options.writeConnections}.`,
    '',
    '| Scenario | Server | req/s | CPU ms/req | p50 ms | p99 ms | DB round trips/req | CPU API/baseline | p99 API/baseline | failed |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const line = (scenario, server, s, ratio) =>
    `| ${scenario} | ${server} | ${fmt(s.reqPerSec)} | ${fmt(s.cpuMsPerRequest, 3)} | ${s.p50} | ${s.p99} | ${fmt(s.roundTripsPerRequest, 2)} | ` +
    `${ratio ? `${fmt(ratio.cpu, 2)}x` : ''} | ${ratio ? `${fmt(ratio.p99, 2)}x` : ''} | ${s.failed} |`;
  for (const row of rows) {
    if (row.baseline) lines.push(line(row.scenario, row.baseline.label ?? 'baseline', row.baseline, null));
    if (row.api) lines.push(line(row.scenario, row.api.label ?? 'API', row.api, row.ratio));
  }
  const notes = rows.filter((row) => row.note);
  if (notes.length) lines.push('', ...notes.map((row) => `- ${row.scenario}: ${row.note}`));
  if (withSql) {
    for (const row of rows) {
      for (const [server, s] of [['baseline', row.baseline], ['API', row.api]]) {
        if (!s) continue;
        lines.push('', `SQL per request, ${row.scenario}, ${server}:`);
        for (const { text, perRequest } of s.statements.filter((st) => st.perRequest >= 0.005)) lines.push(`  ${perRequest.toFixed(2)}  ${shorten(text)}`);
      }
    }
  }
  return lines.join('\n');
}
