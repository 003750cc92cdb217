// Checks for a page on a small screen, run in the page itself: does anything make the document
// wider than the viewport (and what), and which primary controls are smaller than a fingertip.
import type { Page } from "@playwright/test";

/** WCAG 2.5.5's target size, and the app's --touch token. */
export const TOUCH_TARGET_PX = 44;

export type Overflow = {
  /** document scrollWidth − clientWidth, in CSS px; 0 when the page fits. */
  overflow: number;
  /** The outermost elements that stick out past the right edge (not inside a box that scrolls or clips), widest first. */
  culprits: string[];
};

/**
 * How far the document is wider than the viewport, naming the elements that make it so: an
 * element sticking out past the right edge whose parent does not (so the report points at the
 * cause, not at every ancestor or descendant), skipping anything inside a box that scrolls or
 * clips sideways (a table in its own scrolling region is fine).
 */
export async function measureOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const overflow = root.scrollWidth - width;
    if (overflow <= 0) return { overflow: 0, culprits: [] };
    const describe = (element: Element): string => {
      const parts: string[] = [];
      for (let node: Element | null = element; node && node !== document.body && parts.length < 4; node = node.parentElement) {
        const classes = [...node.classList].slice(0, 2).map((name) => `.${name}`).join("");
        parts.unshift(`${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ""}${classes}`);
      }
      const text = (element.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 50);
      return `${parts.join(" > ")}${text ? ` "${text}"` : ""}`;
    };
    const clippedByAncestor = (element: Element): boolean => {
      for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
        if (getComputedStyle(node).overflowX !== "visible") return true;
      }
      return false;
    };
    const sticksOut = (element: Element): boolean => element.getBoundingClientRect().right > width + 0.5;
    const found: { text: string; right: number; width: number }[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (!sticksOut(element) || clippedByAncestor(element)) continue;
      const parent = element.parentElement;
      if (parent && parent !== document.body && sticksOut(parent)) continue;
      found.push({ text: describe(element), right: box.right, width: box.width });
    }
    found.sort((a, b) => b.right - a.right);
    return {
      overflow,
      culprits: found.slice(0, 3).map((item) => `${item.text} (${Math.round(item.width)} px wide, right edge at ${Math.round(item.right)} px)`),
    };
  });
}

/**
 * Visible primary controls (buttons, links styled as buttons, the menu's summary, navigation links,
 * and checkboxes or radios in a table row, such as the approvals "Select" column, measured by the
 * label around them, which is what a finger hits) smaller than TOUCH_TARGET_PX in either direction.
 * Links inside running text are exempt (WCAG 2.5.8).
 */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const selector = "button, input[type=submit], input[type=button], a.button, summary, nav a, td input[type=checkbox], td input[type=radio]";
    const small: string[] = [];
    for (const element of document.querySelectorAll(selector)) {
      const target = element instanceof HTMLInputElement ? (element.closest("label") ?? element) : element;
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue; // not shown (closed disclosure, hidden at this size)
      if (box.width + 0.5 >= min && box.height + 0.5 >= min) continue;
      const name = (element.getAttribute("aria-label") ?? element.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
      small.push(`${element.tagName.toLowerCase()} "${name}" is ${Math.round(box.width)}×${Math.round(box.height)} px`);
    }
    return small;
  }, TOUCH_TARGET_PX);
}

export type InputKeyboard = { name: string; type: string; inputMode: string; autocomplete: string; label: string };

/** Every visible text-like input with what keyboard it asks for, for the keyboard rules. */
export async function inputKeyboards(page: Page): Promise<InputKeyboard[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("input")]
      .filter((input) => !["hidden", "checkbox", "radio", "file", "submit", "button"].includes(input.type))
      .filter((input) => input.getBoundingClientRect().width > 0)
      .map((input) => ({
        name: input.name,
        type: input.type,
        inputMode: input.inputMode,
        autocomplete: input.getAttribute("autocomplete") ?? "",
        label: (input.labels?.[0]?.textContent ?? input.getAttribute("aria-label") ?? "").replace(/\s+/g, " ").trim(),
      })),
  );
}
