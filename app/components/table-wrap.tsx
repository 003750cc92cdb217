import type { ReactNode } from "react";

/**
 * The box a wide table scrolls sideways in (tablets, long audit details). It is a named,
 * focusable region so that keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
