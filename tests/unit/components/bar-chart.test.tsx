// The server-rendered bar chart: real SVG without JavaScript, bars in proportion, the same figures
// in a table, a summary for screen readers, and no inline styles (the CSP would block them).
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart, chartSummary } from "~/components/bar-chart";

const money = { kind: "money", currency: "USD" } as const;
const rows = [
  { label: "Northeast", values: [120_000, 90_000] },
  { label: "Capital", values: [60_000, 61_000] },
  { label: "Gulf Coast", values: [0, 0] },
];
const series = [
  { key: "committed", label: "Committed" },
  { key: "actual", label: "Actual" },
];

describe("BarChart", () => {
  it("draws one bar per value, the longest for the largest, and labels every category", () => {
    const html = renderToStaticMarkup(<BarChart title="Spend by region" categoryLabel="Region" series={series} rows={rows} format={money} />);
    expect(html).toContain("<svg");
    expect(html).toContain('role="img"');
    const widths = [...html.matchAll(/<rect[^>]*class="visx-bar chart__bar chart__bar--(\d)"[^>]*width="([\d.]+)"/g)].map((m) => ({ series: Number(m[1]), width: Number(m[2]) }));
    expect(widths).toHaveLength(6);
    const committed = widths.filter((w) => w.series === 0).map((w) => w.width);
    expect(committed[0]).toBeGreaterThan(committed[1]!);
    expect(committed[1]).toBeCloseTo(committed[0]! / 2, 0);
    expect(committed[2]).toBe(0);
    for (const label of ["Northeast", "Capital", "Gulf Coast"]) expect(html).toContain(label);
    expect(html).not.toContain("style=");
  });

  it("puts the same figures in a table behind a disclosure", () => {
    const html = renderToStaticMarkup(<BarChart title="Spend by region" categoryLabel="Region" series={series} rows={rows} format={money} />);
    expect(html).toContain("<details");
    expect(html).toMatch(/<th scope="row">Northeast<\/th><td class="num">\$1,200\.00<\/td><td class="num">\$900\.00<\/td>/);
    expect(html).toContain('<th scope="col">Region</th>');
  });

  it("summarises the chart in a sentence for screen readers", () => {
    expect(chartSummary("Spend by region", series, rows, money)).toBe(
      "Spend by region: 3 categories; the highest committed is Northeast at $1,200.00. The figures are in the table below the chart.",
    );
  });

  it("says so when there is nothing to draw", () => {
    const html = renderToStaticMarkup(<BarChart title="Spend by month" categoryLabel="Month" series={series} rows={[]} format={money} orientation="vertical" emptyMessage="No gestures in this quarter yet." />);
    expect(html).toContain("No gestures in this quarter yet.");
    expect(html).not.toContain("<svg");
  });

  it("draws vertical columns for months, taller for more", () => {
    const months = [
      { label: "Jan", values: [100] },
      { label: "Feb", values: [300] },
    ];
    const html = renderToStaticMarkup(<BarChart title="Spend by month" categoryLabel="Month" series={[series[0]!]} rows={months} format={{ kind: "count" }} orientation="vertical" />);
    const heights = [...html.matchAll(/<rect[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[1]).toBeCloseTo(heights[0]! * 3, 0);
  });
});
