// Charts (Chart.js with its box-plot controller): the charts of the page shown, destroyed when it
// changes, and the marks of reference levels and local DRLs.
import { Chart, registerables } from 'chart.js';
import { BoxPlotController, BoxAndWiskers } from '@sgratzl/chartjs-chart-boxplot';

Chart.register(...registerables, BoxPlotController, BoxAndWiskers);
export { Chart };

const charts = [];
// A chart drawn on the page shown.
export function keepChart(chart) { charts.push(chart); return chart; }
export function destroyCharts() { while (charts.length) charts.pop().destroy(); }

// Horizontal marks per category: the reference level and the suggested local DRL.
export const levelMarks = {
  id: 'levelMarks',
  afterDatasetsDraw(chart, args, options) {
    const { ctx, scales: { x, y } } = chart;
    (options.marks || []).forEach((m, i) => {
      const center = x.getPixelForValue(i);
      const half = (x.width / Math.max(1, chart.data.labels.length)) * 0.42;
      for (const [value, color, dash] of [[m.level, '#c62828', []], [m.drl, '#2e7d32', [5, 4]]]) {
        if (value === null || value === undefined) continue;
        const py = y.getPixelForValue(value);
        ctx.save();
        ctx.strokeStyle = color;
        ctx.lineWidth = 2.5;
        ctx.setLineDash(dash);
        ctx.beginPath();
        ctx.moveTo(center - half, py);
        ctx.lineTo(center + half, py);
        ctx.stroke();
        ctx.restore();
      }
    });
  },
};
