// Build-time only: turns npm `world-atlas` (Natural Earth, public domain) TopoJSON into projected
// SVG path data for the site's server-rendered world map: public/map/world.json.
// Large states come from the 1:110m file; states absent there (small islands, micro-states) from
// the 1:50m file. A state too small to see or click also gets a round marker at its centroid.
// Run: cd tools/map && npm ci && npm run build
import { readFileSync, writeFileSync } from "node:fs";
import { geoEqualEarth, geoPath, geoGraticule10 } from "d3-geo";
import { feature } from "topojson-client";

const WIDTH = 960;
const HEIGHT = 470;
const load = (name) => JSON.parse(readFileSync(new URL(`node_modules/world-atlas/${name}`, import.meta.url)));
const t110 = load("countries-110m.json");
const t50 = load("countries-50m.json");
const f110 = feature(t110, t110.objects.countries).features.filter((f) => f.id);
const f50 = feature(t50, t50.objects.countries).features.filter((f) => f.id);
const have = new Set(f110.map((f) => f.id));
const features = [...f110, ...f50.filter((f) => !have.has(f.id))];

// Not in Natural Earth's 1:50m countries: placed by its capital's coordinates.
const POINTS = { 798: { name: "Tuvalu", lonlat: [179.194, -8.521] } };

const projection = geoEqualEarth().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: "Sphere" });
const path = geoPath(projection);
const round = (d) => d.replace(/(\d+\.\d)\d+/g, "$1");

const shapes = {};
for (const f of features) {
  const d = path(f);
  if (!d) continue;
  const area = path.area(f);
  const [cx, cy] = path.centroid(f);
  shapes[f.id] = {
    name: f.properties.name,
    d: round(d),
    marker: area < 30 ? [Math.round(cx * 10) / 10, Math.round(cy * 10) / 10] : null,
  };
}
for (const [id, p] of Object.entries(POINTS)) {
  const [cx, cy] = projection(p.lonlat);
  shapes[id] = { name: p.name, d: "", marker: [Math.round(cx * 10) / 10, Math.round(cy * 10) / 10] };
}
const out = {
  source: "world-atlas 2.0.2 (Natural Earth 1:110m and 1:50m, public domain), Equal Earth projection",
  width: WIDTH,
  height: HEIGHT,
  sphere: round(path({ type: "Sphere" })),
  graticule: round(path(geoGraticule10())),
  shapes,
};
writeFileSync(new URL("../../public/map/world.json", import.meta.url), JSON.stringify(out));
console.log(`${Object.keys(shapes).length} shapes written`);
