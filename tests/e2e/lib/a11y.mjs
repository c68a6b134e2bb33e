// Accessibility and width checks of a page as it is (issue 18, points 5 and 6): axe-core's
// WCAG 2.x A/AA rules and best practices, and whether the page scrolls sideways at each width.
import {AxeBuilder} from '@axe-core/playwright';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

export const WIDTHS = [360, 390, 768, 1024, 1366, 1440];
export const DESKTOP = {
  width: 1366,
  height: 900
};
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
export const IMPACTS = ['critical', 'serious', 'moderate', 'minor'];

export const isSerious = (v) => v.impact === 'critical' || v.impact === 'serious';

// axe-core as @axe-core/playwright would inject it, minified and only into a page without it yet:
// the builder injects it twice per analysis, and a view reached by its hash keeps it.
const require = createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright'));
const AXE_SOURCE =
    `if (!window.axe) {\n${readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')}\n}`;

// The page's violations: {id, impact, help, nodes (how many), targets (the first few)}.
// Legacy mode runs axe in the page itself, without opening a blank page (there is no iframe);
// only violations are detailed (passes and incomplete checks cost as much again).
export async function axeScan(page) {
  const {violations} = await new AxeBuilder({page, axeSource: AXE_SOURCE})
                           .withTags(TAGS)
                           .options({resultTypes: ['violations']})
                           .setLegacyMode(true)
                           .analyze();
  return violations.map((v) => ({
                          id: v.id,
                          impact: v.impact,
                          help: v.help,
                          nodes: v.nodes.length,
                          targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ')),
                        }));
}

export const describeViolation = (v) =>
    `${v.impact} ${v.id} (${v.help}) ×${v.nodes}: ${v.targets.join(' | ')}`;

// The widths at which the document is wider than the window, each with the elements sticking out
// on the right whose parent does not (the ones to fix). Leaves the page at the last width.
export async function overflowingWidths(page, widths = WIDTHS) {
  const wide = [];
  for (const width of widths) {
    await page.setViewportSize({width, height: DESKTOP.height});
    const found = await page.evaluate(() => {
      const d = document.documentElement;
      if (d.scrollWidth <= d.clientWidth) return null;
      const out = (e) => e.getBoundingClientRect().right > d.clientWidth + 0.5;
      const name = (e) => [e.tagName.toLowerCase(), ...e.classList].join('.') +
          (e.dataset.testid ? `[${e.dataset.testid}]` : '');
      const culprits = [...document.body.querySelectorAll('*')]
                           .filter((e) => out(e) && !(e.parentElement && out(e.parentElement)))
                           .slice(0, 3)
                           .map(name);
      return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, culprits};
    });
    if (found) wide.push({width, ...found});
  }
  return wide;
}

// Elements with an animation or a transition that lasts (with prefers-reduced-motion: none
// should be left).
export function movingElements(page) {
  return page.evaluate(() => {
    const lasts = (list) => list.split(',').some((t) => parseFloat(t) > 0);
    const moving = [];
    for (const e of document.querySelectorAll('*')) {
      const s = getComputedStyle(e);
      const animated = s.animationName !== 'none' && lasts(s.animationDuration);
      if (animated || lasts(s.transitionDuration)) {
        moving.push([e.tagName.toLowerCase(), ...e.classList].join('.'));
      }
    }
    return moving;
  });
}
