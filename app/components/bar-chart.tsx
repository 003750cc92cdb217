// A bar chart rendered on the server as plain SVG (@visx scales and shapes), so it shows without
// JavaScript. Colours come from CSS classes, never inline styles (the CSP forbids those). The
// picture is for the eye: the same figures are in a table behind a disclosure, and the SVG carries
// a one-sentence summary for screen readers.
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { useId } from "react";
import { formatMoney } from "~/domain/core/money";

export type ChartSeries = { key: string; label: string };
export type ChartRow = { label: string; values: number[] };
export type ChartFormat = { kind: "money"; currency: string } | { kind: "count" } | { kind: "percent" };

type BarChartProps = {
  title: string;
  /** The category column's heading in the table ("Region", "Month"). */
  categoryLabel: string;
  series: ChartSeries[];
  rows: ChartRow[];
  format: ChartFormat;
  /** Horizontal bars suit long category names (branches, occasions); vertical suit months. */
  orientation?: "horizontal" | "vertical";
  /** Shown instead of the chart when there is nothing to draw. */
  emptyMessage?: string;
};

export function formatChartValue(value: number, format: ChartFormat): string {
  if (format.kind === "money") return formatMoney(value, format.currency);
  if (format.kind === "percent") return `${value}%`;
  return value.toLocaleString("en-US");
}

const WIDTH = 640;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 90;
const BAR_BAND = 28;
const VERTICAL_HEIGHT = 240;

/** One sentence a screen reader can say instead of the picture. */
export function chartSummary(title: string, series: ChartSeries[], rows: ChartRow[], format: ChartFormat): string {
  if (rows.length === 0) return `${title}: no data.`;
  const first = series[0]!;
  const top = rows.reduce((best, row) => ((row.values[0] ?? 0) > (best.values[0] ?? 0) ? row : best), rows[0]!);
  return `${title}: ${rows.length} ${rows.length === 1 ? "category" : "categories"}; the highest ${first.label.toLowerCase()} is ${top.label} at ${formatChartValue(top.values[0] ?? 0, format)}. The figures are in the table below the chart.`;
}

export function BarChart({ title, categoryLabel, series, rows, format, orientation = "horizontal", emptyMessage = "Nothing to show for this selection." }: BarChartProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const max = Math.max(1, ...rows.flatMap((row) => row.values));
  if (rows.length === 0) {
    return (
      <figure className="chart">
        <figcaption className="chart__title">{title}</figcaption>
        <p className="muted">{emptyMessage}</p>
      </figure>
    );
  }
  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption className="chart__title" id={titleId}>
        {title}
      </figcaption>
      {series.length > 1 ? (
        <ul className="chart__legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s.key}>
              <svg width="12" height="12" focusable="false">
                <rect className={`chart__bar chart__bar--${i}`} width="12" height="12" rx="2" />
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
      ) : null}
      {orientation === "horizontal" ? (
        <HorizontalBars series={series} rows={rows} format={format} max={max} summary={chartSummary(title, series, rows, format)} />
      ) : (
        <VerticalBars series={series} rows={rows} format={format} max={max} summary={chartSummary(title, series, rows, format)} />
      )}
      <details className="chart__data">
        <summary>Show the figures as a table</summary>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{categoryLabel}</th>
              {series.map((s) => (
                <th scope="col" className="num" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                {series.map((s, i) => (
                  <td className="num" key={s.key}>
                    {formatChartValue(row.values[i] ?? 0, format)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

type BarsProps = { series: ChartSeries[]; rows: ChartRow[]; format: ChartFormat; max: number; summary: string };

function HorizontalBars({ series, rows, format, max, summary }: BarsProps) {
  const height = rows.length * BAR_BAND * Math.max(1, series.length * 0.75);
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const band = scaleBand<string>({ domain: rows.map((r) => r.label), range: [0, height], padding: 0.2 });
  const inner = scaleBand<number>({ domain: series.map((_, i) => i), range: [0, band.bandwidth()], padding: 0.1 });
  const length = scaleLinear<number>({ domain: [0, max], range: [0, plotWidth] });
  return (
    <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={summary} focusable="false">
      {rows.map((row) => (
        <Group key={row.label} top={band(row.label) ?? 0}>
          <text className="chart__label" x={LABEL_WIDTH - 8} y={band.bandwidth() / 2} textAnchor="end" dominantBaseline="middle">
            {row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label}
          </text>
          {series.map((s, i) => {
            const value = row.values[i] ?? 0;
            const y = inner(i) ?? 0;
            const w = Math.max(value > 0 ? 1 : 0, length(value));
            return (
              <Group key={s.key}>
                <Bar className={`chart__bar chart__bar--${i}`} x={LABEL_WIDTH} y={y} width={w} height={inner.bandwidth()} rx={2} />
                <text className="chart__value" x={LABEL_WIDTH + w + 6} y={y + inner.bandwidth() / 2} dominantBaseline="middle">
                  {formatChartValue(value, format)}
                </text>
              </Group>
            );
          })}
        </Group>
      ))}
    </svg>
  );
}

function VerticalBars({ series, rows, format, max, summary }: BarsProps) {
  const top = 20;
  const bottom = 28;
  const plotHeight = VERTICAL_HEIGHT - top - bottom;
  const band = scaleBand<string>({ domain: rows.map((r) => r.label), range: [0, WIDTH], padding: 0.2 });
  const inner = scaleBand<number>({ domain: series.map((_, i) => i), range: [0, band.bandwidth()], padding: 0.1 });
  const length = scaleLinear<number>({ domain: [0, max], range: [0, plotHeight] });
  return (
    <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${VERTICAL_HEIGHT}`} role="img" aria-label={summary} focusable="false">
      <text className="chart__value" x={0} y={12}>
        max {formatChartValue(max, format)}
      </text>
      {rows.map((row) => (
        <Group key={row.label} left={band(row.label) ?? 0}>
          {series.map((s, i) => {
            const h = Math.max((row.values[i] ?? 0) > 0 ? 1 : 0, length(row.values[i] ?? 0));
            return <Bar key={s.key} className={`chart__bar chart__bar--${i}`} x={inner(i) ?? 0} y={top + plotHeight - h} width={inner.bandwidth()} height={h} rx={2} />;
          })}
          <text className="chart__label" x={band.bandwidth() / 2} y={VERTICAL_HEIGHT - 8} textAnchor="middle">
            {row.label}
          </text>
        </Group>
      ))}
    </svg>
  );
}
