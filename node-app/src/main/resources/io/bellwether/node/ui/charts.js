// Small line charts in inline SVG: no library, nothing to load.

/** The charts' coordinate system (the SVG's viewBox); CSS stretches it to the box's width. */
const WIDTH = 300;
const HEIGHT = 60;

/**
 * Draws `series` (a Series of history.js) into the <path> of `svg`: time runs over the series'
 * span ending at `now`, values from 0 to a little above the largest (at least `floor`, so that
 * a quiet cluster does not draw noise full height). Null values break the line.
 *
 * @returns {number} the value at the top of the chart, for its label
 */
export function drawSeries(svg, series, now, floor) {
  const top = Math.max(floor, series.max()) * 1.1;
  const x = (time) => ((time - (now - series.spanMs)) / series.spanMs) * WIDTH;
  const y = (value) => HEIGHT - (value / top) * HEIGHT;
  const parts = [];
  let penDown = false;
  for (const p of series.points) {
    if (p.value === null) {
      penDown = false;
      continue;
    }
    parts.push(`${penDown ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`);
    penDown = true;
  }
  svg.querySelector('path').setAttribute('d', parts.join(''));
  return top;
}
