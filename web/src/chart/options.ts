import type uPlot from 'uplot';

/**
 * The console's uPlot options (one module, used by TimeChart and by `npm run bench:chart`): time x axis,
 * one line per series in the palette, drag to zoom on x (reported through onSelect), theme colours read
 * from the page's CSS custom properties.
 */
export const PALETTE = ['#3b82f6', '#e8590c', '#16a34a', '#a855f7', '#db2777', '#0891b2'];

export interface ChartColours {
  text: string;
  grid: string;
}

export function chartOptions(
  labels: readonly string[],
  size: { width: number; height: number },
  colours: ChartColours,
  onSelect?: (fromMs: number, toMs: number) => void,
): uPlot.Options {
  const axis = { stroke: colours.text, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 } };
  return {
    width: size.width,
    height: size.height,
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false, setScale: false } },
    legend: { show: true, live: true },
    axes: [axis, { ...axis, size: 60 }],
    series: [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 1.5, points: { show: false }, spanGaps: false }))],
    hooks: {
      setSelect: [
        (u: uPlot) => {
          if (!onSelect || u.select.width < 2) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          onSelect(Math.round(from * 1000), Math.round(to * 1000));
        },
      ],
    },
  };
}
