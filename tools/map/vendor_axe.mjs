// Build-time only: copies axe-core into the browser tests' assets (injected by the tests).
import { copyFileSync } from "node:fs";
copyFileSync(
  new URL("node_modules/axe-core/axe.min.js", import.meta.url),
  new URL("../../tests/browser/assets/axe.min.js", import.meta.url),
);
console.log("axe.min.js vendored");
