// The study's skin dose: the peak, what it rests on, the map unrolled (back in the middle of each
// end, front in the middle) and the body turned in 3D. The map comes as the server keeps it
// ("1;SCALE;BASE64": 16-bit steps of SCALE Gy, a zero step followed by a count of further zeros).
import { h, fmt } from '../dom.js';
import { t } from '../i18n.js';

export function decodeMap(text, cells) {
  const [version, scale, data] = text.split(';');
  if (version !== '1') throw new Error(`skin map of an unknown version ${version}`);
  const raw = atob(data.padEnd(Math.ceil(data.length / 4) * 4, '='));
  const out = new Float64Array(cells);
  let k = 0;
  for (let i = 0; i + 1 < raw.length && k < cells; i += 2) {
    const step = raw.charCodeAt(i) | (raw.charCodeAt(i + 1) << 8);
    if (step !== 0) { out[k++] = step * Number(scale); continue; }
    k += 1;
    if (i + 3 < raw.length) { i += 2; k += raw.charCodeAt(i) | (raw.charCodeAt(i + 1) << 8); }
  }
  return out;
}

// Colour of a dose (Gy) on a scale whose top is `top` Gy: dark blue through green and yellow to red.
const STOPS = [[0, [235, 240, 245]], [0.001, [49, 54, 149]], [0.25, [69, 117, 180]], [0.5, [116, 196, 118]],
  [0.75, [254, 224, 139]], [1, [215, 48, 39]]];
export function colour(dose, top) {
  const x = top > 0 ? Math.min(1, dose / top) : 0;
  if (dose <= 0) return `rgb(${STOPS[0][1].join(',')})`;
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i];
    if (x <= x1) {
      const [x0, c0] = STOPS[i - 1];
      const f = (x - x0) / (x1 - x0 || 1);
      return `rgb(${c0.map((c, j) => Math.round(c + (c1[j] - c) * f)).join(',')})`;
    }
  }
  return `rgb(${STOPS[STOPS.length - 1][1].join(',')})`;
}

// The scale's top: the peak, or 5 Gy where the peak reaches 1 Gy (so that 1, 3 and 5 Gy read alike
// on every map that matters for follow-up).
export function scaleTop(psdGy) { return psdGy >= 1 ? Math.max(5, psdGy) : psdGy; }

function legend(top) {
  const canvas = h('canvas', { width: 320, height: 44, className: 'skin-legend', 'aria-label': t('skin.legend') });
  const g = canvas.getContext('2d');
  for (let x = 0; x < 300; x++) { g.fillStyle = colour((x / 299) * top, top); g.fillRect(10 + x, 4, 1, 16); }
  g.fillStyle = '#222'; g.font = '11px sans-serif'; g.textAlign = 'center';
  const mark = (gy, label) => { const x = 10 + (gy / top) * 299; g.fillRect(x, 2, 1, 22); g.fillText(label, x, 38); };
  mark(0, '0');
  for (const gy of [1, 3, 5]) if (gy <= top) mark(gy, `${gy} Gy`);
  if (top < 1) mark(top, `${fmt(top * 1000)} mGy`);
  return canvas;
}

// Cell (u, v) of the body: u round from the middle of the back towards the right, v from the feet.
function bodyPoint(shape, around, along, u, v) {
  const { flat_cm: flat, radius_cm: r, length_cm: length } = shape;
  const perimeter = 2 * flat + 2 * Math.PI * r;
  let s = (u / around) * perimeter;
  const y = -length / 2 + (v / along) * length;
  const half = flat / 2, arc = Math.PI * r;
  if (s < half) return [-s, y, 0];
  s -= half;
  if (s < arc) { const a = s / r; return [-half - r * Math.sin(a), y, r - r * Math.cos(a)]; }
  s -= arc;
  if (s < flat) return [-half + s, y, 2 * r];
  s -= flat;
  if (s < arc) { const a = s / r; return [half + r * Math.sin(a), y, r + r * Math.cos(a)]; }
  s -= arc;
  return [half - s, y, 0];
}

function draw3d(canvas, map, around, along, shape, top, turn) {
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const a = (turn * Math.PI) / 180, tilt = 0.35;
  const cx = canvas.width / 2, cy = canvas.height / 2;
  const scale = Math.min(canvas.width / (shape.flat_cm + 2 * shape.radius_cm + 20), canvas.height / (shape.length_cm + 10)) * 0.9;
  // Turn about the body's long axis (y), then tip towards the viewer, who looks along -z.
  const quads = [];
  const turnOnly = ([x, y, z]) => {
    const zc = z - shape.radius_cm;
    const x1 = x * Math.cos(a) + zc * Math.sin(a), z1 = -x * Math.sin(a) + zc * Math.cos(a);
    return [x1, y * Math.cos(tilt) - z1 * Math.sin(tilt), y * Math.sin(tilt) + z1 * Math.cos(tilt)];
  };
  for (let v = 0; v < along; v++) {
    for (let u = 0; u < around; u++) {
      const cornersUv = [[u, v], [u + 1, v], [u + 1, v + 1], [u, v + 1]];
      const turned = cornersUv.map(([uu, vv]) => turnOnly(bodyPoint(shape, around, along, uu % around, vv)));
      // Outward normal: the cell's edge round the body (u) x its edge along it (v); facing the
      // viewer when it points towards them (+z after turning).
      const eu = turned[1].map((c, i) => c - turned[0][i]), ev = turned[3].map((c, i) => c - turned[0][i]);
      if (eu[0] * ev[1] - eu[1] * ev[0] <= 0) continue;
      const corners = turned.map(([x, y, z]) => [cx + x * scale, cy - y * scale, z]);
      quads.push({ corners, depth: corners.reduce((sum, c) => sum + c[2], 0), dose: map[v * around + u] });
    }
  }
  quads.sort((p, q) => p.depth - q.depth);
  for (const q of quads) {
    g.beginPath();
    q.corners.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
    g.closePath();
    g.fillStyle = colour(q.dose, top);
    g.fill();
    g.strokeStyle = g.fillStyle;
    g.stroke();
  }
}

function say(note, prefix) {
  const key = `${prefix}.${note.code}`;
  const said = t(key, note.params);
  return said === key ? note.text : said;
}

function region(text) {
  return text.split(', ').map((part) => { const key = `skin.region.${part}`; const s = t(key); return s === key ? part : s; }).join(t('skin.regionJoin'));
}

export function skinDoseSection(skin, study, section) {
  if (!skin) {
    if (study.source !== 'rdsr') return null;
    return section(t('skin.title'), h('p', { className: 'muted', id: 'skin-dose' }, t('skin.notMapped')));
  }
  if (skin.psd_mgy === null) {
    return section(t('skin.title'), h('p', { id: 'skin-dose' }, t('skin.noPsd', { reason: skin.missing ? say(skin.missing, 'skin.missing') : '' })));
  }
  const around = skin.map.around, along = skin.map.along;
  const map = decodeMap(skin.map.cells, around * along);
  const psdGy = skin.psd_mgy / 1000;
  const top = scaleTop(psdGy);
  const facts = h('dl', { className: 'facts', id: 'skin-dose' },
    h('dt', {}, t('skin.psd')), h('dd', { id: 'skin-psd' }, psdGy >= 1 ? `${fmt(psdGy)} Gy` : `${fmt(skin.psd_mgy)} mGy`),
    h('dt', {}, t('skin.where')), h('dd', { id: 'skin-region' }, region(skin.region)),
    h('dt', {}, t('skin.kar')), h('dd', {}, `${fmt(study.kar_total_mgy)} mGy`),
    h('dt', {}, t('skin.dapShare')), h('dd', { id: 'skin-dap-share' }, skin.dap_on_phantom === null ? '' : `${Math.round(skin.dap_on_phantom * 100)} %`),
    h('dt', {}, t('skin.phantom')), h('dd', { className: 'data' }, skin.phantom),
    h('dt', {}, t('skin.normalisation')), h('dd', { className: 'data' }, skin.normalisation),
    h('dt', {}, t('skin.events')), h('dd', {}, String(skin.events)));
  // Unrolled: the back's middle at both ends, the head at the top.
  const cell = 6;
  const flat = h('canvas', { width: around * cell, height: along * cell, id: 'skin-map-2d', 'aria-label': t('skin.map2d') });
  const g = flat.getContext('2d');
  for (let v = 0; v < along; v++) {
    for (let u = 0; u < around; u++) { g.fillStyle = colour(map[v * around + u], top); g.fillRect(u * cell, (along - 1 - v) * cell, cell, cell); }
  }
  const { flat_cm: f, radius_cm: r } = skin.map.shape;
  const perimeter = 2 * f + 2 * Math.PI * r;
  const marks = [[0, 'back'], [f / 2 + (Math.PI * r) / 2, 'right side'], [f / 2 + Math.PI * r + f / 2, 'front'],
    [f * 1.5 + Math.PI * r * 1.5, 'left side'], [perimeter, 'back']];
  const labels = h('div', { className: 'skin-labels', style: `width:${around * cell}px` },
    ...marks.map(([s, name]) => h('span', { style: `left:${(s / perimeter) * around * cell}px` }, t(`skin.region.${name}`))));
  const body = h('canvas', { width: 360, height: 420, id: 'skin-map-3d', 'aria-label': t('skin.map3d') });
  const turn = h('input', { type: 'range', id: 'skin-turn', min: 0, max: 359, value: 180, 'aria-label': t('skin.turn') });
  const redraw = () => draw3d(body, map, around, along, skin.map.shape, top, Number(turn.value));
  turn.addEventListener('input', redraw);
  redraw();
  const notes = skin.assumptions.length
    ? h('ul', { id: 'skin-assumptions' }, skin.assumptions.map((a) => h('li', {}, say(a, 'skin.assumption'))))
    : h('p', { className: 'muted' }, t('skin.noAssumptions'));
  return section(t('skin.title'), facts,
    h('div', { className: 'skin-maps' },
      h('figure', {}, labels, flat, h('figcaption', {}, t('skin.map2d'))),
      h('figure', {}, body, h('label', {}, t('skin.turn'), ' ', turn), h('figcaption', {}, t('skin.map3d')))),
    legend(top), h('h3', {}, t('skin.assumptionsTitle')), notes, h('p', { className: 'muted' }, t('skin.method')));
}
