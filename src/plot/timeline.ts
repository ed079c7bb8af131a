import type { HistoryEvent } from '../history/event.js';
import { formatDuration, timeTicks } from './axis.js';
import { buildLanes, type Lane, type MarkKind, type SpanKind } from './lanes.js';
import { element, text, tooltip } from './svg.js';

/** Options of {@link renderTimeline}. */
export interface TimelineOptions {
  /** Run to draw. Default: the first run id in `events`. */
  readonly runId?: string;
  /** Number of slave rows. Default: the highest slave id in the run + 1. */
  readonly n?: number;
  /** Width of the picture in pixels. Default: 1200. */
  readonly width?: number;
  /** Title. Default: `whisk-sync run <runId> — n = <n>, <duration>`. */
  readonly title?: string;
}

const SPAN_STYLE: Readonly<Record<SpanKind, { fill: string; legend: string }>> = {
  starting: { fill: '#d9d9d9', legend: 'invoked → started' },
  waiting: { fill: '#9ecae1', legend: 'requested → granted' },
  holding: { fill: '#238b45', legend: 'critical section: granted → committed' },
  collecting: { fill: '#c7e9c0', legend: 'committed → returned (waiting for the list)' },
  leading: { fill: '#bcbddc', legend: 'leader active' },
};
const REVOKED_FILL = '#de2d26';

const MARK_STYLE: Readonly<Record<MarkKind, { stroke: string; legend: string }>> = {
  invoked: { stroke: '#636363', legend: 'invoked' },
  append: { stroke: '#000000', legend: 'appended' },
  returned: { stroke: '#006d2c', legend: 'returned' },
  failed: { stroke: '#a50f15', legend: 'error' },
  revoked: { stroke: '#de2d26', legend: 'revoked' },
  dropped: { stroke: '#fd8d3c', legend: 'message dropped' },
};

const MARGIN = { left: 120, right: 24, top: 84, bottom: 40 };
const LOCK_LANE = 'write permission';

/**
 * Draws one run as a plain SVG document, one row per party: the leader, then every slave id (a retried
 * slave's activations share its row). Each row shows the activation's life (invoked → started → requested → granted → appended → returned);
 * critical sections (grant → commit or revocation) are solid blocks, and a top row collects all of
 * them on one line so that any overlap would show at a glance. Scales to 1000 rows by thinning them.
 *
 * @throws {RangeError} when `events` holds no event of the run to draw.
 */
export function renderTimeline(events: readonly HistoryEvent[], options: TimelineOptions = {}): string {
  const runId = options.runId ?? events[0]?.runId;
  const run = events.filter((e) => e.runId === runId).sort((a, b) => a.t - b.t);
  if (runId === undefined || run.length === 0) {
    throw new RangeError(runId === undefined ? 'no events to draw' : `no events of run ${runId} to draw`);
  }
  const lanes = buildLanes(run, options.n);
  const t0 = run[0]?.t ?? 0;
  const duration = (run[run.length - 1]?.t ?? t0) - t0;
  const width = options.width ?? 1200;
  // Thin rows let 1000 activations fit; the shared permission row stays tall enough to read.
  const rowHeight = lanes.length <= 40 ? 18 : Math.max(2, 720 / lanes.length);
  const lockHeight = Math.max(rowHeight, 16);
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const rowsTop = MARGIN.top + lockHeight + 4;
  const height = rowsTop + lanes.length * rowHeight + MARGIN.bottom;
  // Time since the run's first event to pixels; `x` places the events themselves.
  const px = (ms: number): number => MARGIN.left + (duration > 0 ? (ms / duration) * plotWidth : 0);
  const x = (t: number): number => px(t - t0);
  const title =
    options.title ?? `whisk-sync run ${runId} — n = ${lanes.length - 1}, ${formatDuration(duration)}`;
  const labelEvery = Math.ceil(10 / rowHeight);

  const parts = [
    element('rect', { width, height, fill: '#ffffff' }),
    text(title, { x: MARGIN.left, y: 22, 'font-size': 15, 'font-weight': 'bold' }),
    legend(width),
    axis(duration, px, MARGIN.top - 6, height - MARGIN.bottom),
    lockLane(lanes, x, MARGIN.top, lockHeight),
    ...lanes.map((lane, i) =>
      // Row 0 is the leader; thin rows label every labelEvery-th slave, starting after the leader's label.
      row(
        lane,
        i,
        x,
        rowsTop + i * rowHeight,
        rowHeight,
        labelEvery === 1 || i === 0 || (i > 1 && (i - 1) % labelEvery === 0),
      ),
    ),
  ];
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.ceil(height)}" ` +
    `viewBox="0 0 ${width} ${Math.ceil(height)}" font-family="sans-serif" font-size="11">\n` +
    tooltip(title) +
    '\n' +
    parts.join('\n') +
    '\n</svg>\n'
  );
}

type Scale = (t: number) => number;

function row(lane: Lane, index: number, x: Scale, top: number, h: number, labelled: boolean): string {
  const inner = Math.max(1, h * 0.7);
  const parts: string[] = [];
  if (index % 2 === 0)
    parts.push(element('rect', { x: 0, y: top, width: '100%', height: h, fill: '#f7f7f7' }));
  if (labelled) parts.push(rowLabel(lane.label, top, h));
  for (const span of lane.spans) {
    const isSection = span.kind === 'holding';
    parts.push(
      element(
        'rect',
        {
          class: isSection ? (span.revoked === true ? 'cs revoked' : 'cs') : span.kind,
          x: x(span.from),
          y: isSection ? top + (h - inner) / 2 - h * 0.1 : top + (h - inner * 0.6) / 2,
          width: Math.max(0.75, x(span.to) - x(span.from)),
          height: isSection ? inner + h * 0.2 : inner * 0.6,
          fill: span.revoked === true ? REVOKED_FILL : SPAN_STYLE[span.kind].fill,
        },
        tooltip(span.label),
      ),
    );
  }
  for (const mark of lane.marks) {
    const cross = mark.kind === 'revoked' || mark.kind === 'failed';
    parts.push(
      element(
        'line',
        {
          class: `mark ${mark.kind}`,
          x1: x(mark.t),
          x2: x(mark.t) + (cross ? Math.min(6, h / 2) : 0),
          y1: top,
          y2: top + h,
          stroke: MARK_STYLE[mark.kind].stroke,
          'stroke-width': cross ? 2 : 1.5,
        },
        tooltip(mark.label),
      ),
    );
  }
  const attrs = { class: 'row', 'data-role': lane.role, 'data-slave': lane.slave };
  return element('g', attrs, parts.join(''));
}

/** All critical sections on one row, translucent, so two that overlapped would show darker. */
function lockLane(lanes: readonly Lane[], x: Scale, top: number, h: number): string {
  const sections = lanes.flatMap((lane) =>
    lane.spans
      .filter((s) => s.kind === 'holding')
      .map((s) =>
        element('rect', {
          class: 'lock',
          x: x(s.from),
          y: top + h * 0.1,
          width: Math.max(0.75, x(s.to) - x(s.from)),
          height: h * 0.8,
          fill: s.revoked === true ? REVOKED_FILL : SPAN_STYLE.holding.fill,
          'fill-opacity': 0.6,
        }),
      ),
  );
  return element('g', { class: 'lock-lane' }, rowLabel(LOCK_LANE, top, h) + sections.join(''));
}

/** A row's name in the left margin, vertically centred, shrinking with thin rows. */
function rowLabel(label: string, top: number, h: number): string {
  return text(label, {
    x: MARGIN.left - 6,
    y: top + h / 2 + Math.min(4, h / 3),
    'text-anchor': 'end',
    'font-size': Math.min(11, Math.max(6, h)),
  });
}

function axis(duration: number, px: (ms: number) => number, top: number, bottom: number): string {
  const ticks = timeTicks(duration).map((ms) => {
    const at = px(ms);
    return (
      element('line', { x1: at, x2: at, y1: top, y2: bottom, stroke: '#e0e0e0' }) +
      text(formatDuration(ms), { x: at, y: bottom + 14, 'text-anchor': 'middle' })
    );
  });
  const caption = text('time since the first event', { x: MARGIN.left, y: bottom + 30 });
  return element('g', { class: 'axis' }, ticks.join('') + caption);
}

function legend(width: number): string {
  const entries = [
    ...Object.values(SPAN_STYLE).map((s) => ({ swatch: 'rect', color: s.fill, label: s.legend })),
    { swatch: 'rect', color: REVOKED_FILL, label: 'critical section: granted → revoked' },
    ...Object.values(MARK_STYLE).map((m) => ({ swatch: 'line', color: m.stroke, label: m.legend })),
  ];
  const perRow = Math.max(1, Math.floor((width - MARGIN.left) / 230));
  const items = entries.map((entry, i) => {
    const left = MARGIN.left + (i % perRow) * 230;
    const top = 34 + Math.floor(i / perRow) * 14;
    const swatch =
      entry.swatch === 'rect'
        ? element('rect', { x: left, y: top, width: 14, height: 9, fill: entry.color })
        : element('line', {
            x1: left + 7,
            x2: left + 7,
            y1: top - 1,
            y2: top + 10,
            stroke: entry.color,
            'stroke-width': 2,
          });
    return swatch + text(entry.label, { x: left + 18, y: top + 8, 'font-size': 10 });
  });
  return element('g', { class: 'legend' }, items.join(''));
}
