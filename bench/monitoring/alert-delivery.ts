// Fault → delivery time of the DatabaseDown alert on each channel, with real parts on 127.0.0.1
// (libs/monitoring's pipeline: PostgreSQL, postgres_exporter, Prometheus with the real rules at 5 s
// scrape / 1 s evaluation, Alertmanager with the rendered config, Mailpit, a Slack-format receiver,
// moto's SNS). The fault is `pg_ctl stop -m immediate`; the repair is starting it again.
// Firing time = DatabaseDown's `for: 1m` + scrape (5 s) + the critical route's group_wait (10 s) for a
// fresh alert group; Prometheus keeps re-sending the resolved alert for 15 min, which keeps the group
// alive in Alertmanager, so an outage within 15 min of the previous one waits for the next
// group_interval tick (1 m) instead (runs 2 and 3 here). Resolved time is bounded by group_interval.
// Email and SMS are polled every 200 ms; Slack is timed on arrival.
//   node bench/monitoring/alert-delivery.ts [--runs 3]
import { parseArgs } from 'node:util';
import { CHANNELS, countNotifications, startPipeline, waitForNotifications } from '@satvach/monitoring/testing';
import { report, type BenchRow } from '../report.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const pipeline = await startPipeline();
const firing: Record<string, number[]> = Object.fromEntries(CHANNELS.map((channel) => [channel, []]));
const resolved: Record<string, number[]> = Object.fromEntries(CHANNELS.map((channel) => [channel, []]));
try {
  for (let run = 1; run <= runs; run++) {
    const alreadyFiring = await countNotifications(pipeline.sinks, 'DatabaseDown', 'firing');
    const alreadyResolved = await countNotifications(pipeline.sinks, 'DatabaseDown', 'resolved');
    await pipeline.services.stopPostgres();
    const fault = Date.now();
    const fired = await waitForNotifications(pipeline.sinks, 'DatabaseDown', 'firing', { already: alreadyFiring });
    await pipeline.services.up();
    const repair = Date.now();
    const back = await waitForNotifications(pipeline.sinks, 'DatabaseDown', 'resolved', { already: alreadyResolved });
    for (const channel of CHANNELS) {
      firing[channel]?.push((fired[channel].seenAt - fault) / 1000);
      resolved[channel]?.push((back[channel].seenAt - repair) / 1000);
    }
    console.log(`run ${run}: firing ${CHANNELS.map((c) => `${c} ${((fired[c].seenAt - fault) / 1000).toFixed(1)} s`).join(', ')}; resolved ${CHANNELS.map((c) => `${c} ${((back[c].seenAt - repair) / 1000).toFixed(1)} s`).join(', ')}`);
    // Let the resolved group be flushed and dropped, so the next run starts from a fresh group.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
} finally {
  await pipeline.stop();
}

const rows: BenchRow[] = CHANNELS.flatMap((channel) => [
  { metric: `DatabaseDown fault → ${channel} (median of ${runs})`, value: median(firing[channel] ?? []), unit: 's', goal: '≤ 125: for 1m + scrape 5s + group_wait 10s (fresh group) or group_interval 1m' },
  { metric: `DatabaseDown repair → resolved ${channel} (median of ${runs})`, value: median(resolved[channel] ?? []), unit: 's', goal: '≤ 65: group_interval 1m + scrape 5s' },
]);
report(process.cwd(), 'monitoring-alert-delivery', rows);
console.log(JSON.stringify({ firing, resolved }));
