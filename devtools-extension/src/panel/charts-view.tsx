/**
 * Small charts, plain SVG: per region, the hit rate over the last minutes
 * (from sampled counters) and creation times (from the log's `created`
 * events).
 *
 * @module
 */
import type { EventInfo, RegionInfo } from '../../../src/devtools/protocol.js';
import { formatDuration } from './format.js';
import { hitRates, type StatsSample } from './stats-history.js';

const W = 240;
const H = 48;
const SPAN_MS = 5 * 60_000;

function Spark({ points, now, max, label, testId }: { points: Array<{ time: number; value: number }>; now: number; max: number; label: string; testId: string }) {
  const x = (t: number) => ((t - (now - SPAN_MS)) / SPAN_MS) * W;
  const y = (v: number) => H - 2 - (max > 0 ? (v / max) * (H - 4) : 0);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testId} data-points={points.length}>
      <rect x="0" y="0" width={W} height={H} class="spark-bg" />
      {path && <path d={path} class="spark-line" />}
      {points.map((p) => (
        <circle key={p.time} cx={x(p.time)} cy={y(p.value)} r="1.5" class="spark-dot" />
      ))}
    </svg>
  );
}

/** The charts of every region. */
export function ChartsView({ regions, history, log, now }: { regions: readonly RegionInfo[]; history: ReadonlyMap<string, readonly StatsSample[]>; log: readonly EventInfo[]; now: number }) {
  return (
    <section data-testid="charts" class="charts">
      {regions.map((region) => {
        const rates = hitRates(history.get(region.id) ?? [])
          .filter((r): r is { time: number; rate: number } => r.rate !== null)
          .map((r) => ({ time: r.time, value: r.rate }));
        const creations = log.filter((e) => e.regionId === region.id && e.type === 'created' && e.durationMs !== undefined && e.time >= now - SPAN_MS).map((e) => ({ time: e.time, value: e.durationMs! }));
        const maxCreation = Math.max(0, ...creations.map((c) => c.value));
        const last = rates.at(-1);
        return (
          <div class="chart-row" key={region.id} data-region={region.name ?? region.id}>
            <strong>{region.name ?? region.id}</strong>
            <figure>
              <Spark points={rates} now={now} max={1} label="hit rate" testId="hit-rate" />
              <figcaption>hit rate{last ? `: ${Math.round(last.value * 100)} %` : ''}</figcaption>
            </figure>
            <figure>
              <Spark points={creations} now={now} max={maxCreation} label="creation time" testId="creation-time" />
              <figcaption>creation time{creations.length ? `: up to ${formatDuration(maxCreation)}` : ''}</figcaption>
            </figure>
          </div>
        );
      })}
    </section>
  );
}
